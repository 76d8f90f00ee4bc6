//! Helpers the criterions over tables share: the tensors of an input table, a target given as a
//! tensor or a one-element table, and f64 values in and out of tensors.

use crate::activity::Activity;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{from_vec, Tensor};

/// The `n` tensors of the table `a` (the criterion's `what`), or an error naming `name`.
pub(super) fn tensors<'a, T: Element>(
    name: &str,
    a: &'a Activity<T>,
    n: usize,
    what: &str,
) -> Result<Vec<&'a Tensor<T>>> {
    let table = a.table(name)?;
    if table.len() != n {
        return Err(Error::invalid(
            name,
            format!(
                "expects the {what} as a table of {n} tensors, got {}",
                a.describe()
            ),
        ));
    }
    table.iter().map(|x| x.tensor(name)).collect()
}

/// A tensor target, or the tensor of a one-element table (BigDL passes `T(y)`).
pub(super) fn single_target<'a, T: Element>(
    name: &str,
    target: &'a Activity<T>,
) -> Result<&'a Tensor<T>> {
    match target {
        Activity::Tensor(t) => Ok(t),
        Activity::Table(v) if v.len() == 1 => v[0].tensor(name),
        other => Err(Error::invalid(
            name,
            format!(
                "expects the target as a tensor or a table of one tensor, got {}",
                other.describe()
            ),
        )),
    }
}

/// The values of a tensor in logical (row-major) order, as f64.
pub(super) fn values<T: Element>(t: &Tensor<T>) -> Vec<f64> {
    t.iter().map(|v| v.as_f64()).collect()
}

/// A tensor of `shape` from f64 values.
pub(super) fn tensor<T: Element>(name: &str, shape: &[usize], v: Vec<f64>) -> Result<Tensor<T>> {
    from_vec(name, shape, v.into_iter().map(T::lit).collect())
}

/// Checks that `b` (called `what`) has the shape of `a`.
pub(super) fn same_shape<T: Element>(
    name: &str,
    what: &str,
    a: &Tensor<T>,
    b: &Tensor<T>,
) -> Result<()> {
    if a.shape() != b.shape() {
        return Err(Error::invalid(
            name,
            format!(
                "{what} has shape {}, expected {}",
                fmt_shape(b.shape()),
                fmt_shape(a.shape())
            ),
        ));
    }
    Ok(())
}

/// `[batch, n]` for a `[batch, n]` or `[n]` tensor (one sample).
pub(super) fn rows_cols<T: Element>(name: &str, t: &Tensor<T>) -> Result<(usize, usize)> {
    match t.shape() {
        [n] => Ok((1, *n)),
        [b, n] => Ok((*b, *n)),
        s => Err(Error::shape(name, "[batch, n] or [n]", s)),
    }
}

/// A target of `batch` values, each 1 or -1.
pub(super) fn signs<T: Element>(name: &str, y: &Tensor<T>, batch: usize) -> Result<Vec<f64>> {
    if y.len() != batch {
        return Err(Error::invalid(
            name,
            format!("target has {} values for a batch of {batch}", y.len()),
        ));
    }
    let v = values(y);
    if let Some(bad) = v.iter().find(|s| **s != 1.0 && **s != -1.0) {
        return Err(Error::invalid(
            name,
            format!("target values must be 1 or -1, got {bad}"),
        ));
    }
    Ok(v)
}
