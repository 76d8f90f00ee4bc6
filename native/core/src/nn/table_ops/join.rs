//! JoinTable: concatenates a table of tensors along one dimension; the helpers Concat shares.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::{Axis, Slice};

/// The 0-based axis of BigDL's 1-based `dimension`, shifted by one when the input has a batch
/// dimension beyond `n_input_dims` (0 = no shift). Negative `dimension` counts from the end.
pub fn axis_of(who: &str, dimension: i64, n_input_dims: usize, ndim: usize) -> Result<usize> {
    let shift = usize::from(n_input_dims > 0 && ndim == n_input_dims + 1);
    let d = if dimension < 0 {
        ndim as i64 + dimension
    } else {
        dimension - 1 + shift as i64
    };
    if d < 0 || d >= ndim as i64 {
        return Err(Error::invalid(
            who,
            format!("dimension {dimension} is out of range for a {ndim}-d input"),
        ));
    }
    Ok(d as usize)
}

/// Concatenates `xs` along `axis`; all other dimensions must agree.
pub fn concat<T: Element>(who: &str, xs: &[&Tensor<T>], axis: usize) -> Result<Tensor<T>> {
    let first = xs
        .first()
        .ok_or_else(|| Error::invalid(who, "nothing to concatenate"))?;
    for x in xs {
        let same = x.ndim() == first.ndim()
            && (0..first.ndim()).all(|d| d == axis || x.shape()[d] == first.shape()[d]);
        if !same {
            return Err(Error::shape(
                who,
                format!(
                    "{} except along dimension {}",
                    crate::error::fmt_shape(first.shape()),
                    axis + 1
                ),
                x.shape(),
            ));
        }
    }
    let views: Vec<_> = xs.iter().map(|x| x.view()).collect();
    ndarray::concatenate(Axis(axis), &views).map_err(|e| Error::invalid(who, e.to_string()))
}

/// Splits `g` along `axis` into pieces of the given sizes.
pub fn split<T: Element>(
    who: &str,
    g: &Tensor<T>,
    axis: usize,
    sizes: &[usize],
) -> Result<Vec<Tensor<T>>> {
    if axis >= g.ndim() || sizes.iter().sum::<usize>() != g.shape()[axis] {
        return Err(Error::shape(
            who,
            format!(
                "{} along dimension {}",
                sizes.iter().sum::<usize>(),
                axis + 1
            ),
            g.shape(),
        ));
    }
    let mut start = 0;
    Ok(sizes
        .iter()
        .map(|n| {
            let piece = g
                .slice_axis(Axis(axis), Slice::from(start..start + n))
                .to_owned();
            start += n;
            piece
        })
        .collect())
}

/// BigDL's `JoinTable(dimension, nInputDims)`.
///
/// # Shapes
/// - input: a table of tensors equal in every dimension but `dimension`
/// - output: their concatenation along `dimension` (shifted past a batch dimension when the
///   inputs have `nInputDims + 1` dimensions)
pub struct JoinTable {
    dimension: i64,
    n_input_dims: usize,
}

impl JoinTable {
    pub fn new(dimension: i64, n_input_dims: usize) -> Result<Self> {
        if dimension == 0 {
            return Err(Error::invalid(
                "JoinTable",
                "dimension is 1-based; 0 is invalid",
            ));
        }
        Ok(JoinTable {
            dimension,
            n_input_dims,
        })
    }
}

impl<T: Element> ActivityModule<T> for JoinTable {
    fn describe(&self) -> String {
        format!("JoinTable({}, {})", self.dimension, self.n_input_dims)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let xs = input
            .table("JoinTable")?
            .iter()
            .map(|a| a.tensor("JoinTable"))
            .collect::<Result<Vec<_>>>()?;
        let ndim = xs.first().map(|x| x.ndim()).unwrap_or(0);
        let axis = axis_of("JoinTable", self.dimension, self.n_input_dims, ndim)?;
        Ok(Activity::Tensor(concat("JoinTable", &xs, axis)?))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let xs = input
            .table("JoinTable")?
            .iter()
            .map(|a| a.tensor("JoinTable"))
            .collect::<Result<Vec<_>>>()?;
        let ndim = xs.first().map(|x| x.ndim()).unwrap_or(0);
        let axis = axis_of("JoinTable", self.dimension, self.n_input_dims, ndim)?;
        let sizes: Vec<usize> = xs.iter().map(|x| x.shape()[axis]).collect();
        let parts = split("JoinTable", grad_output.tensor("JoinTable")?, axis, &sizes)?;
        Ok(Activity::Table(
            parts.into_iter().map(Activity::Tensor).collect(),
        ))
    }
}
