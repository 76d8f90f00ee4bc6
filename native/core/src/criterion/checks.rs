//! Shape and label checks the criterions share, each naming the criterion that failed.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{ArrayView2, Ix2};

/// Views a `[batch, n]` or `[n]` tensor as a matrix `[batch, n]` (`[n]` is one sample).
pub(super) fn matrix<'a, T: Element>(
    name: &str,
    input: &'a Tensor<T>,
) -> Result<ArrayView2<'a, T>> {
    let shape = input.shape();
    let view = match shape.len() {
        1 => input.view().into_shape_with_order((1, shape[0])).ok(),
        2 => input.view().into_dimensionality::<Ix2>().ok(),
        _ => None,
    };
    view.ok_or_else(|| Error::shape(name, "[batch, n] or [n]", shape))
}

/// Views input and target, which must have the same shape, as matrices `[batch, n]`.
pub(super) fn matrix_pair<'a, T: Element>(
    name: &str,
    input: &'a Tensor<T>,
    target: &'a Tensor<T>,
) -> Result<(ArrayView2<'a, T>, ArrayView2<'a, T>)> {
    let x = matrix(name, input)?;
    check_same_shape(name, "target", input.shape(), target)?;
    Ok((x, matrix(name, target)?))
}

/// Views any tensor of at least one dimension as `[rows, last dimension]`.
pub(super) fn last_dim_rows<'a, T: Element>(
    name: &str,
    input: &'a Tensor<T>,
) -> Result<ArrayView2<'a, T>> {
    let shape = input.shape();
    let last = shape.last().copied().unwrap_or(0);
    let rows = input.len().checked_div(last).unwrap_or(0);
    if shape.is_empty() {
        return Err(Error::shape(name, "at least one dimension", shape));
    }
    input
        .view()
        .into_shape_with_order((rows, last))
        .map_err(|_| Error::shape(name, "a contiguous tensor", shape))
}

/// The 1-based class label of each of `batch` samples, returned 0-based: the target is
/// `[batch]` or `[batch, 1]`, every label an integer in `[1, n_classes]`.
pub(super) fn class_labels<T: Element>(
    name: &str,
    target: &Tensor<T>,
    batch: usize,
    n_classes: usize,
) -> Result<Vec<usize>> {
    let ok = target.len() == batch
        && (target.ndim() == 1 || (target.ndim() == 2 && target.shape()[1] == 1));
    if !ok {
        return Err(Error::shape(
            &format!("{name} (target)"),
            format!("[{batch}] or [{batch}, 1]"),
            target.shape(),
        ));
    }
    target
        .iter()
        .enumerate()
        .map(|(index, &t)| {
            let label = t.as_f64();
            if label.fract() == 0.0 && label >= 1.0 && label <= n_classes as f64 {
                Ok(label as usize - 1)
            } else {
                Err(Error::LabelOutOfRange {
                    layer: name.to_string(),
                    label,
                    index,
                    n_classes,
                })
            }
        })
        .collect()
}

/// Fails with [`Error::NonFinite`] when a loss is NaN or infinite.
pub(super) fn finite_loss(name: &str, sum: f64) -> Result<f64> {
    if sum.is_finite() {
        Ok(sum)
    } else {
        Err(Error::NonFinite {
            op: name.to_string(),
            what: "loss".into(),
            index: 0,
        })
    }
}

/// Fails unless `weights` (when given) has one finite value per class.
pub(super) fn check_weights(name: &str, weights: Option<&[f64]>, n_classes: usize) -> Result<()> {
    match weights {
        Some(w) if w.len() != n_classes => Err(Error::invalid(
            name,
            format!("{} class weights for {n_classes} classes", w.len()),
        )),
        Some(w) if w.iter().any(|v| !v.is_finite()) => {
            Err(Error::invalid(name, "class weights must be finite"))
        }
        _ => Ok(()),
    }
}

/// The number of samples in a batch: the first dimension of a tensor of two or more
/// dimensions, else one (BigDL treats a vector as one sample).
pub(super) fn samples<T>(input: &Tensor<T>) -> usize {
    if input.ndim() >= 2 {
        input.shape()[0]
    } else {
        1
    }
}
