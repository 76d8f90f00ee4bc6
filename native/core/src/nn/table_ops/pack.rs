//! Pack: a table of same-shaped tensors stacked along a new dimension.

use super::pair::tensors;
use super::split::stack;
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;
use ndarray::Axis;

/// BigDL's `Pack(dimension)`: stacks n tensors of one shape `[d1, ..., dk]` along the new
/// 1-based `dimension` (1 ..= k + 1; negative counts as `k + 1 + dimension`, so -1 is k, as in
/// BigDL).
///
/// # Shapes
/// - input: a table of n tensors `[d1, ..., dk]`
/// - output: `[d1, ..., n, ..., dk]` with n at `dimension`
pub struct Pack {
    dimension: i64,
}

/// Pack's inputs, the new axis (0-based) and the output shape.
struct Packed<'a, T> {
    xs: Vec<&'a Tensor<T>>,
    axis: usize,
    shape: Vec<usize>,
}

impl Pack {
    pub fn new(dimension: i64) -> Result<Self> {
        if dimension == 0 {
            return Err(Error::invalid("Pack", "dimension is 1-based; 0 is invalid"));
        }
        Ok(Pack { dimension })
    }

    /// The inputs, the 0-based new axis and the output shape.
    fn layout<'a, T: Element>(&self, input: &'a Activity<T>) -> Result<Packed<'a, T>> {
        let xs = tensors("Pack", input)?;
        let first = xs.first().ok_or_else(|| {
            Error::invalid(
                "Pack",
                format!(
                    "expects a table of 1 or more tensors, got {}",
                    input.describe()
                ),
            )
        })?;
        if let Some(bad) = xs.iter().find(|x| x.shape() != first.shape()) {
            return Err(Error::shape("Pack", fmt_shape(first.shape()), bad.shape()));
        }
        let k = first.ndim() as i64;
        let d = if self.dimension < 0 {
            k + self.dimension + 1
        } else {
            self.dimension
        };
        if d < 1 || d > k + 1 {
            return Err(Error::invalid(
                "Pack",
                format!(
                    "dimension {} is out of range for {}-d inputs",
                    self.dimension, k
                ),
            ));
        }
        let axis = (d - 1) as usize;
        let mut shape = first.shape().to_vec();
        shape.insert(axis, xs.len());
        Ok(Packed { xs, axis, shape })
    }
}

impl<T: Element> ActivityModule<T> for Pack {
    fn describe(&self) -> String {
        format!("Pack({})", self.dimension)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let p = self.layout(input)?;
        Ok(Activity::Tensor(stack("Pack", &p.xs, p.axis, &p.shape)?))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let p = self.layout(input)?;
        let g = super::pair::grad_tensor("Pack", grad_output, &p.shape)?;
        Ok(Activity::Table(
            g.axis_iter(Axis(p.axis))
                .map(|s| Activity::Tensor(s.to_owned()))
                .collect(),
        ))
    }
}
