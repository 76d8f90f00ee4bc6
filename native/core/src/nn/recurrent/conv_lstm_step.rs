//! One time step of the convolutional LSTM cells, for the whole batch. The same math as
//! `lstm_step.rs` with per-channel peepholes, over the convolutions' channel-major layout.
//!
//! ```text
//! i = σ(xp_i + hh_i [+ p_i ⊙ c])      g = act(xp_g + hh_g)
//! f = σ(xp_f + hh_f [+ p_f ⊙ c])      c' = f ⊙ c + i ⊙ g
//! o = σ(xp_o + hh_o [+ p_o ⊙ c'])     h' = o ⊙ act(c')
//! ```
//! Layouts: gate rows `[4·O, ld]` with the step's columns at `col0 .. col0 + batch·L` (the
//! input projection of every step side by side; it is overwritten by the pre-activations),
//! `hh [4·O, batch·L]`, states `[batch, O, L]`, `act(c') [O, ld]`.

use crate::element::Element;
use crate::nn::PointwiseFn;

/// The activations, the peepholes (`[p_i, p_f, p_o]`, each `[O]`; empty without), the sizes.
pub struct ConvLstmStep<'a, T> {
    pub act: &'a PointwiseFn,
    pub inner: &'a PointwiseFn,
    pub peep: &'a [T],
    /// Channels `O`, positions per channel `L`, batch, row stride of the gate matrices.
    pub channels: usize,
    pub positions: usize,
    pub batch: usize,
    pub ld: usize,
}

/// A step's columns in the gate matrices and its states.
pub struct StepBuffers<'a, T> {
    /// First column of this step.
    pub col0: usize,
    /// Pre-activations `[4O, ld]` (the input projection on entry to `forward`).
    pub a: &'a mut [T],
    pub gates: &'a mut [T],
    pub tc: &'a mut [T],
}

impl<T: Element> ConvLstmStep<'_, T> {
    fn peep(&self, k: usize, o: usize) -> T {
        self.peep
            .get(k * self.channels + o)
            .copied()
            .unwrap_or_else(T::zero)
    }

    /// Calls `f(state index, channel, column within the step)` per element.
    fn each(&self, mut f: impl FnMut(usize, usize, usize)) {
        let (o_n, l_n) = (self.channels, self.positions);
        for b in 0..self.batch {
            for o in 0..o_n {
                for l in 0..l_n {
                    f((b * o_n + o) * l_n + l, o, b * l_n + l);
                }
            }
        }
    }

    /// Adds `hh` into the step's pre-activations, applies the gates and writes `c'`, `h'`.
    pub fn forward(
        &self,
        buf: StepBuffers<'_, T>,
        hh: &[T],
        c_prev: &[T],
        (c_new, h_new): (&mut [T], &mut [T]),
    ) {
        let (o_n, ld) = (self.channels, self.ld);
        let bl = self.batch * self.positions;
        let StepBuffers { col0, a, gates, tc } = buf;
        self.each(|s, o, m| {
            let col = col0 + m;
            let r = |g: usize| (g * o_n + o) * ld + col;
            let rh = |g: usize| (g * o_n + o) * bl + m;
            let cp = c_prev[s];
            let ai = a[r(0)] + hh[rh(0)] + self.peep(0, o) * cp;
            let ag = a[r(1)] + hh[rh(1)];
            let af = a[r(2)] + hh[rh(2)] + self.peep(1, o) * cp;
            let (i, g, f) = (
                self.inner.value(ai),
                self.act.value(ag),
                self.inner.value(af),
            );
            let c = f * cp + i * g;
            let ao = a[r(3)] + hh[rh(3)] + self.peep(2, o) * c;
            let og = self.inner.value(ao);
            let t = self.act.value(c);
            a[r(0)] = ai;
            a[r(1)] = ag;
            a[r(2)] = af;
            a[r(3)] = ao;
            gates[r(0)] = i;
            gates[r(1)] = g;
            gates[r(2)] = f;
            gates[r(3)] = og;
            tc[o * ld + col] = t;
            c_new[s] = c;
            h_new[s] = og * t;
        });
    }

    /// From `dh` (the step's total hidden gradient) and `dc` (the cell gradient from the next
    /// step, replaced by the previous cell's), writes the pre-activation gradients into `da`
    /// (the step's columns of `[4O, ld]`) and adds the peephole gradients into `gpeep`.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        col0: usize,
        (a, gates, tc): (&[T], &[T], &[T]),
        (c_prev, c_new): (&[T], &[T]),
        dh: &[T],
        dc: &mut [T],
        da: &mut [T],
        gpeep: &mut [T],
    ) {
        let (o_n, ld) = (self.channels, self.ld);
        self.each(|s, o, m| {
            let col = col0 + m;
            let r = |g: usize| (g * o_n + o) * ld + col;
            let (i, g, f, og) = (gates[r(0)], gates[r(1)], gates[r(2)], gates[r(3)]);
            let t = tc[o * ld + col];
            let (cp, c) = (c_prev[s], c_new[s]);
            let da_o = dh[s] * t * self.inner.derivative(a[r(3)], og);
            let dct = dc[s] + dh[s] * og * self.act.derivative(c, t) + da_o * self.peep(2, o);
            let da_i = dct * g * self.inner.derivative(a[r(0)], i);
            let da_g = dct * i * self.act.derivative(a[r(1)], g);
            let da_f = dct * cp * self.inner.derivative(a[r(2)], f);
            da[r(0)] = da_i;
            da[r(1)] = da_g;
            da[r(2)] = da_f;
            da[r(3)] = da_o;
            dc[s] = dct * f + da_i * self.peep(0, o) + da_f * self.peep(1, o);
            if !gpeep.is_empty() {
                gpeep[o] += da_i * cp;
                gpeep[o_n + o] += da_f * cp;
                gpeep[2 * o_n + o] += da_o * c;
            }
        });
    }
}
