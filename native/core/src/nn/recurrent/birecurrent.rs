//! BiRecurrent: a cell run forwards and a copy run backwards in time, merged.

use super::bidirectional::{merge_outputs, Merge, Pair};
use super::cell::Cell;
use super::hidden_state::HiddenState;
use super::sequence::{layout, out_shape, zero_mask};
use super::stack::Stack;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `BiRecurrent(merge = CAddTable).add(cell)`: the cell (or `MultiRNNCell`) over the
/// sequence, and an independent copy (own parameters) over the reversed sequence, merged.
///
/// # Shapes
/// - input: `[batch, time, input_size]` or `[time, input_size]`
/// - output: `[batch, time, hidden]` (`Add`) or `[batch, time, 2·hidden]` (`Join`)
/// - parameters: the forward cells', then the backward cells'
#[derive(Debug, Clone)]
pub struct BiRecurrent<T> {
    pair: Pair<Stack<T>, T>,
    mask_zero: bool,
    mask: Vec<bool>,
}

impl<T: Element> BiRecurrent<T> {
    pub fn new(cells: Vec<Cell>, merge: Merge, mask_zero: bool) -> Result<Self> {
        Ok(BiRecurrent {
            pair: Pair::new(
                Stack::new(cells.clone(), false)?,
                Stack::new(cells, true)?,
                merge,
            ),
            mask_zero,
            mask: Vec::new(),
        })
    }

    fn width(&self) -> usize {
        match self.pair.merge {
            Merge::Add => self.pair.fwd.hidden_size(),
            Merge::Join => 2 * self.pair.fwd.hidden_size(),
        }
    }

    fn run_backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        gx: Option<&mut [T]>,
    ) -> Result<()> {
        let (h, width) = (self.pair.fwd.hidden_size(), self.width());
        let steps = x.len() / self.pair.fwd.input_size().max(1);
        if gy.len() != steps * width || h == 0 {
            return Err(Error::shape(
                &Module::<T>::describe(self),
                format!("gradOutput of {} elements", steps * width),
                &[gy.len()],
            ));
        }
        self.pair.backward(params, grad_params, (x, gy, h), gx)
    }
}

/// The states of the forward direction's cells, then the backward direction's (whose "last"
/// step is the sequence's first).
impl<T: Element> HiddenState<T> for BiRecurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        let mut v = self.pair.fwd.hidden_state();
        v.extend(self.pair.bwd.hidden_state());
        v
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        let Some(mut v) = states else {
            self.pair.fwd.set_hidden_state("BiRecurrent", None)?;
            return self.pair.bwd.set_hidden_state("BiRecurrent", None);
        };
        let n = self.pair.fwd.layers.len();
        if v.len() != 2 * n {
            return Err(Error::invalid(
                "BiRecurrent",
                format!("{} hidden states given for 2 x {n} cells", v.len()),
            ));
        }
        let back = v.split_off(n);
        let (f, b) = (self.pair.fwd.clone(), self.pair.bwd.clone());
        let result = self
            .pair
            .fwd
            .set_hidden_state("BiRecurrent", Some(v))
            .and_then(|_| self.pair.bwd.set_hidden_state("BiRecurrent", Some(back)));
        if result.is_err() {
            (self.pair.fwd, self.pair.bwd) = (f, b);
        }
        result
    }

    fn state_sizes(&self) -> Vec<usize> {
        let mut v = self.pair.fwd.state_sizes();
        v.extend(self.pair.bwd.state_sizes());
        v
    }
}

impl<T: Element> Module<T> for BiRecurrent<T> {
    fn describe(&self) -> String {
        format!(
            "BiRecurrent({}, {})",
            self.pair.fwd.describe(),
            self.pair.merge.name()
        )
    }

    fn num_params(&self) -> usize {
        self.pair.num_params()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let fwd = self
            .pair
            .fwd
            .param_tensors()
            .into_iter()
            .map(|t| t.under("layer"));
        let bwd = self
            .pair
            .bwd
            .param_tensors()
            .into_iter()
            .map(|t| t.under("revLayer"));
        fwd.chain(bwd).collect()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.pair.init_params(params, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.pair.add_regularization(params, grad_params, scale);
    }

    fn set_training(&mut self, training: bool) {
        self.pair.fwd.set_training(training);
        self.pair.bwd.set_training(training);
    }

    fn reseed(&mut self, seed: u64) {
        self.pair.fwd.reseed(seed);
        self.pair.bwd.reseed(!seed);
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let f = self.pair.fwd.input_size();
        let (batch, time, batched) = layout(&name, input.shape(), f)?;
        let x = flat(input);
        if self.mask_zero {
            zero_mask(&x, f, &mut self.mask);
        } else {
            self.mask.clear();
        }
        let (h, width) = (self.pair.fwd.hidden_size(), self.width());
        let pf = self.pair.fwd.num_params();
        let Pair {
            fwd, bwd, merge, ..
        } = &mut self.pair;
        let yf = fwd.forward(&params[..pf], &x, (batch, time), &self.mask)?;
        let yb = bwd.forward(&params[pf..], &x, (batch, time), &self.mask)?;
        let out = merge_outputs(*merge, yf, yb, h);
        from_vec(&name, &out_shape(batch, time, batched, width), out)
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        let x = flat(input);
        let mut gx = vec![T::zero(); x.len()];
        self.run_backward(params, grad_params, &x, &flat(grad_output), Some(&mut gx))?;
        from_vec(&name, input.shape(), gx)
    }

    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        self.run_backward(params, grad_params, &flat(input), &flat(grad_output), None)
    }
}
