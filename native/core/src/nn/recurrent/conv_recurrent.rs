//! `Recurrent().add(ConvLSTMPeephole(..))` (or `ConvLSTMPeephole3D`): BigDL's Recurrent over a
//! convolutional LSTM cell (or a `MultiRNNCell` of them), whose steps are images rather than
//! vectors.

use super::conv_cell::ConvCell;
use super::conv_stack::ConvStack;
use super::hidden_state::HiddenState;
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `Recurrent().add(ConvLSTMPeephole(..))` (or a `MultiRNNCell` of them): the cells over
/// every time step, returning every step's hidden output of the last cell.
///
/// # Shapes
/// - input: `[batch, time, inputSize, H, W]` or `[time, inputSize, H, W]` (3-D cell: `D, H, W`)
/// - output: `[batch, time, outputSize, oH, oW]` (or without batch; `oH = ceil(H / stride)` with
///   SAME padding)
/// - parameters: the cells' in order (see [`ConvCell`] and `docs/recurrent.md`)
/// - hidden state: one `[batch, 2·outputSize·oH·oW]` per cell: per sample `h [outputSize, oH, oW]`
///   then `c` (same shape)
#[derive(Debug, Clone)]
pub struct ConvRecurrent<T> {
    stack: ConvStack<T>,
}

impl<T: Element> ConvRecurrent<T> {
    pub fn new(cells: Vec<ConvCell>) -> Result<Self> {
        Ok(ConvRecurrent {
            stack: ConvStack::new(cells, false)?,
        })
    }
}

impl<T: Element> HiddenState<T> for ConvRecurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        self.stack.hidden_state()
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        self.stack.set_hidden_state(states)
    }

    /// `2·outputSize·oH·oW` per cell in the last forward (the size depends on the input; 0 before).
    fn state_sizes(&self) -> Vec<usize> {
        self.stack.state_sizes()
    }

    fn state_image_shape(&self) -> Vec<usize> {
        self.stack.state_image_shapes()
    }
}

impl<T: Element> Module<T> for ConvRecurrent<T> {
    fn describe(&self) -> String {
        format!("Recurrent({})", self.stack.describe())
    }

    fn num_params(&self) -> usize {
        self.stack.num_params()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.stack.init_params(params, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.stack.add_regularization(params, grad_params, scale);
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (shape, y) = self
            .stack
            .forward(&name, params, &flat(input), input.shape())?;
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
