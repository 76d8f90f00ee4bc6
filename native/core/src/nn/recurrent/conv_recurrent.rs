//! `Recurrent().add(ConvLSTMPeephole(..))` (or `ConvLSTMPeephole3D`): BigDL's Recurrent over a
//! convolutional LSTM cell, whose steps are images rather than vectors.

use super::conv_cell::ConvCell;
use super::conv_sequence::ConvSequence;
use super::hidden_state::HiddenState;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `Recurrent().add(ConvLSTMPeephole(..))`: the cell over every time step, returning
/// every step's hidden output.
///
/// # Shapes
/// - input: `[batch, time, inputSize, H, W]` or `[time, inputSize, H, W]` (3-D cell: `D, H, W`)
/// - output: `[batch, time, outputSize, oH, oW]` (or without batch; `oH = ceil(H / stride)` with
///   SAME padding)
/// - parameters: the cell's (see [`ConvCell`] and `docs/recurrent.md`)
/// - hidden state: one `[batch, 2·outputSize·oH·oW]`: per sample `h [outputSize, oH, oW]` then
///   `c` (same shape)
#[derive(Debug, Clone)]
pub struct ConvRecurrent<T> {
    seq: ConvSequence<T>,
    init_state: Option<Vec<T>>,
    final_state: Vec<T>,
    out: Vec<T>,
}

impl<T: Element> ConvRecurrent<T> {
    pub fn new(cell: ConvCell) -> Self {
        ConvRecurrent {
            seq: ConvSequence::new(cell),
            init_state: None,
            final_state: Vec::new(),
            out: Vec::new(),
        }
    }
}

impl<T: Element> HiddenState<T> for ConvRecurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        vec![self.final_state.clone()]
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        match states {
            None => self.init_state = None,
            Some(mut v) if v.len() == 1 && !v[0].is_empty() => self.init_state = v.pop(),
            Some(v) => {
                return Err(Error::invalid(
                    "Recurrent",
                    format!(
                        "{} hidden states given for 1 cell ({}), or an empty one",
                        v.len(),
                        self.seq.cell.describe()
                    ),
                ))
            }
        }
        Ok(())
    }

    /// `2·outputSize·oH·oW` of the last forward (the size depends on the input; 0 before).
    fn state_sizes(&self) -> Vec<usize> {
        let d = self.seq.dims;
        vec![2 * self.seq.cell.output_size * d.positions]
    }

    fn state_image_shape(&self) -> Vec<usize> {
        let mut shape = vec![self.seq.cell.output_size];
        shape.extend(self.seq.out_dims());
        if self.final_state.is_empty() {
            Vec::new()
        } else {
            shape
        }
    }
}

impl<T: Element> Module<T> for ConvRecurrent<T> {
    fn describe(&self) -> String {
        format!("Recurrent({})", self.seq.cell.describe())
    }

    fn num_params(&self) -> usize {
        self.seq.cell.num_params()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.seq.cell.init_params(params, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.seq.cell.add_regularization(params, grad_params, scale);
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let cell = &self.seq.cell;
        let shape = input.shape();
        let d = cell.dims;
        let (batch, time, batched, image) = match shape.len() {
            n if n == d + 3 => (shape[0], shape[1], true, &shape[2..]),
            n if n == d + 2 => (1, shape[0], false, &shape[1..]),
            _ => return Err(Error::shape(&name, cell.expected_input(), shape)),
        };
        if batch == 0 || time == 0 {
            return Err(Error::shape(
                &name,
                format!(
                    "{} with at least one sample and one step",
                    cell.expected_input()
                ),
                shape,
            ));
        }
        let unfolds = cell.unfolds(&name, image, shape)?;
        let state = batch * 2 * cell.output_size * unfolds.0.out_len();
        if let Some(init) = &self.init_state {
            if init.len() != state {
                return Err(Error::shape(
                    &format!("{name} (hidden state)"),
                    format!("[{batch}, {}] for this batch and image size", state / batch),
                    &[init.len()],
                ));
            }
        }
        let mut out_shape = if batched { vec![batch] } else { vec![] };
        out_shape.extend([time, cell.output_size]);
        out_shape.extend(unfolds.0.out_dims());
        self.seq.forward(
            params,
            &flat(input),
            (batch, time),
            unfolds,
            self.init_state.as_deref(),
            (&mut self.out, &mut self.final_state),
        )?;
        from_vec(&name, &out_shape, self.out.clone())
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
        self.seq
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
        self.seq
            .backward(params, grad_params, &flat(input), &flat(grad_output), None)
    }
}
