//! Recurrent: BigDL's container that runs a cell (or a `MultiRNNCell`) over every time step.

use super::cell::Cell;
use super::hidden_state::HiddenState;
use super::sequence::{layout, out_shape, zero_mask};
use super::stack::Stack;
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `Recurrent(maskZero = false).add(cell)`: the cell over every time step, returning
/// every step's hidden output.
///
/// With `maskZero`, a step whose input features are all zero (the padding after a shorter
/// sequence) keeps the previous state, outputs zeros and gets no gradient.
///
/// # Shapes
/// - input: `[batch, time, input_size]` or `[time, input_size]`
/// - output: `[batch, time, hidden_size]` or `[time, hidden_size]`
/// - parameters: the cells', in order (see `docs/recurrent.md`)
/// - hidden state: per cell `[batch, state_size]` (`h`, then `c` for LSTMs)
#[derive(Debug, Clone)]
pub struct Recurrent<T> {
    stack: Stack<T>,
    mask_zero: bool,
    mask: Vec<bool>,
}

impl<T: Element> Recurrent<T> {
    /// Recurrent over `cells` (several: a `MultiRNNCell`).
    pub fn new(cells: Vec<Cell>, mask_zero: bool) -> Result<Self> {
        Ok(Recurrent {
            stack: Stack::new(cells, false)?,
            mask_zero,
            mask: Vec::new(),
        })
    }
}

impl<T: Element> HiddenState<T> for Recurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        self.stack.hidden_state()
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        self.stack.set_hidden_state("Recurrent", states)
    }

    fn state_sizes(&self) -> Vec<usize> {
        self.stack.state_sizes()
    }
}

impl<T: Element> Module<T> for Recurrent<T> {
    fn describe(&self) -> String {
        let mask = if self.mask_zero { ", maskZero" } else { "" };
        format!("Recurrent({}{mask})", self.stack.describe())
    }

    fn num_params(&self) -> usize {
        self.stack.num_params()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        self.stack.param_tensors()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.stack.init_params(params, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.stack.add_regularization(params, grad_params, scale);
    }

    fn set_training(&mut self, training: bool) {
        self.stack.set_training(training);
    }

    fn reseed(&mut self, seed: u64) {
        self.stack.reseed(seed);
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let f = self.stack.input_size();
        let (batch, time, batched) = layout(&name, input.shape(), f)?;
        let x = flat(input);
        if self.mask_zero {
            zero_mask(&x, f, &mut self.mask);
        } else {
            self.mask.clear();
        }
        let shape = out_shape(batch, time, batched, self.stack.hidden_size());
        let y = self.stack.forward(params, &x, (batch, time), &self.mask)?;
        from_vec(&name, &shape, y.to_vec())
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
        self.stack
            .backward(params, grad_params, &x, &flat(grad_output), Some(&mut gx))?;
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
        self.stack
            .backward(params, grad_params, &flat(input), &flat(grad_output), None)
    }
}
