//! One cell run over a whole sequence batch: the input projection of every time step in one
//! GEMM, then one GEMM per step for the recurrent part; backward-through-time over buffers kept
//! in the struct and reused across calls (no allocation per step).

use super::cell::{Cell, CellKind};
use super::gate_dropout::{Dims, GateDropout};
use super::gru_step::Gru;
use super::lstm_step::Lstm;
use super::rnn_step;
use super::sequence::{fit, rows, rows_mut};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;

/// A cell over a sequence, forwards or (for BiRecurrent) backwards in time.
///
/// # Shapes
/// - input `[batch, time, input_size]`, output `[batch, time, hidden_size]` (flat, row-major)
/// - parameters: the cell's (see [`Cell`])
/// - state: `[batch, state_size]` (`h`, then `c` for LSTMs)
#[derive(Debug, Clone)]
pub struct RecurrentLayer<T> {
    pub cell: Cell,
    reverse: bool,
    batch: usize,
    time: usize,
    xp: Vec<T>,
    hh: Vec<T>,
    prev: Vec<T>,
    next: Vec<T>,
    cache: Vec<T>,
    dxp: Vec<T>,
    dhh: Vec<T>,
    dstate: Vec<T>,
    dprev: Vec<T>,
    masked: Vec<bool>,
    init_state: Option<Vec<T>>,
    final_state: Vec<T>,
    final_grad: Vec<T>,
    dropout: Option<GateDropout<T>>,
    training: bool,
    dropped: bool,
}

impl<T: Element> RecurrentLayer<T> {
    pub fn new(cell: Cell, reverse: bool) -> Self {
        RecurrentLayer {
            reverse,
            batch: 0,
            time: 0,
            xp: Vec::new(),
            hh: Vec::new(),
            prev: Vec::new(),
            next: Vec::new(),
            cache: Vec::new(),
            dxp: Vec::new(),
            dhh: Vec::new(),
            dstate: Vec::new(),
            dprev: Vec::new(),
            masked: Vec::new(),
            init_state: None,
            final_state: Vec::new(),
            final_grad: Vec::new(),
            dropout: (cell.dropout > 0.0).then(|| GateDropout::new(cell.dropout)),
            training: true,
            dropped: false,
            cell,
        }
    }

    pub fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    pub fn reseed(&mut self, seed: u64) {
        if let Some(d) = self.dropout.as_mut() {
            d.reseed(seed);
        }
    }

    fn dims(&self) -> Dims {
        Dims {
            batch: self.batch,
            time: self.time,
            gates: self.cell.gates(),
            input: self.cell.input_size,
            hidden: self.cell.hidden_size,
            state: self.cell.state_size(),
        }
    }

    /// The time index of step `s`.
    fn at(&self, s: usize) -> usize {
        if self.reverse {
            self.time - 1 - s
        } else {
            s
        }
    }

    /// The initial state of the next forward (`[batch, state_size]`), or zeros (`None`).
    pub fn set_initial_state(&mut self, state: Option<Vec<T>>) {
        self.init_state = state;
    }

    /// The initial state set with [`RecurrentLayer::set_initial_state`].
    pub fn initial_state(&self) -> Option<&[T]> {
        self.init_state.as_deref()
    }

    /// The state after the last step of the last forward (`[batch, state_size]`).
    pub fn final_state(&self) -> &[T] {
        &self.final_state
    }

    /// The gradient the next backward receives on the final state (`[batch, state_size]`;
    /// empty: none), for RecurrentDecoder's steps; copied into a buffer kept across calls.
    pub fn set_final_grad(&mut self, g: &[T]) {
        self.final_grad.clear();
        self.final_grad.extend_from_slice(g);
    }

    /// After a backward: the gradient on the initial state (`[batch, state_size]`).
    pub fn initial_grad(&self) -> &[T] {
        &self.dstate
    }

    /// Runs the cell over `x` (`[batch, time, input]`); steps flagged in `mask` (`[batch·time]`,
    /// or empty) keep the previous state and output zeros. Writes `y` (`[batch, time, hidden]`).
    pub fn forward(
        &mut self,
        params: &[T],
        x: &[T],
        (batch, time): (usize, usize),
        mask: &[bool],
        y: &mut [T],
    ) -> Result<()> {
        let c = self.cell.clone();
        let (w, s, k, h, i) = (
            c.width(),
            c.state_size(),
            c.cache_size(),
            c.hidden_size,
            c.input_size,
        );
        let n = batch * time;
        if let Some(init) = &self.init_state {
            if init.len() != batch * s {
                return Err(Error::shape(
                    &format!("{} (hidden state)", c.describe()),
                    format!("[{batch}, {s}] for this batch"),
                    &[init.len()],
                ));
            }
        }
        self.batch = batch;
        self.time = time;
        fit(&mut self.xp, n * w);
        fit(&mut self.hh, batch * w);
        fit(&mut self.prev, n * s);
        fit(&mut self.next, n * s);
        fit(&mut self.cache, n * k);
        fit(&mut self.final_state, batch * s);
        self.masked.clear();
        self.masked
            .extend((0..n).map(|j| mask.get(j).copied().unwrap_or(false)));
        let (wi, bi, wh, extra) = c.split(params);
        if bi.is_empty() {
            self.xp.iter_mut().for_each(|v| *v = T::zero());
        } else {
            self.xp.chunks_mut(w).for_each(|r| r.copy_from_slice(bi));
        }
        self.dropped = self.training && self.dropout.is_some();
        let dims = self.dims();
        match self.dropout.as_mut().filter(|_| self.dropped) {
            Some(d) => d.project_input(dims, x, wi, &mut self.xp)?,
            None => matmul(
                T::one(),
                rows(x, n, i, i)?,
                rows(wi, w, i, i)?.t(),
                T::one(),
                rows_mut(&mut self.xp, n, w, w)?,
            )?,
        }
        for step in 0..time {
            let t = self.at(step);
            for b in 0..batch {
                let tp = if step == 0 { t } else { self.at(step - 1) };
                let dst = &mut self.prev[(b * time + t) * s..][..s];
                if step == 0 {
                    match &self.init_state {
                        Some(init) => dst.copy_from_slice(&init[b * s..][..s]),
                        None => dst.iter_mut().for_each(|v| *v = T::zero()),
                    }
                } else {
                    dst.copy_from_slice(&self.next[(b * time + tp) * s..][..s]);
                }
            }
            match self.dropout.as_mut().filter(|_| self.dropped) {
                Some(d) => d.project_hidden(dims, t, &self.prev, wh, &mut self.hh)?,
                None => matmul(
                    T::one(),
                    rows(&self.prev[t * s..], batch, h, time * s)?,
                    rows(wh, w, h, h)?.t(),
                    T::zero(),
                    rows_mut(&mut self.hh, batch, w, w)?,
                )?,
            }
            for b in 0..batch {
                let idx = b * time + t;
                let prev = &self.prev[idx * s..][..s];
                let next = &mut self.next[idx * s..][..s];
                let out = &mut y[idx * h..][..h];
                if self.masked[idx] {
                    next.copy_from_slice(prev);
                    out.iter_mut().for_each(|v| *v = T::zero());
                    continue;
                }
                let xp = &self.xp[idx * w..][..w];
                let hh = &self.hh[b * w..][..w];
                let cache = &mut self.cache[idx * k..][..k];
                match &c.kind {
                    CellKind::Rnn { activation, .. } => {
                        rnn_step::forward(activation, xp, hh, extra, next, cache)
                    }
                    CellKind::Lstm {
                        activation, inner, ..
                    } => Lstm {
                        act: activation,
                        inner,
                        peep: extra,
                    }
                    .forward(xp, hh, prev, next, cache),
                    CellKind::Gru { activation, inner } => Gru {
                        act: activation,
                        inner,
                        b_hn: extra,
                    }
                    .forward(xp, hh, prev, next, cache),
                }
                out.copy_from_slice(&next[..h]);
            }
        }
        if time > 0 {
            let last = self.at(time - 1);
            for b in 0..batch {
                self.final_state[b * s..][..s]
                    .copy_from_slice(&self.next[(b * time + last) * s..][..s]);
            }
        } else {
            self.final_state.iter_mut().for_each(|v| *v = T::zero());
        }
        Ok(())
    }

    /// Backward-through-time for the last forward: adds the parameter gradients into
    /// `grad_params` and, when `gx` is given, writes the input gradient (`[batch, time, input]`).
    pub fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        gx: Option<&mut [T]>,
    ) -> Result<()> {
        let c = self.cell.clone();
        let (batch, time) = (self.batch, self.time);
        let (w, s, k, h, i) = (
            c.width(),
            c.state_size(),
            c.cache_size(),
            c.hidden_size,
            c.input_size,
        );
        let n = batch * time;
        if x.len() != n * i || gy.len() != n * h || self.xp.len() != n * w {
            return Err(Error::state(
                &c.describe(),
                "backward must follow a forward on the same input",
            ));
        }
        let sep = c.separate_hidden_grad();
        let dims = self.dims();
        fit(&mut self.dxp, n * w);
        fit(&mut self.dhh, if sep { n * w } else { 0 });
        fit(&mut self.dstate, batch * s);
        fit(&mut self.dprev, batch * s);
        if self.final_grad.len() == batch * s {
            self.dstate.copy_from_slice(&self.final_grad);
        } else {
            self.dstate.iter_mut().for_each(|v| *v = T::zero());
        }
        let (wi, _, wh, extra) = c.split(params);
        let (gwi, gbi, gwh, gextra) = c.split_mut(grad_params);
        for step in (0..time).rev() {
            let t = self.at(step);
            for b in 0..batch {
                let idx = b * time + t;
                let dstate = &mut self.dstate[b * s..][..s];
                let dprev = &mut self.dprev[b * s..][..s];
                let dxp = &mut self.dxp[idx * w..][..w];
                if self.masked[idx] {
                    dxp.iter_mut().for_each(|v| *v = T::zero());
                    if sep {
                        self.dhh[idx * w..][..w]
                            .iter_mut()
                            .for_each(|v| *v = T::zero());
                    }
                    dprev.copy_from_slice(dstate);
                    continue;
                }
                for (d, g) in dstate.iter_mut().zip(&gy[idx * h..][..h]) {
                    *d += *g;
                }
                let cache = &self.cache[idx * k..][..k];
                let prev = &self.prev[idx * s..][..s];
                let next = &self.next[idx * s..][..s];
                match &c.kind {
                    CellKind::Rnn { activation, .. } => {
                        rnn_step::backward(activation, cache, dstate, dxp, dprev, gextra)
                    }
                    CellKind::Lstm {
                        activation, inner, ..
                    } => Lstm {
                        act: activation,
                        inner,
                        peep: extra,
                    }
                    .backward(cache, prev, next, dstate, dxp, dprev, gextra),
                    CellKind::Gru { activation, inner } => Gru {
                        act: activation,
                        inner,
                        b_hn: extra,
                    }
                    .backward(
                        cache,
                        prev,
                        dstate,
                        dxp,
                        &mut self.dhh[idx * w..][..w],
                        dprev,
                        gextra,
                    ),
                }
            }
            let d = if sep { &self.dhh } else { &self.dxp };
            match self.dropout.as_mut().filter(|_| self.dropped) {
                Some(drop) => drop.back_hidden(dims, t, d, wh, &mut self.dprev)?,
                None => matmul(
                    T::one(),
                    rows(&d[t * w..], batch, w, time * w)?,
                    rows(wh, w, h, h)?,
                    T::one(),
                    rows_mut(&mut self.dprev, batch, h, s)?,
                )?,
            }
            std::mem::swap(&mut self.dstate, &mut self.dprev);
        }
        if !gbi.is_empty() {
            for r in self.dxp.chunks(w) {
                gbi.iter_mut().zip(r).for_each(|(g, v)| *g += *v);
            }
        }
        let dh = if sep { &self.dhh } else { &self.dxp };
        if let Some(drop) = self.dropout.as_ref().filter(|_| self.dropped) {
            return drop.weight_grads(dims, &self.dxp, dh, wi, gwi, gwh, gx);
        }
        let dxp = rows(&self.dxp, n, w, w)?;
        matmul(
            T::one(),
            dxp.t(),
            rows(x, n, i, i)?,
            T::one(),
            rows_mut(gwi, w, i, i)?,
        )?;
        let ph = rows(&self.prev, n, h, s)?;
        matmul(
            T::one(),
            rows(dh, n, w, w)?.t(),
            ph,
            T::one(),
            rows_mut(gwh, w, h, h)?,
        )?;
        if let Some(gx) = gx {
            matmul(
                T::one(),
                dxp,
                rows(wi, w, i, i)?,
                T::zero(),
                rows_mut(gx, n, i, i)?,
            )?;
        }
        Ok(())
    }
}
