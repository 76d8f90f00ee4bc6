//! One time step of `RnnCell`, for one sample: `h' = f(xp + hh + b_h)`, where `xp = W_i x + b_i`
//! and `hh = W_h h` come from the GEMMs of `layer.rs`.

use crate::element::Element;
use crate::nn::PointwiseFn;

/// Forward: writes `h'` into `next` and `[a, h']` (pre-activation, output) into `cache`.
pub fn forward<T: Element>(
    f: &PointwiseFn,
    xp: &[T],
    hh: &[T],
    bias: &[T],
    next: &mut [T],
    cache: &mut [T],
) {
    let h = next.len();
    let (a, y) = cache.split_at_mut(h);
    for j in 0..h {
        let b = bias.get(j).copied().unwrap_or_else(T::zero);
        a[j] = xp[j] + hh[j] + b;
        y[j] = f.value(a[j]);
        next[j] = y[j];
    }
}

/// Backward: from `dh` (gradient of `h'`), writes the pre-activation gradient into `da` (it
/// is both the input and the recurrent projection's gradient), zeroes `dprev` (no direct path
/// to the previous state) and adds the hidden bias gradient into `gbias`.
pub fn backward<T: Element>(
    f: &PointwiseFn,
    cache: &[T],
    dh: &[T],
    da: &mut [T],
    dprev: &mut [T],
    gbias: &mut [T],
) {
    let h = dh.len();
    let (a, y) = cache.split_at(h);
    for j in 0..h {
        da[j] = dh[j] * f.derivative(a[j], y[j]);
    }
    dprev.iter_mut().for_each(|v| *v = T::zero());
    for (g, d) in gbias.iter_mut().zip(da.iter()) {
        *g += *d;
    }
}
