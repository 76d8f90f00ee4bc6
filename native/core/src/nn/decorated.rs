//! A layer with its per-layer options: initialisation methods and regularisers for its weight
//! (the first `weight_len` parameters) and its bias (the rest).

use super::init_method::{Fans, InitMethod};
use super::regularizer::Regularizer;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// The options of one parameter tensor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamOptions {
    pub init: Option<InitMethod>,
    pub regularizer: Option<Regularizer>,
}

/// `inner` with options for its weight and bias; everything else is delegated.
pub struct Decorated<T: Element> {
    inner: Box<dyn Module<T>>,
    fans: Fans,
    weight: ParamOptions,
    bias: ParamOptions,
}

impl<T: Element> Decorated<T> {
    /// Wraps `inner`, whose parameters are `fans.weight_len` weights followed by the bias.
    pub fn new(
        inner: Box<dyn Module<T>>,
        fans: Fans,
        weight: ParamOptions,
        bias: ParamOptions,
    ) -> Result<Self> {
        if fans.weight_len > inner.num_params() {
            return Err(Error::invalid(
                &inner.describe(),
                "the options do not fit the parameters",
            ));
        }
        Ok(Decorated {
            inner,
            fans,
            weight,
            bias,
        })
    }
}

impl<T: Element> Module<T> for Decorated<T> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn num_params(&self) -> usize {
        self.inner.num_params()
    }
    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        self.inner.param_tensors()
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.inner.init_params(params, rng);
        let (w, b) = params.split_at_mut(self.fans.weight_len);
        let (fan_in, fan_out) = (self.fans.fan_in, self.fans.fan_out);
        if let Some(m) = &self.weight.init {
            m.fill(w, fan_in, fan_out, rng);
        }
        if let Some(m) = &self.bias.init {
            m.fill(b, fan_in, fan_out, rng);
        }
    }
    fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64) {
        let (w, b) = params.split_at(self.fans.weight_len);
        let (gw, gb) = grads.split_at_mut(self.fans.weight_len);
        if let Some(r) = &self.weight.regularizer {
            r.add(w, gw, scale);
        }
        if let Some(r) = &self.bias.regularizer {
            r.add(b, gb, scale);
        }
        self.inner.add_regularization(params, grads, scale);
    }
    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        self.inner.forward(params, input)
    }
    fn backward(
        &mut self,
        p: &[T],
        gp: &mut [T],
        x: &Tensor<T>,
        y: &Tensor<T>,
        gy: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        self.inner.backward(p, gp, x, y, gy)
    }
    fn backward_params(
        &mut self,
        p: &[T],
        gp: &mut [T],
        x: &Tensor<T>,
        y: &Tensor<T>,
        gy: &Tensor<T>,
    ) -> Result<()> {
        self.inner.backward_params(p, gp, x, y, gy)
    }
    fn num_buffers(&self) -> usize {
        self.inner.num_buffers()
    }
    fn read_buffers(&self, out: &mut [T]) {
        self.inner.read_buffers(out)
    }
    fn write_buffers(&mut self, src: &[T]) {
        self.inner.write_buffers(src)
    }
    fn reseed(&mut self, seed: u64) {
        self.inner.reseed(seed)
    }

    fn hidden_state_at(
        &mut self,
        path: &[usize],
    ) -> Option<&mut dyn crate::nn::recurrent::HiddenState<T>> {
        self.inner.hidden_state_at(path)
    }
    fn set_training(&mut self, training: bool) {
        self.inner.set_training(training)
    }
}
