//! One time step of `RnnCell`, for one sample: `h' = f(xp + hh + b_h)`, where `xp = W_i x + b_i`
//! and `hh = W_h h` come from the GEMMs of `layer.rs`.

use crate::element::Element;
use crate::nn::PointwiseFn;
use crate::simd;

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
    let y = &mut y[..h];
    simd::vectorized(
        #[inline(always)]
        || {
            for ((a, x), r) in a.iter_mut().zip(&xp[..h]).zip(&hh[..h]) {
                *a = *x + *r;
            }
            if bias.len() >= h {
                a.iter_mut().zip(&bias[..h]).for_each(|(a, b)| *a += *b);
            }
        },
    );
    y.copy_from_slice(a);
    f.map_in_place(y);
    next.copy_from_slice(y);
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
    let da = &mut da[..h];
    da.copy_from_slice(dh);
    f.scale_by_derivative(da, a, &y[..h]);
    dprev.iter_mut().for_each(|v| *v = T::zero());
    for (g, d) in gbias.iter_mut().zip(da.iter()) {
        *g += *d;
    }
}
