//! Helpers the sequence layers share: the `[batch, time, feature]` layout, zero masks, and
//! strided row views and reusable buffers for the GEMMs.

use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};

/// (batch, time, batched) of a `[batch, time, features]` or `[time, features]` input.
pub fn layout(name: &str, shape: &[usize], features: usize) -> Result<(usize, usize, bool)> {
    let expected = || format!("[batch, time, {features}] or [time, {features}]");
    let (batch, time, batched) = match *shape {
        [b, t, f] if f == features => (b, t, true),
        [t, f] if f == features => (1, t, false),
        _ => return Err(Error::shape(name, expected(), shape)),
    };
    if batch == 0 || time == 0 {
        return Err(Error::shape(
            name,
            format!("{} with at least one sample and one step", expected()),
            shape,
        ));
    }
    Ok((batch, time, batched))
}

/// The output shape: `[batch, time, width]`, or `[time, width]` for an unbatched input.
pub fn out_shape(batch: usize, time: usize, batched: bool, width: usize) -> Vec<usize> {
    if batched {
        vec![batch, time, width]
    } else {
        vec![time, width]
    }
}

/// Flags the steps (`[batch·time]`) whose features are all zero (BigDL's `maskZero`).
pub fn zero_mask<T: Element>(x: &[T], features: usize, mask: &mut Vec<bool>) {
    mask.clear();
    mask.extend(
        x.chunks(features.max(1))
            .map(|step| step.iter().all(|v| *v == T::zero())),
    );
}

/// A row-major `[rows, cols]` view of `data` whose rows are `stride` apart.
pub fn rows<T: Element>(
    data: &[T],
    rows: usize,
    cols: usize,
    stride: usize,
) -> Result<ArrayView2<'_, T>> {
    ArrayView2::from_shape((rows, cols).strides((stride, 1)), data)
        .map_err(|e| Error::invalid("Recurrent", e.to_string()))
}

/// [`rows`], mutable.
pub fn rows_mut<T: Element>(
    data: &mut [T],
    rows: usize,
    cols: usize,
    stride: usize,
) -> Result<ArrayViewMut2<'_, T>> {
    ArrayViewMut2::from_shape((rows, cols).strides((stride, 1)), data)
        .map_err(|e| Error::invalid("Recurrent", e.to_string()))
}

/// Resizes a buffer, reusing its allocation.
pub fn fit<T: Element>(v: &mut Vec<T>, n: usize) {
    v.resize(n, T::zero());
}
