//! One time step of `LSTM` and `LSTMPeephole`, for one sample. Gate order (BigDL's): input `i`,
//! cell candidate `g`, forget `f`, output `o`; `xp = W_i x + b_i` and `hh = W_h h` come from the
//! GEMMs of `layer.rs`.
//!
//! ```text
//! i = σ(xp_i + hh_i [+ p_i ⊙ c])      g = act(xp_g + hh_g)
//! f = σ(xp_f + hh_f [+ p_f ⊙ c])      c' = f ⊙ c + i ⊙ g
//! o = σ(xp_o + hh_o [+ p_o ⊙ c'])     h' = o ⊙ act(c')
//! ```
//! State: `[h, c]`. Cache: pre-activations `a [4H]` (written only where a derivative needs
//! them, see [`Lstm::keeps_pre_activations`]), gates `[4H]`, `act(c') [H]`.

use crate::element::Element;
use crate::nn::PointwiseFn;
use crate::simd;

/// The two activations and the peephole weights (`[p_i, p_f, p_o]`, empty without peepholes).
pub struct Lstm<'a, T> {
    pub act: &'a PointwiseFn,
    pub inner: &'a PointwiseFn,
    pub peep: &'a [T],
}

impl<T: Element> Lstm<'_, T> {
    /// The peephole weights `(p_i, p_f, p_o)`, each `[H]`; `None` without peepholes.
    fn peepholes(&self, h: usize) -> Option<(&[T], &[T], &[T])> {
        if self.peep.len() < 3 * h {
            return None;
        }
        Some((
            &self.peep[..h],
            &self.peep[h..2 * h],
            &self.peep[2 * h..3 * h],
        ))
    }

    /// Writes `[h', c']` into `next` and the cache. Each pass is one loop over the hidden units
    /// with the activation chosen outside it, so the loops vectorise (AVX2 where the CPU has it).
    pub fn forward(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        simd::vectorized(
            #[inline(always)]
            || self.forward_loops(xp, hh, prev, next, cache),
        )
    }

    /// Whether backward reads the pre-activations: only when a derivative needs `x` as well
    /// as `f(x)`. Sigmoid and tanh do not, so that pair skips storing them (less memory
    /// traffic for the sequence-long cache).
    fn keeps_pre_activations(&self) -> bool {
        !(*self.inner == PointwiseFn::Sigmoid && *self.act == PointwiseFn::Tanh)
    }

    #[inline(always)]
    fn forward_loops(&self, xp: &[T], hh: &[T], prev: &[T], next: &mut [T], cache: &mut [T]) {
        let h = prev.len() / 2;
        let c_prev = &prev[h..2 * h];
        let (a, rest) = cache.split_at_mut(4 * h);
        let (gate, tc) = rest.split_at_mut(4 * h);
        let (h_new, c_new) = next.split_at_mut(h);
        let c_new = &mut c_new[..h];
        let keep = self.keeps_pre_activations();
        // Pre-activations of i, g and f (o needs the new cell state under peepholes).
        for ((a, x), y) in gate[..3 * h].iter_mut().zip(&xp[..3 * h]).zip(&hh[..3 * h]) {
            *a = *x + *y;
        }
        let peep = self.peepholes(h);
        if let Some((p_i, p_f, _)) = peep {
            let (a_ig, a_f) = gate.split_at_mut(2 * h);
            for (((a_i, a_f), c), (p_i, p_f)) in a_ig[..h]
                .iter_mut()
                .zip(a_f[..h].iter_mut())
                .zip(c_prev)
                .zip(p_i.iter().zip(p_f))
            {
                *a_i += *p_i * *c;
                *a_f += *p_f * *c;
            }
        }
        if keep {
            a[..3 * h].copy_from_slice(&gate[..3 * h]);
        }
        self.inner.map_in_place(&mut gate[..h]);
        self.act.map_in_place(&mut gate[h..2 * h]);
        self.inner.map_in_place(&mut gate[2 * h..3 * h]);
        let (igf, o) = gate.split_at_mut(3 * h);
        let (i, gf) = igf.split_at(h);
        let (g, f) = gf.split_at(h);
        for ((((c, f), cp), i), g) in c_new.iter_mut().zip(&f[..h]).zip(c_prev).zip(i).zip(g) {
            *c = *f * *cp + *i * *g;
        }
        for ((a, x), y) in o.iter_mut().zip(&xp[3 * h..4 * h]).zip(&hh[3 * h..4 * h]) {
            *a = *x + *y;
        }
        if let Some((_, _, p_o)) = peep {
            for ((a, p), c) in o.iter_mut().zip(p_o).zip(c_new.iter()) {
                *a += *p * *c;
            }
        }
        if keep {
            a[3 * h..4 * h].copy_from_slice(o);
        }
        self.inner.map_in_place(o);
        let tc = &mut tc[..h];
        tc.copy_from_slice(c_new);
        self.act.map_in_place(tc);
        for ((hn, o), t) in h_new.iter_mut().zip(o.iter()).zip(tc.iter()) {
            *hn = *o * *t;
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
        simd::vectorized(
            #[inline(always)]
            || {
                // The usual pair gets its derivatives inlined; they read only the outputs, which is
                // why forward skips storing this pair's pre-activations. The general case calls out.
                if !self.keeps_pre_activations() {
                    let sigmoid = |_: T, y: T| y * (T::one() - y);
                    let tanh = |_: T, y: T| T::one() - y * y;
                    self.backward_with(sigmoid, tanh, cache, prev, next, dstate, da, dprev, gpeep);
                } else {
                    let inner = |x: T, y: T| self.inner.derivative(x, y);
                    let act = |x: T, y: T| self.act.derivative(x, y);
                    self.backward_with(inner, act, cache, prev, next, dstate, da, dprev, gpeep);
                }
            },
        )
    }

    /// [`Lstm::backward`] with the activations' derivatives `d(x, f(x))` given. Every slice is
    /// cut to exactly `H` first, so the loop runs without bounds checks and vectorises.
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
        fn quarter<T>(v: &[T], q: usize, h: usize) -> &[T] {
            &v[q * h..][..h]
        }
        let (c_prev, c_new) = (quarter(prev, 1, h), quarter(next, 1, h));
        let (a, rest) = cache.split_at(4 * h);
        let (gate, tc) = rest.split_at(4 * h);
        let tc = &tc[..h];
        let (a_i, a_g, a_f, a_o) = (
            quarter(a, 0, h),
            quarter(a, 1, h),
            quarter(a, 2, h),
            quarter(a, 3, h),
        );
        let (g_i, g_g, g_f, g_o) = (
            quarter(gate, 0, h),
            quarter(gate, 1, h),
            quarter(gate, 2, h),
            quarter(gate, 3, h),
        );
        let (dh, dc) = (quarter(dstate, 0, h), quarter(dstate, 1, h));
        let (dh_prev, dc_prev) = dprev.split_at_mut(h);
        let dh_prev = &mut dh_prev[..h];
        let dc_prev = &mut dc_prev[..h];
        let (da_i, rest) = da.split_at_mut(h);
        let da_i = &mut da_i[..h];
        let (da_g, rest) = rest.split_at_mut(h);
        let (da_f, da_o) = rest.split_at_mut(h);
        let (da_g, da_f, da_o) = (&mut da_g[..h], &mut da_f[..h], &mut da_o[..h]);
        let peep = self.peepholes(h);
        let (p_i, p_f, p_o) = peep.unwrap_or((&[], &[], &[]));
        // Without peepholes the terms multiply by zero, as they did when the weights were read
        // as zeros, so both loops compute the same values; each is free of branches.
        #[inline(always)]
        fn p<T: Element, const PEEP: bool>(w: &[T], j: usize) -> T {
            if PEEP {
                w[j]
            } else {
                T::zero()
            }
        }
        macro_rules! gate_loop {
            ($peep:literal) => {
                for j in 0..h {
                    let (i, g, f, o) = (g_i[j], g_g[j], g_f[j], g_o[j]);
                    let d_o = dh[j] * tc[j] * d_inner(a_o[j], o);
                    let dct =
                        dc[j] + dh[j] * o * d_act(c_new[j], tc[j]) + d_o * p::<T, $peep>(p_o, j);
                    let d_i = dct * g * d_inner(a_i[j], i);
                    let d_g = dct * i * d_act(a_g[j], g);
                    let d_f = dct * c_prev[j] * d_inner(a_f[j], f);
                    da_i[j] = d_i;
                    da_g[j] = d_g;
                    da_f[j] = d_f;
                    da_o[j] = d_o;
                    dh_prev[j] = T::zero();
                    dc_prev[j] =
                        dct * f + d_i * p::<T, $peep>(p_i, j) + d_f * p::<T, $peep>(p_f, j);
                }
            };
        }
        if peep.is_some() {
            gate_loop!(true);
        } else {
            gate_loop!(false);
        }
        if peep.is_some() && gpeep.len() >= 3 * h {
            let (gp_i, rest) = gpeep.split_at_mut(h);
            let (gp_f, gp_o) = rest.split_at_mut(h);
            for j in 0..h {
                gp_i[j] += da_i[j] * c_prev[j];
                gp_f[j] += da_f[j] * c_prev[j];
                gp_o[j] += da_o[j] * c_new[j];
            }
        }
    }
}
