//! RecurrentDecoder: BigDL's container that feeds each step's output back as the next step's
//! input, starting from the user's input at step 0.

use super::cell::Cell;
use super::hidden_state::HiddenState;
use super::sequence::fit;
use super::stack::Stack;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `RecurrentDecoder(outputLength).add(cell)`: `x_0` is the input, `x_t = y_{t-1}`, and
/// the output is every step's hidden output. The cell (the top one of a `MultiRNNCell`) must
/// give as many features as the first cell takes.
///
/// Every step runs the cells once over a one-step sequence, with its own buffers, starting from
/// the previous step's state; backward walks the steps in reverse, handing each step the
/// gradient on its output from the next step's input and on its final state from the next
/// step's initial state.
///
/// # Shapes
/// - input: `[batch, input_size]` or `[input_size]` (one step)
/// - output: `[batch, outputLength, hidden_size]` or `[outputLength, hidden_size]`
/// - parameters: the cells', in order (see `docs/recurrent.md`)
/// - hidden state: per cell `[batch, state_size]`, as for `Recurrent`
#[derive(Debug, Clone)]
pub struct RecurrentDecoder<T> {
    proto: Stack<T>,
    steps: Vec<Stack<T>>,
    length: usize,
    init: Option<Vec<Vec<T>>>,
    training: bool,
    seed: u64,
    batch: usize,
    gy: Vec<T>,
    gx: [Vec<T>; 2],
}

impl<T: Element> RecurrentDecoder<T> {
    /// A decoder of `output_length` steps over `cells` (several: a `MultiRNNCell`).
    pub fn new(cells: Vec<Cell>, output_length: usize) -> Result<Self> {
        let proto = Stack::new(cells, false)?;
        if output_length == 0 || proto.hidden_size() != proto.input_size() {
            return Err(Error::invalid(
                "RecurrentDecoder",
                format!(
                    "needs outputLength > 0 (got {output_length}) and a cell whose output \
                     feeds its input: {} gives {} features, takes {}",
                    proto.describe(),
                    proto.hidden_size(),
                    proto.input_size()
                ),
            ));
        }
        Ok(RecurrentDecoder {
            steps: vec![proto.clone(); output_length],
            proto,
            length: output_length,
            init: None,
            training: true,
            seed: 0,
            batch: 0,
            gy: Vec::new(),
            gx: [Vec::new(), Vec::new()],
        })
    }
}

impl<T: Element> HiddenState<T> for RecurrentDecoder<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        self.steps
            .last()
            .map_or_else(Vec::new, |s| s.hidden_state())
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        self.proto
            .set_hidden_state("RecurrentDecoder", states.clone())?;
        self.init = states;
        Ok(())
    }

    fn state_sizes(&self) -> Vec<usize> {
        self.proto.state_sizes()
    }
}

impl<T: Element> Module<T> for RecurrentDecoder<T> {
    fn describe(&self) -> String {
        format!(
            "RecurrentDecoder({}, outputLength={})",
            self.proto.describe(),
            self.length
        )
    }

    fn num_params(&self) -> usize {
        self.proto.num_params()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        self.proto.param_tensors()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.proto.init_params(params, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.proto.add_regularization(params, grad_params, scale);
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
        self.steps.iter_mut().for_each(|s| s.set_training(training));
    }

    fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        let mut rng = Rng::new(seed);
        self.steps.iter_mut().for_each(|s| s.reseed(rng.next_u64()));
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (i, h) = (self.proto.input_size(), self.proto.hidden_size());
        let (batch, batched) = match *input.shape() {
            [b, f] if f == i && b > 0 => (b, true),
            [f] if f == i => (1, false),
            _ => {
                return Err(Error::shape(
                    &name,
                    format!("[batch, {i}] or [{i}] (one step)"),
                    input.shape(),
                ))
            }
        };
        self.batch = batch;
        let x = flat(input);
        let mut y = vec![T::zero(); batch * self.length * h];
        for t in 0..self.length {
            let (done, rest) = self.steps.split_at_mut(t);
            let step = &mut rest[0];
            for (l, layer) in step.layers.iter_mut().enumerate() {
                let state = match done.last() {
                    Some(prev) => Some(prev.layers[l].final_state().to_vec()),
                    None => self.init.as_ref().map(|v| v[l].clone()),
                };
                layer.set_initial_state(state);
            }
            let xt: &[T] = match done.last() {
                Some(prev) => prev.outs.last().map_or(&[], |v| v.as_slice()),
                None => &x,
            };
            let yt = step.forward(params, xt, (batch, 1), &[])?;
            for b in 0..batch {
                y[(b * self.length + t) * h..][..h].copy_from_slice(&yt[b * h..][..h]);
            }
        }
        let shape = if batched {
            vec![batch, self.length, h]
        } else {
            vec![self.length, h]
        };
        from_vec(&name, &shape, y)
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
        let (batch, h, n) = (self.batch, self.proto.hidden_size(), self.length);
        let x = flat(input);
        if x.len() != batch * h {
            return Err(Error::state(
                &name,
                "backward must follow a forward on the same input",
            ));
        }
        let gy = flat(grad_output);
        fit(&mut self.gy, batch * h);
        let [mut next, mut cur] = std::mem::take(&mut self.gx);
        fit(&mut next, batch * h);
        fit(&mut cur, batch * h);
        for t in (0..n).rev() {
            for b in 0..batch {
                let src = &gy[(b * n + t) * h..][..h];
                let dst = &mut self.gy[b * h..][..h];
                if t + 1 == n {
                    dst.copy_from_slice(src);
                } else {
                    let carried = &next[b * h..][..h];
                    dst.iter_mut()
                        .zip(src.iter().zip(carried))
                        .for_each(|(d, (g, c))| *d = *g + *c);
                }
            }
            for l in 0..self.proto.layers.len() {
                if t + 1 == n {
                    self.steps[t].layers[l].set_final_grad(&[]);
                } else {
                    let (a, b) = self.steps.split_at_mut(t + 1);
                    a[t].layers[l].set_final_grad(b[0].layers[l].initial_grad());
                }
            }
            let (done, rest) = self.steps.split_at_mut(t);
            let xt: &[T] = match done.last() {
                Some(prev) => prev.outs.last().map_or(&[], |v| v.as_slice()),
                None => &x,
            };
            let r = rest[0].backward(params, grad_params, xt, &self.gy, Some(&mut cur));
            if let Err(e) = r {
                self.gx = [next, cur];
                return Err(e);
            }
            std::mem::swap(&mut next, &mut cur);
        }
        let gx = next.clone();
        self.gx = [next, cur];
        from_vec(&name, input.shape(), gx)
    }
}
