//! The checks the two-tensor table operations share (MM, MV, DotProduct, PairwiseDistance,
//! CosineDistance): a table of exactly two tensors, and a gradient of the output's shape.

use crate::activity::Activity;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;

/// The two tensors of `input`, or an error naming `who` for any other structure.
pub fn two_tensors<'a, T: Element>(
    who: &str,
    input: &'a Activity<T>,
) -> Result<(&'a Tensor<T>, &'a Tensor<T>)> {
    match input.table(who)? {
        [Activity::Tensor(a), Activity::Tensor(b)] => Ok((a, b)),
        _ => Err(Error::invalid(
            who,
            format!("expects a table of 2 tensors, got {}", input.describe()),
        )),
    }
}

/// The gradient tensor, checked to have `shape` (the output's).
pub fn grad_tensor<'a, T: Element>(
    who: &str,
    grad_output: &'a Activity<T>,
    shape: &[usize],
) -> Result<&'a Tensor<T>> {
    let g = grad_output.tensor(who)?;
    if g.shape() != shape {
        return Err(Error::shape(
            &format!("{who} (gradOutput)"),
            fmt_shape(shape),
            g.shape(),
        ));
    }
    Ok(g)
}

/// The elements of `input`, all of them tensors, or an error naming `who`.
pub fn tensors<'a, T: Element>(who: &str, input: &'a Activity<T>) -> Result<Vec<&'a Tensor<T>>> {
    input.table(who)?.iter().map(|a| a.tensor(who)).collect()
}
