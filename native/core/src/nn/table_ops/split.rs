//! SplitTable: a tensor into the table of its slices along one dimension.

use super::join::axis_of;
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;
use ndarray::Axis;

/// Stacks `parts` along `axis` into a tensor of `shape`, checking every part's shape; `who`
/// names the op in errors. No parts give zeros of `shape` (an axis of length 0).
pub fn stack<T: Element>(
    who: &str,
    parts: &[&Tensor<T>],
    axis: usize,
    shape: &[usize],
) -> Result<Tensor<T>> {
    let mut slice = shape.to_vec();
    if axis >= slice.len() || slice[axis] != parts.len() {
        return Err(Error::invalid(
            who,
            format!(
                "{} pieces do not make {} along dimension {}",
                parts.len(),
                fmt_shape(shape),
                axis + 1
            ),
        ));
    }
    slice.remove(axis);
    if let Some(bad) = parts.iter().find(|p| p.shape() != slice.as_slice()) {
        return Err(Error::shape(who, fmt_shape(&slice), bad.shape()));
    }
    if parts.is_empty() {
        return Ok(Tensor::zeros(shape));
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    ndarray::stack(Axis(axis), &views).map_err(|e| Error::invalid(who, e.to_string()))
}

/// BigDL's `SplitTable(dimension, nInputDims = -1)`: the slices of the input along the 1-based
/// `dimension` (negative counts from the end), shifted past a batch dimension when the input
/// has `nInputDims + 1` dimensions.
///
/// # Shapes
/// - input: a tensor `[d1, ..., dk]`
/// - output: a table of `d_dimension` tensors, each the input without that dimension
pub struct SplitTable {
    dimension: i64,
    n_input_dims: i64,
}

impl SplitTable {
    pub fn new(dimension: i64, n_input_dims: i64) -> Result<Self> {
        if dimension == 0 {
            return Err(Error::invalid(
                "SplitTable",
                "dimension is 1-based; 0 is invalid",
            ));
        }
        Ok(SplitTable {
            dimension,
            n_input_dims,
        })
    }

    fn axis(&self, ndim: usize) -> Result<usize> {
        let n_input_dims = usize::try_from(self.n_input_dims).unwrap_or(0);
        axis_of("SplitTable", self.dimension, n_input_dims, ndim)
    }
}

impl<T: Element> ActivityModule<T> for SplitTable {
    fn describe(&self) -> String {
        format!("SplitTable({}, {})", self.dimension, self.n_input_dims)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let x = input.tensor("SplitTable")?;
        let axis = self.axis(x.ndim())?;
        Ok(Activity::Table(
            x.axis_iter(Axis(axis))
                .map(|s| Activity::Tensor(s.to_owned()))
                .collect(),
        ))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let x = input.tensor("SplitTable")?;
        let axis = self.axis(x.ndim())?;
        let parts = grad_output
            .table("SplitTable")?
            .iter()
            .map(|g| g.tensor("SplitTable"))
            .collect::<Result<Vec<_>>>()?;
        Ok(Activity::Tensor(stack(
            "SplitTable",
            &parts,
            axis,
            x.shape(),
        )?))
    }
}
