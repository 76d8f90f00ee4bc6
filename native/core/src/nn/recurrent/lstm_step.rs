//! One time step of `LSTM` and `LSTMPeephole`, for one sample. Gate order (BigDL's): input `i`,
//! cell candidate `g`, forget `f`, output `o`; `xp = W_i x + b_i` and `hh = W_h h` come from the
//! GEMMs of `layer.rs`.
//!
//! ```text
//! i = σ(xp_i + hh_i [+ p_i ⊙ c])      g = act(xp_g + hh_g)
//! f = σ(xp_f + hh_f [+ p_f ⊙ c])      c' = f ⊙ c + i ⊙ g
//! o = σ(xp_o + hh_o [+ p_o ⊙ c'])     h' = o ⊙ act(c')
//! ```
//! State: `[h, c]`. Cache: pre-activations `a [4H]`, gates `[4H]`, `act(c') [H]`.

use crate::element::Element;
use crate::nn::PointwiseFn;

/// The two activations and the peephole weights (`[p_i, p_f, p_o]`, empty without peepholes).
pub struct Lstm<'a, T> {
    pub act: &'a PointwiseFn,
    pub inner: &'a PointwiseFn,
    pub peep: &'a [T],
}

impl<T: Element> Lstm<'_, T> {
    fn peep(&self, k: usize, h: usize, j: usize) -> T {
        self.peep.get(k * h + j).copied().unwrap_or_else(T::zero)
    }

    /// Writes `[h', c']` into `next` and the cache.
    pub fn forward(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        let h = prev.len() / 2;
        let c_prev = &prev[h..];
        let (a, rest) = cache.split_at_mut(4 * h);
        let (gate, tc) = rest.split_at_mut(4 * h);
        let (h_new, c_new) = next.split_at_mut(h);
        for j in 0..h {
            let cp = c_prev[j];
            let ai = xp[j] + hh[j] + self.peep(0, h, j) * cp;
            let ag = xp[h + j] + hh[h + j];
            let af = xp[2 * h + j] + hh[2 * h + j] + self.peep(1, h, j) * cp;
            let (i, g, f) = (
                self.inner.value(ai),
                self.act.value(ag),
                self.inner.value(af),
            );
            let c = f * cp + i * g;
            let ao = xp[3 * h + j] + hh[3 * h + j] + self.peep(2, h, j) * c;
            let o = self.inner.value(ao);
            let t = self.act.value(c);
            a[j] = ai;
            a[h + j] = ag;
            a[2 * h + j] = af;
            a[3 * h + j] = ao;
            gate[j] = i;
            gate[h + j] = g;
            gate[2 * h + j] = f;
            gate[3 * h + j] = o;
            tc[j] = t;
            c_new[j] = c;
            h_new[j] = o * t;
        }
    }

    /// From `dstate = [dh', dc']`, writes the pre-activation gradients into `da [4H]`, the
    /// direct gradient of the previous state into `dprev` (`[0, dc]`) and adds the peephole
    /// gradients into `gpeep`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        cache: &[T],
        prev: &[T],
        next: &[T],
        dstate: &[T],
        da: &mut [T],
        dprev: &mut [T],
        gpeep: &mut [T],
    ) {
        let h = prev.len() / 2;
        let c_prev = &prev[h..];
        let c_new = &next[h..];
        let (a, rest) = cache.split_at(4 * h);
        let (gate, tc) = rest.split_at(4 * h);
        let (dh, dc) = dstate.split_at(h);
        let (dh_prev, dc_prev) = dprev.split_at_mut(h);
        for j in 0..h {
            let (i, g, f, o) = (gate[j], gate[h + j], gate[2 * h + j], gate[3 * h + j]);
            let da_o = dh[j] * tc[j] * self.inner.derivative(a[3 * h + j], o);
            let dct = dc[j]
                + dh[j] * o * self.act.derivative(c_new[j], tc[j])
                + da_o * self.peep(2, h, j);
            let da_i = dct * g * self.inner.derivative(a[j], i);
            let da_g = dct * i * self.act.derivative(a[h + j], g);
            let da_f = dct * c_prev[j] * self.inner.derivative(a[2 * h + j], f);
            da[j] = da_i;
            da[h + j] = da_g;
            da[2 * h + j] = da_f;
            da[3 * h + j] = da_o;
            dh_prev[j] = T::zero();
            dc_prev[j] = dct * f + da_i * self.peep(0, h, j) + da_f * self.peep(1, h, j);
            if !gpeep.is_empty() {
                gpeep[j] += da_i * c_prev[j];
                gpeep[h + j] += da_f * c_prev[j];
                gpeep[2 * h + j] += da_o * c_new[j];
            }
        }
    }
}
