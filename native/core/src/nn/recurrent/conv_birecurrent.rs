//! `BiRecurrent().add(ConvLSTMPeephole(..))`: convolutional LSTM cells run forwards and a copy
//! run backwards in time over an image sequence, merged.

use super::bidirectional::{merge_outputs, Merge, Pair};
use super::conv_cell::ConvCell;
use super::conv_stack::ConvStack;
use super::hidden_state::HiddenState;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `BiRecurrent(merge).add(ConvLSTMPeephole(..))` (or a `MultiRNNCell` of them): the
/// cells over the sequence and an independent copy (own parameters) over the reversed sequence,
/// merged by sum (`CAddTable`) or by joining the channels (`JoinTable`).
///
/// # Shapes
/// - input: `[batch, time, inputSize, (D,) H, W]` or without batch
/// - output: `[batch, time, outputSize, (oD,) oH, oW]` (`Add`) or `[batch, time, 2·outputSize,
///   ..]` (`Join`: the forward direction's channels, then the backward one's)
/// - parameters: the forward cells', then the backward cells'
/// - hidden state: the forward cells' states, then the backward cells' (whose last step is the
///   sequence's first)
#[derive(Debug, Clone)]
pub struct ConvBiRecurrent<T> {
    pair: Pair<ConvStack<T>, T>,
}

impl<T: Element> ConvBiRecurrent<T> {
    pub fn new(cells: Vec<ConvCell>, merge: Merge) -> Result<Self> {
        Ok(ConvBiRecurrent {
            pair: Pair::new(
                ConvStack::new(cells.clone(), false)?,
                ConvStack::new(cells, true)?,
                merge,
            ),
        })
    }

    /// The axis of `shape` (an input or output) after `[batch,] time`: the channels.
    fn channel_axis(&self, shape: &[usize]) -> usize {
        let batched = shape.len() == self.pair.fwd.seqs[0].cell.dims + 3;
        if batched {
            2
        } else {
            1
        }
    }

    /// Backward for the last forward on `x` whose output had `output`'s shape.
    fn run_backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        (x, output): (&[T], &[usize]),
        gy: &[T],
        gx: Option<&mut [T]>,
    ) -> Result<()> {
        let steps: usize = output[..self.channel_axis(output)].iter().product();
        let row = gy.len()
            / steps.max(1)
            / match self.pair.merge {
                Merge::Add => 1,
                Merge::Join => 2,
            };
        self.pair.backward(params, grad_params, (x, gy, row), gx)
    }
}

impl<T: Element> HiddenState<T> for ConvBiRecurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        let mut v = self.pair.fwd.hidden_state();
        v.extend(self.pair.bwd.hidden_state());
        v
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        let Some(mut v) = states else {
            self.pair.fwd.set_hidden_state(None)?;
            return self.pair.bwd.set_hidden_state(None);
        };
        let n = self.pair.fwd.seqs.len();
        if v.len() != 2 * n {
            return Err(Error::invalid(
                "BiRecurrent",
                format!("{} hidden states given for 2 x {n} cells", v.len()),
            ));
        }
        let back = v.split_off(n);
        self.pair.fwd.set_hidden_state(Some(v))?;
        self.pair.bwd.set_hidden_state(Some(back))
    }

    fn state_sizes(&self) -> Vec<usize> {
        let mut v = self.pair.fwd.state_sizes();
        v.extend(self.pair.bwd.state_sizes());
        v
    }

    fn state_image_shape(&self) -> Vec<usize> {
        let mut v = self.pair.fwd.state_image_shapes();
        v.extend(self.pair.bwd.state_image_shapes());
        v
    }
}

impl<T: Element> Module<T> for ConvBiRecurrent<T> {
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

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.pair.init_params(params, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.pair.add_regularization(params, grad_params, scale);
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let x = flat(input);
        let pf = self.pair.fwd.num_params();
        let c = self.channel_axis(input.shape());
        let Pair {
            fwd, bwd, merge, ..
        } = &mut self.pair;
        let (mut shape, yf) = fwd.forward(&name, &params[..pf], &x, input.shape())?;
        let (_, yb) = bwd.forward(&name, &params[pf..], &x, input.shape())?;
        let row = yf.len() / shape[..c].iter().product::<usize>().max(1);
        let out = merge_outputs(*merge, yf, yb, row);
        if *merge == Merge::Join {
            shape[c] *= 2;
        }
        from_vec(&name, &shape, out)
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
        self.run_backward(
            params,
            grad_params,
            (&x, output.shape()),
            &flat(grad_output),
            Some(&mut gx),
        )?;
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
        self.run_backward(
            params,
            grad_params,
            (&flat(input), output.shape()),
            &flat(grad_output),
            None,
        )
    }
}
