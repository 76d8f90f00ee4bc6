//! Tensors: n-dimensional, row-major `ndarray` arrays, plus the checks every op shares.

use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{ArrayD, ArrayView2, IxDyn};

/// The engine's tensor: a dynamically-shaped, row-major array.
pub type Tensor<T> = ArrayD<T>;

/// Builds a tensor from a shape and row-major data, checking the element count.
pub fn from_vec<T: Element>(op: &str, shape: &[usize], data: Vec<T>) -> Result<Tensor<T>> {
    let expected: usize = shape.iter().product();
    if expected != data.len() {
        return Err(Error::BufferSize {
            op: op.to_string(),
            what: format!("data for shape {}", crate::error::fmt_shape(shape)),
            expected,
            actual: data.len(),
        });
    }
    ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|e| Error::invalid(op, e.to_string()))
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinity in `data`.
pub fn check_finite<T: Element>(op: &str, what: &str, data: &Tensor<T>) -> Result<()> {
    if data.as_slice_memory_order().is_some_and(all_finite) {
        return Ok(());
    }
    match data.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NonFinite {
            op: op.to_string(),
            what: what.to_string(),
            index,
        }),
    }
}

/// Whether every value is finite, at memory speed: `v - v` is 0 for a finite `v` and NaN for an
/// infinity or a NaN, and eight independent sums of it vectorise (a plain `all(is_finite)`
/// stops at each element and does not).
#[allow(clippy::eq_op)] // `v - v` is the point: it is NaN exactly when `v` is not finite.
pub fn all_finite<T: Element>(values: &[T]) -> bool {
    let mut acc = [T::zero(); 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += v - v;
        }
    }
    acc.iter().all(|a| *a == T::zero()) && rest.iter().all(|v| v.is_finite())
}

/// Values per block in the block-wise passes below: small enough to stay in L1 between the
/// vectorised check and the scan that finds the position.
const FINITE_BLOCK: usize = 4096;

/// The index of the first NaN or infinity in `values`, if any. Vectorised block by block with
/// [`all_finite`]; only a block that holds one is scanned element by element.
pub fn first_non_finite<T: Element>(values: &[T]) -> Option<usize> {
    values
        .chunks(FINITE_BLOCK)
        .enumerate()
        .find(|(_, block)| !all_finite(block))
        .and_then(|(b, block)| {
            block
                .iter()
                .position(|v| !v.is_finite())
                .map(|i| b * FINITE_BLOCK + i)
        })
}

/// Multiplies `values` by `scale` in place and returns the index of the first result that is NaN
/// or infinite, if any: one pass over memory (each block is checked while it is in cache). The
/// scaling is done whatever is found.
pub fn scale_first_non_finite<T: Element>(values: &mut [T], scale: T) -> Option<usize> {
    let mut first = None;
    for (b, block) in values.chunks_mut(FINITE_BLOCK).enumerate() {
        if scale != T::one() {
            block.iter_mut().for_each(|v| *v *= scale);
        }
        if first.is_none() && !all_finite(block) {
            first = block
                .iter()
                .position(|v| !v.is_finite())
                .map(|i| b * FINITE_BLOCK + i);
        }
    }
    first
}

/// Views a `[batch, features]` or `[features]` tensor as a matrix `[batch, features]`.
///
/// Fails with a shape error naming `layer` when the last dimension is not `features`.
pub fn as_batch<'a, T: Element>(
    layer: &str,
    features: usize,
    input: &'a Tensor<T>,
) -> Result<ArrayView2<'a, T>> {
    let shape = input.shape();
    let expected = || format!("[batch, {features}] or [{features}]");
    match shape.len() {
        1 if shape[0] == features => input
            .view()
            .into_shape_with_order((1, features))
            .map_err(|_| Error::shape(layer, expected(), shape)),
        2 if shape[1] == features => input
            .view()
            .into_dimensionality::<ndarray::Ix2>()
            .map_err(|_| Error::shape(layer, expected(), shape)),
        _ => Err(Error::shape(layer, expected(), shape)),
    }
}

/// The elements of `t` in row-major order: borrowed when it is already contiguous, else copied.
pub fn flat<T: Element>(t: &Tensor<T>) -> std::borrow::Cow<'_, [T]> {
    match t.as_slice() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(t.iter().copied().collect()),
    }
}

/// Checks that two tensors have the same shape (e.g. a gradient and the output it belongs to).
pub fn check_same_shape<T>(
    layer: &str,
    what: &str,
    reference: &[usize],
    actual: &Tensor<T>,
) -> Result<()> {
    if reference == actual.shape() {
        Ok(())
    } else {
        Err(Error::shape(
            &format!("{layer} ({what})"),
            crate::error::fmt_shape(reference),
            actual.shape(),
        ))
    }
}
