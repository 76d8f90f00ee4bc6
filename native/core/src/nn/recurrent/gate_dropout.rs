//! Dropout inside a cell (BigDL's `p` of LSTM, LSTMPeephole and GRU): in training, every gate
//! sees its own dropped-out copy of the step's input `x` and of the previous hidden output `h`
//! (a fresh mask per gate, step and sample; kept values scaled by `1/(1-p)`), so the input and
//! recurrent products become one GEMM per gate instead of one for all gates.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::rng::Rng;
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};

fn rows<T: Element>(data: &[T], r: usize, c: usize, stride: usize) -> Result<ArrayView2<'_, T>> {
    ArrayView2::from_shape((r, c).strides((stride, 1)), data)
        .map_err(|e| Error::invalid("Recurrent dropout", e.to_string()))
}

fn rows_mut<T: Element>(
    data: &mut [T],
    r: usize,
    c: usize,
    stride: usize,
) -> Result<ArrayViewMut2<'_, T>> {
    ArrayViewMut2::from_shape((r, c).strides((stride, 1)), data)
        .map_err(|e| Error::invalid("Recurrent dropout", e.to_string()))
}

/// Sizes of one run: samples·steps `n`, batch, time, gates, input, hidden, state size.
#[derive(Debug, Clone, Copy)]
pub struct Dims {
    pub batch: usize,
    pub time: usize,
    pub gates: usize,
    pub input: usize,
    pub hidden: usize,
    pub state: usize,
}

impl Dims {
    fn n(&self) -> usize {
        self.batch * self.time
    }
}

/// The masks and dropped-out copies of the last training forward.
#[derive(Debug, Clone)]
pub struct GateDropout<T> {
    pub p: f64,
    rng: Rng,
    /// Dropped-out inputs `[n, gates, input]`.
    xd: Vec<T>,
    /// Input masks (0 or `1/(1-p)`), same layout.
    mx: Vec<T>,
    /// Dropped-out previous hidden outputs `[n, gates, hidden]`.
    hd: Vec<T>,
    /// Hidden masks, same layout.
    mh: Vec<T>,
    /// `[batch, hidden]` scratch for the backward pass.
    tmp: Vec<T>,
}

impl<T: Element> GateDropout<T> {
    pub fn new(p: f64) -> Self {
        GateDropout {
            p,
            rng: Rng::new(0x5eed),
            xd: Vec::new(),
            mx: Vec::new(),
            hd: Vec::new(),
            mh: Vec::new(),
            tmp: Vec::new(),
        }
    }

    pub fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }

    fn draw(&mut self, v: &mut Vec<T>, len: usize) {
        let keep = 1.0 - self.p;
        let k = T::lit(1.0 / keep);
        v.clear();
        v.extend((0..len).map(|_| {
            if self.rng.next_f64() < keep {
                k
            } else {
                T::zero()
            }
        }));
    }

    /// Draws the masks and adds `xd_g · W_i[g]ᵀ` into each gate's columns of `xp`
    /// (`[n, gates·hidden]`, holding the bias).
    pub fn project_input(&mut self, d: Dims, x: &[T], wi: &[T], xp: &mut [T]) -> Result<()> {
        let (g, i, h, n) = (d.gates, d.input, d.hidden, d.n());
        let mut mx = std::mem::take(&mut self.mx);
        self.draw(&mut mx, n * g * i);
        self.mx = mx;
        let mut mh = std::mem::take(&mut self.mh);
        self.draw(&mut mh, n * g * h);
        self.mh = mh;
        self.xd.resize(n * g * i, T::zero());
        self.hd.resize(n * g * h, T::zero());
        for (k, (dst, m)) in self.xd.iter_mut().zip(&self.mx).enumerate() {
            *dst = *m * x[(k / (g * i)) * i + k % i];
        }
        for gi in 0..g {
            matmul(
                T::one(),
                rows(&self.xd[gi * i..], n, i, g * i)?,
                rows(&wi[gi * h * i..], h, i, i)?.t(),
                T::one(),
                rows_mut(&mut xp[gi * h..], n, h, g * h)?,
            )?;
        }
        Ok(())
    }

    /// For step `t`: masks the previous hidden outputs (`prev`, `[n, state]`) per gate and writes
    /// `hd_g · W_h[g]ᵀ` into each gate's columns of `hh` (`[batch, gates·hidden]`).
    pub fn project_hidden(
        &mut self,
        d: Dims,
        t: usize,
        prev: &[T],
        wh: &[T],
        hh: &mut [T],
    ) -> Result<()> {
        let (g, h, s) = (d.gates, d.hidden, d.state);
        for b in 0..d.batch {
            let idx = b * d.time + t;
            let hp = &prev[idx * s..][..h];
            for gi in 0..g {
                let at = (idx * g + gi) * h;
                let masks = &self.mh[at..at + h];
                for ((dst, m), v) in self.hd[at..at + h].iter_mut().zip(masks).zip(hp) {
                    *dst = *m * *v;
                }
            }
        }
        for gi in 0..g {
            matmul(
                T::one(),
                rows(&self.hd[(t * g + gi) * h..], d.batch, h, d.time * g * h)?,
                rows(&wh[gi * h * h..], h, h, h)?.t(),
                T::zero(),
                rows_mut(&mut hh[gi * h..], d.batch, h, g * h)?,
            )?;
        }
        Ok(())
    }

    /// For step `t`: adds `Σ_g (dhh_g · W_h[g]) ⊙ mask_g` into the hidden part of `dprev`
    /// (`[batch, state]`); `dhh` is `[n, gates·hidden]`.
    pub fn back_hidden(
        &mut self,
        d: Dims,
        t: usize,
        dhh: &[T],
        wh: &[T],
        dprev: &mut [T],
    ) -> Result<()> {
        let (g, h, s, w) = (d.gates, d.hidden, d.state, d.gates * d.hidden);
        self.tmp.resize(d.batch * h, T::zero());
        for gi in 0..g {
            matmul(
                T::one(),
                rows(&dhh[t * w + gi * h..], d.batch, h, d.time * w)?,
                rows(&wh[gi * h * h..], h, h, h)?,
                T::zero(),
                rows_mut(&mut self.tmp, d.batch, h, h)?,
            )?;
            for b in 0..d.batch {
                let m = &self.mh[((b * d.time + t) * g + gi) * h..][..h];
                let src = &self.tmp[b * h..][..h];
                let dst = &mut dprev[b * s..][..h];
                for ((o, v), k) in dst.iter_mut().zip(src).zip(m) {
                    *o += *v * *k;
                }
            }
        }
        Ok(())
    }

    /// The weight and input gradients over all steps, per gate: `dW_i[g] += dxp_gᵀ · xd_g`,
    /// `dW_h[g] += dhh_gᵀ · hd_g`, `gx += (dxp_g · W_i[g]) ⊙ mask_g`.
    #[allow(clippy::too_many_arguments)]
    pub fn weight_grads(
        &self,
        d: Dims,
        dxp: &[T],
        dhh: &[T],
        wi: &[T],
        gwi: &mut [T],
        gwh: &mut [T],
        gx: Option<&mut [T]>,
    ) -> Result<()> {
        let (g, i, h, n, w) = (d.gates, d.input, d.hidden, d.n(), d.gates * d.hidden);
        for gi in 0..g {
            let dg = rows(&dxp[gi * h..], n, h, w)?;
            matmul(
                T::one(),
                dg.t(),
                rows(&self.xd[gi * i..], n, i, g * i)?,
                T::one(),
                rows_mut(&mut gwi[gi * h * i..], h, i, i)?,
            )?;
            matmul(
                T::one(),
                rows(&dhh[gi * h..], n, h, w)?.t(),
                rows(&self.hd[gi * h..], n, h, g * h)?,
                T::one(),
                rows_mut(&mut gwh[gi * h * h..], h, h, h)?,
            )?;
        }
        if let Some(gx) = gx {
            gx.iter_mut().for_each(|v| *v = T::zero());
            let mut part = vec![T::zero(); n * i];
            for gi in 0..g {
                matmul(
                    T::one(),
                    rows(&dxp[gi * h..], n, h, w)?,
                    rows(&wi[gi * h * i..], h, i, i)?,
                    T::zero(),
                    rows_mut(&mut part, n, i, i)?,
                )?;
                for (k, (dst, v)) in gx.iter_mut().zip(&part).enumerate() {
                    *dst += *v * self.mx[((k / i) * g + gi) * i + k % i];
                }
            }
        }
        Ok(())
    }
}
