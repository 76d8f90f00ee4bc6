//! Regularisers (BigDL's `wRegularizer` and `bRegularizer`): L1, L2 and L1L2 penalties added to
//! a layer's parameter gradients during training.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// The penalty `l1·|w| + l2/2·w²`, whose gradient `l1·sign(w) + l2·w` is added to the gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Regularizer {
    pub l1: f64,
    pub l2: f64,
}

impl Regularizer {
    /// A regulariser; both coefficients finite and >= 0.
    pub fn new(l1: f64, l2: f64) -> Result<Regularizer> {
        if !(l1.is_finite() && l2.is_finite() && l1 >= 0.0 && l2 >= 0.0) {
            return Err(Error::invalid(
                "Regularizer",
                format!("l1 {l1} and l2 {l2} must be finite and >= 0"),
            ));
        }
        Ok(Regularizer { l1, l2 })
    }

    fn add<T: Element>(&self, params: &[T], grads: &mut [T], scale: f64) {
        let (l1, l2) = (T::lit(self.l1 * scale), T::lit(self.l2 * scale));
        for (g, &w) in grads.iter_mut().zip(params) {
            let sign = if w > T::zero() {
                T::one()
            } else if w < T::zero() {
                -T::one()
            } else {
                T::zero()
            };
            *g += l1 * sign + l2 * w;
        }
    }
}

/// A layer whose weight (the first `weight_len` parameters) and/or bias (the rest) are regularised.
pub struct Regularized<T: Element> {
    inner: Box<dyn Module<T>>,
    weight_len: usize,
    weight: Option<Regularizer>,
    bias: Option<Regularizer>,
}

impl<T: Element> Regularized<T> {
    /// Wraps `inner`.
    pub fn new(
        inner: Box<dyn Module<T>>,
        weight_len: usize,
        weight: Option<Regularizer>,
        bias: Option<Regularizer>,
    ) -> Result<Self> {
        if weight_len > inner.num_params() {
            return Err(Error::invalid(
                &inner.describe(),
                "regularisation does not fit the parameters",
            ));
        }
        Ok(Regularized {
            inner,
            weight_len,
            weight,
            bias,
        })
    }
}

impl<T: Element> Module<T> for Regularized<T> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn num_params(&self) -> usize {
        self.inner.num_params()
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.inner.init_params(params, rng)
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
    fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64) {
        let (w, b) = params.split_at(self.weight_len);
        let (gw, gb) = grads.split_at_mut(self.weight_len);
        if let Some(r) = &self.weight {
            r.add(w, gw, scale);
        }
        if let Some(r) = &self.bias {
            r.add(b, gb, scale);
        }
        self.inner.add_regularization(params, grads, scale);
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
    fn set_training(&mut self, training: bool) {
        self.inner.set_training(training)
    }
}
