//! Helpers the layers of this folder share: 1-based dimensions, padding and cropping by
//! per-axis amounts, and broadcast indices of a smaller tensor (parameters, noise masks).

use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{IxDyn, Slice};

/// A 1-based (negative: from the end) dimension of a `rank`-dimensional tensor, 0-based.
pub(crate) fn axis(layer: &str, d: i64, rank: usize, shape: &[usize]) -> Result<usize> {
    let r = rank as i64;
    let a = if d < 0 { r + d } else { d - 1 };
    if (0..r).contains(&a) {
        Ok(a as usize)
    } else {
        Err(Error::shape(
            layer,
            format!("a tensor with dimension {d}"),
            shape,
        ))
    }
}

/// Per axis, the source range of the input and the destination range of the output when each
/// axis gets `(before, after)` elements added (negative amounts crop).
type Ranges = (Vec<usize>, Vec<(usize, usize)>, Vec<(usize, usize)>);

fn pad_ranges(layer: &str, shape: &[usize], pads: &[(i64, i64)]) -> Result<Ranges> {
    let bad = || {
        Error::shape(
            layer,
            format!(
                "{} dimensions, large enough for the padding or cropping {pads:?}",
                pads.len()
            ),
            shape,
        )
    };
    if shape.len() != pads.len() {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(shape.len());
    let mut src = Vec::with_capacity(shape.len());
    let mut dst = Vec::with_capacity(shape.len());
    for (&n, &(b, a)) in shape.iter().zip(pads) {
        let n = n as i64;
        let size = n.saturating_add(b).saturating_add(a);
        let len = n
            .saturating_sub(b.saturating_neg().max(0))
            .saturating_sub(a.saturating_neg().max(0));
        if size < 1 || len < 0 {
            return Err(bad());
        }
        out.push(size as usize);
        let (s0, d0) = (b.saturating_neg().max(0) as usize, b.max(0) as usize);
        src.push((s0, s0 + len as usize));
        dst.push((d0, d0 + len as usize));
    }
    Ok((out, src, dst))
}

/// `input` with `(before, after)` elements of `value` added along each axis; negative amounts
/// remove elements instead.
pub(crate) fn pad_crop<T: Element>(
    layer: &str,
    input: &Tensor<T>,
    pads: &[(i64, i64)],
    value: T,
) -> Result<Tensor<T>> {
    let (shape, src, dst) = pad_ranges(layer, input.shape(), pads)?;
    crate::error::checked_count(layer, &shape)?;
    let mut out = Tensor::from_elem(IxDyn(&shape), value);
    out.slice_each_axis_mut(|ad| Slice::from(dst[ad.axis.0].0..dst[ad.axis.0].1))
        .assign(&input.slice_each_axis(|ad| Slice::from(src[ad.axis.0].0..src[ad.axis.0].1)));
    Ok(out)
}

/// The gradient of [`pad_crop`]: the part of `grad_output` that came from the input.
pub(crate) fn pad_crop_backward<T: Element>(
    layer: &str,
    input: &Tensor<T>,
    pads: &[(i64, i64)],
    grad_output: &Tensor<T>,
) -> Result<Tensor<T>> {
    let (shape, src, dst) = pad_ranges(layer, input.shape(), pads)?;
    check_same_shape(layer, "gradOutput", &shape, grad_output)?;
    let mut gx = Tensor::zeros(input.raw_dim());
    gx.slice_each_axis_mut(|ad| Slice::from(src[ad.axis.0].0..src[ad.axis.0].1))
        .assign(&grad_output.slice_each_axis(|ad| Slice::from(dst[ad.axis.0].0..dst[ad.axis.0].1)));
    Ok(gx)
}

/// For each element of a tensor of `shape` (row-major), the flat index of the element of a
/// tensor of `small` (same rank; each dimension equal or 1) broadcast over it.
pub(crate) fn broadcast_index(layer: &str, shape: &[usize], small: &[usize]) -> Result<Vec<usize>> {
    let fits =
        small.len() == shape.len() && small.iter().zip(shape).all(|(s, n)| s == n || *s == 1);
    if !fits {
        return Err(Error::shape(
            layer,
            format!("a shape {} broadcasts to", fmt_shape(small)),
            shape,
        ));
    }
    let mut strides = vec![0usize; small.len()];
    let mut acc = 1;
    for d in (0..small.len()).rev() {
        strides[d] = if small[d] == 1 { 0 } else { acc };
        acc *= small[d];
    }
    let total: usize = shape.iter().product();
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; shape.len()];
    let mut flat = 0usize;
    for _ in 0..total {
        out.push(flat);
        for d in (0..shape.len()).rev() {
            idx[d] += 1;
            flat += strides[d];
            if idx[d] < shape[d] {
                break;
            }
            flat -= strides[d] * idx[d];
            idx[d] = 0;
        }
    }
    Ok(out)
}
