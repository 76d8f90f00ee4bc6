//! One time step of `GRU`, for one sample, in PyTorch's (cuDNN's) formulation. Gate order:
//! reset `r`, update `z`, candidate `n`; `xp = W_i x + b_i` and `hh = W_h h` come from the
//! GEMMs of `layer.rs`, `b_hn` is the extra bias of the candidate's recurrent part.
//!
//! ```text
//! r = σ(xp_r + hh_r)      z = σ(xp_z + hh_z)
//! n = act(xp_n + r ⊙ (hh_n + b_hn))
//! h' = (1 − z) ⊙ n + z ⊙ h
//! ```
//! Cache: `[a_r, a_z, r, z, a_n, n, hh_n + b_hn]` (`H` each).

use crate::element::Element;
use crate::nn::PointwiseFn;
use crate::simd;

/// The two activations (`act` for `n`, `inner` for `r` and `z`) and `b_hn`.
pub struct Gru<'a, T> {
    pub act: &'a PointwiseFn,
    pub inner: &'a PointwiseFn,
    pub b_hn: &'a [T],
}

impl<T: Element> Gru<'_, T> {
    /// Writes `h'` into `next` and the cache: one pass per quantity, with the activations
    /// applied to whole gate vectors, so every loop vectorises (AVX2 where the CPU has it).
    pub fn forward(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        simd::vectorized(
            #[inline(always)]
            || self.forward_loops(xp, hh, prev, next, cache),
        )
    }

    #[inline(always)]
    fn forward_loops(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        let h = prev.len();
        let (a_rz, rest) = cache.split_at_mut(2 * h);
        let (rz, rest) = rest.split_at_mut(2 * h);
        let (a_n, rest) = rest.split_at_mut(h);
        let (n, hn) = rest.split_at_mut(h);
        let hn = &mut hn[..h];
        for ((a, x), y) in a_rz.iter_mut().zip(&xp[..2 * h]).zip(&hh[..2 * h]) {
            *a = *x + *y;
        }
        rz.copy_from_slice(a_rz);
        self.inner.map_in_place(rz);
        let (r, z) = rz.split_at(h);
        for ((v, y), b) in hn.iter_mut().zip(&hh[2 * h..3 * h]).zip(&self.b_hn[..h]) {
            *v = *y + *b;
        }
        for (((a, x), r), v) in a_n.iter_mut().zip(&xp[2 * h..3 * h]).zip(r).zip(hn.iter()) {
            *a = *x + *r * *v;
        }
        n.copy_from_slice(a_n);
        self.act.map_in_place(n);
        for (((y, z), n), p) in next[..h].iter_mut().zip(z).zip(n.iter()).zip(&prev[..h]) {
            *y = (T::one() - *z) * *n + *z * *p;
        }
    }

    /// From `dh'`, writes the input projection's gradient into `dxp`, the recurrent
    /// projection's into `dhh`, the direct gradient of `h` into `dprev`, and adds `b_hn`'s
    /// gradient into `gb_hn`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        cache: &[T],
        prev: &[T],
        dh: &[T],
        dxp: &mut [T],
        dhh: &mut [T],
        dprev: &mut [T],
        gb_hn: &mut [T],
    ) {
        let parts = (cache, prev, dh, dxp, dhh, dprev, gb_hn);
        simd::vectorized(
            #[inline(always)]
            || {
                // The usual pair gets its derivatives inlined (the general case calls out).
                if *self.inner == PointwiseFn::Sigmoid && *self.act == PointwiseFn::Tanh {
                    let sigmoid = |_: T, y: T| y * (T::one() - y);
                    let tanh = |_: T, y: T| T::one() - y * y;
                    backward_loop(sigmoid, tanh, parts);
                } else {
                    let inner = |x: T, y: T| self.inner.derivative(x, y);
                    let act = |x: T, y: T| self.act.derivative(x, y);
                    backward_loop(inner, act, parts);
                }
            },
        )
    }
}

/// The slices of [`Gru::backward`], in its argument order.
type BackwardParts<'a, T> = (
    &'a [T],
    &'a [T],
    &'a [T],
    &'a mut [T],
    &'a mut [T],
    &'a mut [T],
    &'a mut [T],
);

/// [`Gru::backward`] with the activations' derivatives `d(x, f(x))` given; every slice is cut
/// to exactly `H` first, so the loop has no bounds checks.
#[inline(always)]
fn backward_loop<T: Element>(
    d_inner: impl Fn(T, T) -> T,
    d_act: impl Fn(T, T) -> T,
    (cache, prev, dh, dxp, dhh, dprev, gb_hn): BackwardParts<'_, T>,
) {
    let h = prev.len();
    let part = |k: usize| &cache[k * h..][..h];
    let (ar, az, r, z, an, n, hn) = (
        part(0),
        part(1),
        part(2),
        part(3),
        part(4),
        part(5),
        part(6),
    );
    let (prev, dh, dprev, gb_hn) = (&prev[..h], &dh[..h], &mut dprev[..h], &mut gb_hn[..h]);
    let (dx_r, rest) = dxp.split_at_mut(h);
    let (dx_z, dx_n) = rest.split_at_mut(h);
    let (dx_r, dx_z, dx_n) = (&mut dx_r[..h], &mut dx_z[..h], &mut dx_n[..h]);
    let (dh_r, rest) = dhh.split_at_mut(h);
    let (dh_z, dh_n) = rest.split_at_mut(h);
    let (dh_r, dh_z, dh_n) = (&mut dh_r[..h], &mut dh_z[..h], &mut dh_n[..h]);
    for j in 0..h {
        let d = dh[j];
        let da_n = d * (T::one() - z[j]) * d_act(an[j], n[j]);
        let da_z = d * (prev[j] - n[j]) * d_inner(az[j], z[j]);
        let da_r = da_n * hn[j] * d_inner(ar[j], r[j]);
        dx_r[j] = da_r;
        dx_z[j] = da_z;
        dx_n[j] = da_n;
        dh_r[j] = da_r;
        dh_z[j] = da_z;
        dh_n[j] = da_n * r[j];
        gb_hn[j] += da_n * r[j];
        dprev[j] = d * z[j];
    }
}
