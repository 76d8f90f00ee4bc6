//! Convolutional LSTM cells stacked over an image sequence (one cell, or BigDL's `MultiRNNCell`
//! of them), optionally run backwards in time (BiRecurrent's second direction): layer `l` runs
//! over the whole output sequence of layer `l − 1`, as [`super::Stack`] does for vector cells.

use super::conv_cell::ConvCell;
use super::conv_sequence::ConvSequence;
use super::conv_unfold::Unfold;
use super::sequence::fit;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::rng::Rng;

/// Copies `src` (`[batch, time, step]`) into `dst` (the same length) with the time axis
/// reversed.
fn flip_time<T: Copy>(src: &[T], dst: &mut [T], (batch, time): (usize, usize)) {
    let step = src.len() / (batch * time).max(1);
    for b in 0..batch {
        for t in 0..time {
            let from = (b * time + t) * step;
            let to = (b * time + time - 1 - t) * step;
            dst[to..to + step].copy_from_slice(&src[from..from + step]);
        }
    }
}

/// Convolutional cells stacked over an image sequence.
///
/// # Shapes
/// - input `[batch, time, inputSize, (D,) H, W]` (of the first cell)
/// - output `[batch, time, outputSize, (oD,) oH, oW]` (of the last cell)
/// - parameters: each cell's, in order
/// - hidden state: one per cell, `[batch, 2·outputSize·positions]` (`h` then `c` per sample)
#[derive(Debug, Clone)]
pub struct ConvStack<T> {
    pub seqs: Vec<ConvSequence<T>>,
    reverse: bool,
    init: Option<Vec<Vec<T>>>,
    finals: Vec<Vec<T>>,
    outs: Vec<Vec<T>>,
    grads: Vec<Vec<T>>,
    xr: Vec<T>,
    gr: Vec<T>,
    dims: (usize, usize),
}

impl<T: Element> ConvStack<T> {
    /// Checks that the cells chain (each takes the previous one's channels, same dimensionality).
    pub fn new(cells: Vec<ConvCell>, reverse: bool) -> Result<Self> {
        if cells.is_empty() {
            return Err(Error::invalid("Recurrent", "needs a cell (add one)"));
        }
        for pair in cells.windows(2) {
            if pair[1].input_size != pair[0].output_size || pair[1].dims != pair[0].dims {
                return Err(Error::invalid(
                    "MultiRNNCell",
                    format!(
                        "{} feeds {}: it must be a {} with inputSize {}",
                        pair[0].describe(),
                        pair[1].describe(),
                        pair[0].name(),
                        pair[0].output_size
                    ),
                ));
            }
        }
        let n = cells.len();
        Ok(ConvStack {
            seqs: cells.into_iter().map(ConvSequence::new).collect(),
            reverse,
            init: None,
            finals: vec![Vec::new(); n],
            outs: vec![Vec::new(); n],
            grads: vec![Vec::new(); n],
            xr: Vec::new(),
            gr: Vec::new(),
            dims: (0, 0),
        })
    }

    fn first(&self) -> &ConvCell {
        &self.seqs[0].cell
    }

    /// E.g. `ConvLSTMPeephole(2 -> 4, ..)` or `MultiRNNCell(ConvLSTMPeephole(..), ..)`.
    pub fn describe(&self) -> String {
        super::stack::describe_cells(self.seqs.iter().map(|s| s.cell.describe()).collect())
    }

    pub fn num_params(&self) -> usize {
        self.seqs.iter().map(|s| s.cell.num_params()).sum()
    }

    fn ranges(&self) -> Vec<std::ops::Range<usize>> {
        let mut at = 0;
        self.seqs
            .iter()
            .map(|s| {
                at += s.cell.num_params();
                at - s.cell.num_params()..at
            })
            .collect()
    }

    pub fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        for (s, r) in self.seqs.iter().zip(self.ranges()) {
            s.cell.init_params(&mut params[r], rng);
        }
    }

    pub fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64) {
        for (s, r) in self.seqs.iter().zip(self.ranges()) {
            s.cell
                .add_regularization(&params[r.clone()], &mut grads[r], scale);
        }
    }

    /// `(batch, time, batched, out_shape)` of `shape`, and each cell's convolutions.
    #[allow(clippy::type_complexity)]
    fn layout(
        &self,
        name: &str,
        shape: &[usize],
    ) -> Result<((usize, usize, bool), Vec<usize>, Vec<(Unfold, Unfold)>)> {
        let cell = self.first();
        let d = cell.dims;
        let (batch, time, batched, image) = match shape.len() {
            n if n == d + 3 => (shape[0], shape[1], true, &shape[2..]),
            n if n == d + 2 => (1, shape[0], false, &shape[1..]),
            _ => return Err(Error::shape(name, cell.expected_input(), shape)),
        };
        if batch == 0 || time == 0 {
            return Err(Error::shape(
                name,
                format!(
                    "{} with at least one sample and one step",
                    cell.expected_input()
                ),
                shape,
            ));
        }
        let mut unfolds = Vec::with_capacity(self.seqs.len());
        let mut image = image.to_vec();
        for s in &self.seqs {
            let u = s.cell.unfolds(name, &image, shape)?;
            image = std::iter::once(s.cell.output_size)
                .chain(u.0.out_dims())
                .collect();
            unfolds.push(u);
        }
        let mut out = if batched { vec![batch] } else { vec![] };
        out.push(time);
        out.extend(image);
        Ok(((batch, time, batched), out, unfolds))
    }

    /// Runs every cell over `x` (shaped `shape`); returns the output shape and the last cell's
    /// output (in the input's time order).
    pub fn forward(
        &mut self,
        name: &str,
        params: &[T],
        x: &[T],
        shape: &[usize],
    ) -> Result<(Vec<usize>, &[T])> {
        let ((batch, time, _), out_shape, unfolds) = self.layout(name, shape)?;
        if let Some(init) = &self.init {
            for ((s, u), v) in self.seqs.iter().zip(&unfolds).zip(init) {
                let want = batch * 2 * s.cell.output_size * u.0.out_len();
                if v.len() != want {
                    return Err(Error::shape(
                        &format!("{name} (hidden state of {})", s.cell.describe()),
                        format!("[{batch}, {}] for this batch and image size", want / batch),
                        &[v.len()],
                    ));
                }
            }
        }
        self.dims = (batch, time);
        if self.reverse {
            fit(&mut self.xr, x.len());
            flip_time(x, &mut self.xr, self.dims);
        }
        let ranges = self.ranges();
        for (l, u) in unfolds.into_iter().enumerate() {
            let mut out = std::mem::take(&mut self.outs[l]);
            let input: &[T] = match l {
                0 if self.reverse => &self.xr,
                0 => x,
                _ => &self.outs[l - 1],
            };
            let init = self.init.as_ref().map(|v| v[l].as_slice());
            let r = self.seqs[l].forward(
                &params[ranges[l].clone()],
                input,
                self.dims,
                u,
                init,
                (&mut out, &mut self.finals[l]),
            );
            self.outs[l] = out;
            r?;
        }
        let last = self.outs.len() - 1;
        if self.reverse {
            fit(&mut self.gr, self.outs[last].len());
            flip_time(&self.outs[last], &mut self.gr, self.dims);
            return Ok((out_shape, &self.gr));
        }
        Ok((out_shape, &self.outs[last]))
    }

    /// Backward through every cell for the last forward on `x`; adds into `grad_params` and
    /// writes the input gradient into `gx` when given. Reversed, the first cell runs on the
    /// time-reversed input kept from the forward pass, and its input gradient is reversed into
    /// `gx`; otherwise it writes `gx` directly.
    pub fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        mut gx: Option<&mut [T]>,
    ) -> Result<()> {
        let ranges = self.ranges();
        let last = self.seqs.len() - 1;
        let rev = self.reverse;
        if rev {
            fit(&mut self.gr, gy.len());
            flip_time(gy, &mut self.gr, self.dims);
        }
        for l in (0..=last).rev() {
            let upper = if l < last {
                std::mem::take(&mut self.grads[l + 1])
            } else {
                Vec::new()
            };
            let mut below = std::mem::take(&mut self.grads[l]);
            let r = {
                let g_out: &[T] = match l {
                    _ if l < last => &upper,
                    _ if rev => &self.gr,
                    _ => gy,
                };
                let input: &[T] = match l {
                    0 if rev => &self.xr,
                    0 => x,
                    _ => &self.outs[l - 1],
                };
                let target = if l > 0 || (rev && gx.is_some()) {
                    fit(&mut below, input.len());
                    Some(below.as_mut_slice())
                } else {
                    gx.as_deref_mut()
                };
                self.seqs[l].backward(
                    &params[ranges[l].clone()],
                    &mut grad_params[ranges[l].clone()],
                    input,
                    g_out,
                    target,
                )
            };
            if l < last {
                self.grads[l + 1] = upper;
            }
            if let (0, true, Some(gx), true) = (l, rev, gx.as_deref_mut(), r.is_ok()) {
                flip_time(&below, gx, self.dims);
            }
            self.grads[l] = below;
            r?;
        }
        Ok(())
    }

    /// Each cell's state after the last forward (`[batch, 2·outputSize·positions]`).
    pub fn hidden_state(&self) -> Vec<Vec<T>> {
        self.finals.clone()
    }

    /// The initial state of every cell for the next forwards (`None`: zeros); the sizes are
    /// checked against the batch and image at the next forward.
    pub fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        match states {
            Some(v) if v.len() != self.seqs.len() || v.iter().any(|s| s.is_empty()) => {
                Err(Error::invalid(
                    "Recurrent",
                    format!(
                        "{} hidden states given for {} cell(s) ({}), or an empty one",
                        v.len(),
                        self.seqs.len(),
                        self.describe()
                    ),
                ))
            }
            s => {
                self.init = s;
                Ok(())
            }
        }
    }

    /// Each cell's per-sample state size in the last forward (0 before).
    pub fn state_sizes(&self) -> Vec<usize> {
        self.seqs
            .iter()
            .map(|s| 2 * s.cell.output_size * s.dims.positions)
            .collect()
    }

    /// Each cell's `h` shape (`[outputSize, out..]`), concatenated; empty before a forward.
    pub fn state_image_shapes(&self) -> Vec<usize> {
        if self.finals.iter().any(|f| f.is_empty()) {
            return Vec::new();
        }
        self.seqs
            .iter()
            .flat_map(|s| std::iter::once(s.cell.output_size).chain(s.out_dims()))
            .collect()
    }
}
