//! A convolutional LSTM cell run over a whole sequence batch: the input convolution of every
//! time step as one im2col and one GEMM, then per step one im2col of the hidden state and one
//! GEMM; backward-through-time over buffers kept across calls (no allocation per step), with
//! the weight gradients and the input gradient as whole-sequence GEMMs at the end.

use super::conv_cell::ConvCell;
use super::conv_lstm_step::{ConvLstmStep, StepBuffers};
use super::conv_unfold::Unfold;
use super::sequence::{fit, rows, rows_mut};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;

/// The sizes of the last forward.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ConvDims {
    pub batch: usize,
    pub time: usize,
    /// Output positions per channel.
    pub positions: usize,
}

/// Forward state and backward buffers of a [`ConvCell`] over a sequence.
///
/// # Shapes
/// - input `[batch, time, inputSize, spatial..]`, output `[batch, time, outputSize, out..]`
/// - state per sample: `h [outputSize, out..]` then `c` (same shape)
/// - columns are ordered (time, batch, position), so each step's are contiguous
#[derive(Debug, Clone)]
pub struct ConvSequence<T> {
    pub cell: ConvCell,
    pub dims: ConvDims,
    unfolds: Option<(Unfold, Unfold)>,
    colx: Vec<T>,
    colh: Vec<T>,
    a: Vec<T>,
    hh: Vec<T>,
    gates: Vec<T>,
    tc: Vec<T>,
    h0: Vec<T>,
    c0: Vec<T>,
    hs: Vec<T>,
    cs: Vec<T>,
    da: Vec<T>,
    dh: Vec<T>,
    dc: Vec<T>,
    dcolh: Vec<T>,
    dcolx: Vec<T>,
    scratch: Vec<T>,
}

impl<T: Element> ConvSequence<T> {
    pub fn new(cell: ConvCell) -> Self {
        ConvSequence {
            cell,
            dims: ConvDims::default(),
            unfolds: None,
            colx: Vec::new(),
            colh: Vec::new(),
            a: Vec::new(),
            hh: Vec::new(),
            gates: Vec::new(),
            tc: Vec::new(),
            h0: Vec::new(),
            c0: Vec::new(),
            hs: Vec::new(),
            cs: Vec::new(),
            da: Vec::new(),
            dh: Vec::new(),
            dc: Vec::new(),
            dcolh: Vec::new(),
            dcolx: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The output image's sizes per axis in the last forward (empty before).
    pub fn out_dims(&self) -> Vec<usize> {
        self.unfolds.map_or_else(Vec::new, |(x, _)| x.out_dims())
    }

    fn step<'a>(c: &'a ConvCell, d: ConvDims, peep: &'a [T]) -> ConvLstmStep<'a, T> {
        ConvLstmStep {
            act: &c.activation,
            inner: &c.inner,
            peep,
            channels: c.output_size,
            positions: d.positions,
            batch: d.batch,
            ld: d.batch * d.time * d.positions,
        }
    }

    /// Runs the cell over `x` (`[batch, time, image]`) from `init` (`[batch, 2·O·L]`: `h` then
    /// `c` per sample; `None`: zeros); writes `y` (`[batch, time, O·L]`) and the final state
    /// (`[batch, 2·O·L]`).
    pub fn forward(
        &mut self,
        params: &[T],
        x: &[T],
        (batch, time): (usize, usize),
        (ux, uh): (Unfold, Unfold),
        init: Option<&[T]>,
        (y, last): (&mut Vec<T>, &mut Vec<T>),
    ) -> Result<()> {
        let c = self.cell.clone();
        let (o, l) = (c.output_size, ux.out_len());
        let (bl, w, img) = (batch * l, 4 * o, ux.in_len());
        let nl = time * bl;
        let sol = o * l;
        self.dims = ConvDims {
            batch,
            time,
            positions: l,
        };
        self.unfolds = Some((ux, uh));
        let (rx, rh) = (c.rows_x(), c.rows_h());
        fit(&mut self.colx, rx * nl);
        fit(&mut self.colh, rh * nl);
        fit(&mut self.a, w * nl);
        fit(&mut self.hh, w * bl);
        fit(&mut self.gates, w * nl);
        fit(&mut self.tc, o * nl);
        fit(&mut self.h0, batch * sol);
        fit(&mut self.c0, batch * sol);
        fit(&mut self.hs, time * batch * sol);
        fit(&mut self.cs, time * batch * sol);
        fit(y, batch * time * sol);
        fit(last, batch * 2 * sol);
        for b in 0..batch {
            for t in 0..time {
                let image = &x[(b * time + t) * img..][..img];
                ux.unfold(
                    image,
                    &mut self.colx,
                    (nl, (t * batch + b) * l),
                    &mut self.scratch,
                );
            }
            let (h0, c0) = (
                &mut self.h0[b * sol..][..sol],
                &mut self.c0[b * sol..][..sol],
            );
            match init {
                Some(s) => {
                    h0.copy_from_slice(&s[2 * b * sol..][..sol]);
                    c0.copy_from_slice(&s[(2 * b + 1) * sol..][..sol]);
                }
                None => h0
                    .iter_mut()
                    .chain(c0.iter_mut())
                    .for_each(|v| *v = T::zero()),
            }
        }
        let (wx, bias, wh, peep) = c.split(params);
        for (row, bv) in self.a.chunks_exact_mut(nl).zip(bias) {
            row.iter_mut().for_each(|v| *v = *bv);
        }
        matmul(
            T::one(),
            rows(wx, w, rx, rx)?,
            rows(&self.colx, rx, nl, nl)?,
            T::one(),
            rows_mut(&mut self.a, w, nl, nl)?,
        )?;
        let bsol = batch * sol;
        for t in 0..time {
            let h_prev = if t == 0 {
                &self.h0[..]
            } else {
                &self.hs[(t - 1) * bsol..][..bsol]
            };
            for b in 0..batch {
                let image = &h_prev[b * sol..][..sol];
                uh.unfold(
                    image,
                    &mut self.colh,
                    (nl, (t * batch + b) * l),
                    &mut self.scratch,
                );
            }
            matmul(
                T::one(),
                rows(wh, w, rh, rh)?,
                rows(&self.colh[t * bl..], rh, bl, nl)?,
                T::zero(),
                rows_mut(&mut self.hh, w, bl, bl)?,
            )?;
            let (done, rest) = self.cs.split_at_mut(t * bsol);
            let c_prev = if t == 0 {
                &self.c0[..]
            } else {
                &done[(t - 1) * bsol..]
            };
            let step = Self::step(&c, self.dims, peep);
            step.forward(
                StepBuffers {
                    col0: t * bl,
                    a: &mut self.a,
                    gates: &mut self.gates,
                    tc: &mut self.tc,
                },
                &self.hh,
                c_prev,
                (&mut rest[..bsol], &mut self.hs[t * bsol..][..bsol]),
            );
        }
        for b in 0..batch {
            for t in 0..time {
                y[(b * time + t) * sol..][..sol]
                    .copy_from_slice(&self.hs[(t * batch + b) * sol..][..sol]);
            }
            let end = (time - 1) * bsol + b * sol;
            last[2 * b * sol..][..sol].copy_from_slice(&self.hs[end..][..sol]);
            last[(2 * b + 1) * sol..][..sol].copy_from_slice(&self.cs[end..][..sol]);
        }
        Ok(())
    }

    /// Backward-through-time for the last forward on `x`: adds the parameter gradients into
    /// `grad_params` and, when `gx` is given, writes the input gradient.
    pub fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        gx: Option<&mut [T]>,
    ) -> Result<()> {
        let c = self.cell.clone();
        let ConvDims {
            batch,
            time,
            positions: l,
        } = self.dims;
        let (o, w) = (c.output_size, 4 * c.output_size);
        let (bl, sol) = (batch * l, o * l);
        let (nl, bsol) = (time * bl, batch * sol);
        let (rx, rh) = (c.rows_x(), c.rows_h());
        let Some((ux, uh)) = self.unfolds.filter(|u| {
            x.len() == batch * time * u.0.in_len() && gy.len() == time * bsol && time > 0
        }) else {
            return Err(Error::state(
                &c.describe(),
                "backward must follow a forward on the same input",
            ));
        };
        fit(&mut self.da, w * nl);
        fit(&mut self.dh, bsol);
        fit(&mut self.dc, bsol);
        fit(&mut self.dcolh, rh * bl);
        self.dh.iter_mut().for_each(|v| *v = T::zero());
        self.dc.iter_mut().for_each(|v| *v = T::zero());
        let (wx, _, wh, peep) = c.split(params);
        let (gwx, gb, gwh, gpeep) = c.split_mut(grad_params);
        for t in (0..time).rev() {
            for b in 0..batch {
                let dh = &mut self.dh[b * sol..][..sol];
                for (d, g) in dh.iter_mut().zip(&gy[(b * time + t) * sol..][..sol]) {
                    *d += *g;
                }
            }
            let c_prev = if t == 0 {
                &self.c0[..]
            } else {
                &self.cs[(t - 1) * bsol..][..bsol]
            };
            let step = Self::step(&c, self.dims, peep);
            step.backward(
                t * bl,
                (&self.a, &self.gates, &self.tc),
                (c_prev, &self.cs[t * bsol..][..bsol]),
                &self.dh,
                &mut self.dc,
                &mut self.da,
                gpeep,
            );
            if t == 0 {
                break;
            }
            matmul(
                T::one(),
                rows(wh, w, rh, rh)?.t(),
                rows(&self.da[t * bl..], w, bl, nl)?,
                T::zero(),
                rows_mut(&mut self.dcolh, rh, bl, bl)?,
            )?;
            self.dh.iter_mut().for_each(|v| *v = T::zero());
            for b in 0..batch {
                let dh = &mut self.dh[b * sol..][..sol];
                uh.fold(&self.dcolh, (bl, b * l), dh, &mut self.scratch);
            }
        }
        for (g, row) in gb.iter_mut().zip(self.da.chunks_exact(nl)) {
            *g += row.iter().fold(T::zero(), |s, v| s + *v);
        }
        let da = rows(&self.da, w, nl, nl)?;
        matmul(
            T::one(),
            da,
            rows(&self.colx, rx, nl, nl)?.t(),
            T::one(),
            rows_mut(gwx, w, rx, rx)?,
        )?;
        matmul(
            T::one(),
            da,
            rows(&self.colh, rh, nl, nl)?.t(),
            T::one(),
            rows_mut(gwh, w, rh, rh)?,
        )?;
        let Some(gx) = gx else { return Ok(()) };
        fit(&mut self.dcolx, rx * nl);
        matmul(
            T::one(),
            rows(wx, w, rx, rx)?.t(),
            da,
            T::zero(),
            rows_mut(&mut self.dcolx, rx, nl, nl)?,
        )?;
        let img = ux.in_len();
        gx.iter_mut().for_each(|v| *v = T::zero());
        for b in 0..batch {
            for t in 0..time {
                let image = &mut gx[(b * time + t) * img..][..img];
                ux.fold(
                    &self.dcolx,
                    (nl, (t * batch + b) * l),
                    image,
                    &mut self.scratch,
                );
            }
        }
        Ok(())
    }
}
