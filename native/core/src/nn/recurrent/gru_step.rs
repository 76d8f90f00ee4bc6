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

/// The two activations (`act` for `n`, `inner` for `r` and `z`) and `b_hn`.
pub struct Gru<'a, T> {
    pub act: &'a PointwiseFn,
    pub inner: &'a PointwiseFn,
    pub b_hn: &'a [T],
}

impl<T: Element> Gru<'_, T> {
    /// Writes `h'` into `next` and the cache.
    pub fn forward(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        let h = prev.len();
        for j in 0..h {
            let ar = xp[j] + hh[j];
            let az = xp[h + j] + hh[h + j];
            let (r, z) = (self.inner.value(ar), self.inner.value(az));
            let hn = hh[2 * h + j] + self.b_hn[j];
            let an = xp[2 * h + j] + r * hn;
            let n = self.act.value(an);
            next[j] = (T::one() - z) * n + z * prev[j];
            let c = [ar, az, r, z, an, n, hn];
            for (k, v) in c.into_iter().enumerate() {
                cache[k * h + j] = v;
            }
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
        let h = prev.len();
        for j in 0..h {
            let c = |k: usize| cache[k * h + j];
            let (ar, az, r, z, an, n, hn) = (c(0), c(1), c(2), c(3), c(4), c(5), c(6));
            let d = dh[j];
            let da_n = d * (T::one() - z) * self.act.derivative(an, n);
            let da_z = d * (prev[j] - n) * self.inner.derivative(az, z);
            let da_r = da_n * hn * self.inner.derivative(ar, r);
            dxp[j] = da_r;
            dxp[h + j] = da_z;
            dxp[2 * h + j] = da_n;
            dhh[j] = da_r;
            dhh[h + j] = da_z;
            dhh[2 * h + j] = da_n * r;
            gb_hn[j] += da_n * r;
            dprev[j] = d * z;
        }
    }
}
