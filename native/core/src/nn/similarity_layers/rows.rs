//! `[n]` or `[batch, n]` inputs as row-major `[rows, n]` data, and the output shape back.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{flat, Tensor};
use ndarray::{ArrayView2, ArrayViewMut2};
use std::borrow::Cow;

/// (rows, batched, the data) of a `[n]` or `[batch, n]` input; a shape error naming `layer`
/// otherwise.
pub fn rows<'a, T: Element>(
    layer: &str,
    n: usize,
    input: &'a Tensor<T>,
) -> Result<(usize, bool, Cow<'a, [T]>)> {
    match input.shape() {
        [m] if *m == n => Ok((1, false, flat(input))),
        [b, m] if *m == n => Ok((*b, true, flat(input))),
        other => Err(Error::shape(layer, format!("[{n}] or [batch, {n}]"), other)),
    }
}

/// `[rows, m]`, or `[m]` for an unbatched input.
pub fn out_shape(rows: usize, batched: bool, m: usize) -> Vec<usize> {
    if batched {
        vec![rows, m]
    } else {
        vec![m]
    }
}

/// The gradient of the output, checked to have the output's shape.
pub fn check_grad<T: Element>(
    layer: &str,
    output: &Tensor<T>,
    grad_output: &Tensor<T>,
    expected: &[usize],
) -> Result<()> {
    let want = crate::error::fmt_shape(expected);
    if output.shape() != expected {
        return Err(Error::shape(
            &format!("{layer} (output)"),
            want,
            output.shape(),
        ));
    }
    if grad_output.shape() != expected {
        return Err(Error::shape(
            &format!("{layer} (gradOutput)"),
            want,
            grad_output.shape(),
        ));
    }
    Ok(())
}

/// `data` as a row-major `[rows, cols]` matrix.
pub fn matrix<'a, T: Element>(
    op: &str,
    data: &'a [T],
    rows: usize,
    cols: usize,
) -> Result<ArrayView2<'a, T>> {
    ArrayView2::from_shape((rows, cols), data).map_err(|e| Error::invalid(op, e.to_string()))
}

/// `data` as a mutable row-major `[rows, cols]` matrix.
pub fn matrix_mut<'a, T: Element>(
    op: &str,
    data: &'a mut [T],
    rows: usize,
    cols: usize,
) -> Result<ArrayViewMut2<'a, T>> {
    ArrayViewMut2::from_shape((rows, cols), data).map_err(|e| Error::invalid(op, e.to_string()))
}
