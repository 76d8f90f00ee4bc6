//! A stack of cells over a sequence (one cell, or BigDL's `MultiRNNCell`): layer `l` runs over
//! the whole output sequence of layer `l − 1`, which computes the same as stepping the stacked
//! cells together and keeps each layer's input projection one GEMM.

use super::cell::Cell;
use super::layer::RecurrentLayer;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::rng::Rng;

/// One cell's description, or `MultiRNNCell(a, b, ..)` for several.
pub(super) fn describe_cells(cells: Vec<String>) -> String {
    if cells.len() == 1 {
        cells.join("")
    } else {
        format!("MultiRNNCell({})", cells.join(", "))
    }
}

/// Cells stacked over a sequence.
///
/// # Shapes
/// - input `[batch, time, input_size of the first cell]`
/// - output `[batch, time, hidden_size of the last cell]`
/// - parameters: each cell's, in order
#[derive(Debug, Clone)]
pub struct Stack<T> {
    pub layers: Vec<RecurrentLayer<T>>,
    /// Each layer's output of the last forward.
    pub(super) outs: Vec<Vec<T>>,
    grads: Vec<Vec<T>>,
}

impl<T: Element> Stack<T> {
    /// Checks that each cell's input size is the previous one's hidden size.
    pub fn new(cells: Vec<Cell>, reverse: bool) -> Result<Self> {
        if cells.is_empty() {
            return Err(Error::invalid("Recurrent", "needs a cell (add one)"));
        }
        for pair in cells.windows(2) {
            if pair[1].input_size != pair[0].hidden_size {
                return Err(Error::invalid(
                    "MultiRNNCell",
                    format!(
                        "{} feeds {}: the input size must be {}",
                        pair[0].describe(),
                        pair[1].describe(),
                        pair[0].hidden_size
                    ),
                ));
            }
        }
        let n = cells.len();
        Ok(Stack {
            layers: cells
                .into_iter()
                .map(|c| RecurrentLayer::new(c, reverse))
                .collect(),
            outs: vec![Vec::new(); n],
            grads: vec![Vec::new(); n],
        })
    }

    pub fn input_size(&self) -> usize {
        self.layers.first().map_or(0, |l| l.cell.input_size)
    }

    pub fn hidden_size(&self) -> usize {
        self.layers.last().map_or(0, |l| l.cell.hidden_size)
    }

    /// E.g. `LSTM(3 -> 4)` or `MultiRNNCell(LSTM(3 -> 4), LSTM(4 -> 4))`.
    pub fn describe(&self) -> String {
        describe_cells(self.layers.iter().map(|l| l.cell.describe()).collect())
    }

    pub fn num_params(&self) -> usize {
        self.layers.iter().map(|l| l.cell.num_params()).sum()
    }

    /// The parameters as separate tensors (see [`crate::Module::param_tensors`]).
    pub fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        if let [one] = self.layers.as_slice() {
            return one.cell.param_tensors();
        }
        crate::param_tensor::of_children(self.layers.iter().map(|l| l.cell.param_tensors()))
    }

    fn ranges(&self) -> Vec<std::ops::Range<usize>> {
        let mut at = 0;
        self.layers
            .iter()
            .map(|l| {
                let r = at..at + l.cell.num_params();
                at = r.end;
                r
            })
            .collect()
    }

    pub fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        for (l, r) in self.layers.iter().zip(self.ranges()) {
            l.cell.init_params(&mut params[r], rng);
        }
    }

    pub fn set_training(&mut self, training: bool) {
        self.layers
            .iter_mut()
            .for_each(|l| l.set_training(training));
    }

    /// Seeds each layer's dropout stream (distinct streams per layer).
    pub fn reseed(&mut self, seed: u64) {
        for (k, l) in self.layers.iter_mut().enumerate() {
            l.reseed(seed.wrapping_add(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(k as u64 + 1)));
        }
    }

    pub fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64) {
        for (l, r) in self.layers.iter().zip(self.ranges()) {
            l.cell
                .add_regularization(&params[r.clone()], &mut grads[r], scale);
        }
    }

    /// Runs every layer; returns the last one's output (`[batch, time, hidden]`).
    pub fn forward(
        &mut self,
        params: &[T],
        x: &[T],
        dims: (usize, usize),
        mask: &[bool],
    ) -> Result<&[T]> {
        let n = dims.0 * dims.1;
        let ranges = self.ranges();
        for l in 0..self.layers.len() {
            let mut out = std::mem::take(&mut self.outs[l]);
            out.resize(n * self.layers[l].cell.hidden_size, T::zero());
            let input: &[T] = if l == 0 { x } else { &self.outs[l - 1] };
            let r = self.layers[l].forward(&params[ranges[l].clone()], input, dims, mask, &mut out);
            self.outs[l] = out;
            r?;
        }
        Ok(self.outs.last().map_or(&[], |v| v.as_slice()))
    }

    /// Backward through every layer, for the last forward on `x`; writes the input gradient
    /// into `gx` when given.
    pub fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        gx: Option<&mut [T]>,
    ) -> Result<()> {
        let ranges = self.ranges();
        let last = self.layers.len() - 1;
        let mut gx = gx;
        for l in (0..=last).rev() {
            let mut below = if l > 0 {
                let mut g = std::mem::take(&mut self.grads[l - 1]);
                g.resize(self.outs[l - 1].len(), T::zero());
                Some(g)
            } else {
                None
            };
            let upper = if l < last {
                std::mem::take(&mut self.grads[l])
            } else {
                Vec::new()
            };
            let g_out: &[T] = if l == last { gy } else { &upper };
            let input: &[T] = if l == 0 { x } else { &self.outs[l - 1] };
            let target = match below.as_mut() {
                Some(b) => Some(b.as_mut_slice()),
                None => gx.take(),
            };
            let r = self.layers[l].backward(
                &params[ranges[l].clone()],
                &mut grad_params[ranges[l].clone()],
                input,
                g_out,
                target,
            );
            if l < last {
                self.grads[l] = upper;
            }
            if let Some(b) = below {
                self.grads[l - 1] = b;
            }
            r?;
        }
        Ok(())
    }
}
