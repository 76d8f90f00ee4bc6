//! Helpers the sequence layers share: the `[batch, time, feature]` layout and zero masks.

use crate::element::Element;
use crate::error::{Error, Result};

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
