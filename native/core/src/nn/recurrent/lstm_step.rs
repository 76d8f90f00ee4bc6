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

    /// Writes `[h', c']` into `next` and the cache. Each pass is one loop over the hidden units
    /// with the activation chosen outside it, so the loops vectorise.
    pub fn forward(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        let h = prev.len() / 2;
        let c_prev = &prev[h..];
        let (a, rest) = cache.split_at_mut(4 * h);
        let (gate, tc) = rest.split_at_mut(4 * h);
        let (h_new, c_new) = next.split_at_mut(h);
        // Pre-activations of i, g and f (o needs the new cell state under peepholes).
        for ((a, x), y) in a[..3 * h].iter_mut().zip(&xp[..3 * h]).zip(&hh[..3 * h]) {
            *a = *x + *y;
        }
        if !self.peep.is_empty() {
            for j in 0..h {
                a[j] += self.peep(0, h, j) * c_prev[j];
                a[2 * h + j] += self.peep(1, h, j) * c_prev[j];
            }
        }
        gate[..3 * h].copy_from_slice(&a[..3 * h]);
        self.inner.map_in_place(&mut gate[..h]);
        self.act.map_in_place(&mut gate[h..2 * h]);
        self.inner.map_in_place(&mut gate[2 * h..3 * h]);
        let (igf, o) = gate.split_at_mut(3 * h);
        let (i, gf) = igf.split_at(h);
        let (g, f) = gf.split_at(h);
        for j in 0..h {
            c_new[j] = f[j] * c_prev[j] + i[j] * g[j];
        }
        for ((a, x), y) in a[3 * h..].iter_mut().zip(&xp[3 * h..]).zip(&hh[3 * h..]) {
            *a = *x + *y;
        }
        if !self.peep.is_empty() {
            for j in 0..h {
                a[3 * h + j] += self.peep(2, h, j) * c_new[j];
            }
        }
        o.copy_from_slice(&a[3 * h..4 * h]);
        self.inner.map_in_place(o);
        let tc = &mut tc[..h];
        tc.copy_from_slice(c_new);
        self.act.map_in_place(tc);
        for j in 0..h {
            h_new[j] = o[j] * tc[j];
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
        // The usual pair gets its derivatives inlined (the general case calls out per value).
        if *self.inner == PointwiseFn::Sigmoid && *self.act == PointwiseFn::Tanh {
            let sigmoid = |_: T, y: T| y * (T::one() - y);
            let tanh = |_: T, y: T| T::one() - y * y;
            self.backward_with(sigmoid, tanh, cache, prev, next, dstate, da, dprev, gpeep);
        } else {
            let inner = |x: T, y: T| self.inner.derivative(x, y);
            let act = |x: T, y: T| self.act.derivative(x, y);
            self.backward_with(inner, act, cache, prev, next, dstate, da, dprev, gpeep);
        }
    }

    /// [`Lstm::backward`] with the activations' derivatives `d(x, f(x))` given.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn backward_with(
        &self,
        d_inner: impl Fn(T, T) -> T,
        d_act: impl Fn(T, T) -> T,
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
            let da_o = dh[j] * tc[j] * d_inner(a[3 * h + j], o);
            let dct = dc[j] + dh[j] * o * d_act(c_new[j], tc[j]) + da_o * self.peep(2, h, j);
            let da_i = dct * g * d_inner(a[j], i);
            let da_g = dct * i * d_act(a[h + j], g);
            let da_f = dct * c_prev[j] * d_inner(a[2 * h + j], f);
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
