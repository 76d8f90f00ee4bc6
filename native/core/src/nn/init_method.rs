//! Initialisation methods (BigDL's `setInitMethod(weightInitMethod, biasInitMethod)`), and the
//! wrapper that applies them to a layer in place of its default initialisation.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// How a parameter tensor is filled.
#[derive(Debug, Clone, PartialEq)]
pub enum InitMethod {
    Zeros,
    Ones,
    /// `ConstInitMethod(value)`.
    Const(f64),
    /// `RandomUniform(lower, upper)`; without bounds, `±1/√fanIn`.
    RandomUniform(Option<(f64, f64)>),
    /// `RandomNormal(mean, stdv)`.
    RandomNormal(f64, f64),
    /// `Xavier`: uniform in `±√(6 / (fanIn + fanOut))`.
    Xavier,
    /// `MsraFiller(varianceNormAverage = true)`: normal with `σ = √(2 / n)`, `n` the mean of the
    /// fans (or fanIn).
    Msra {
        variance_norm_average: bool,
    },
}

impl InitMethod {
    fn fill<T: Element>(&self, out: &mut [T], fan_in: usize, fan_out: usize, rng: &mut Rng) {
        let (fi, fo) = (fan_in.max(1) as f64, fan_out.max(1) as f64);
        for p in out.iter_mut() {
            let v = match *self {
                InitMethod::Zeros => 0.0,
                InitMethod::Ones => 1.0,
                InitMethod::Const(c) => c,
                InitMethod::RandomUniform(Some((lo, hi))) => rng.uniform(lo, hi),
                InitMethod::RandomUniform(None) => rng.uniform(-1.0 / fi.sqrt(), 1.0 / fi.sqrt()),
                InitMethod::RandomNormal(mean, std) => mean + std * rng.normal(),
                InitMethod::Xavier => {
                    let b = (6.0 / (fi + fo)).sqrt();
                    rng.uniform(-b, b)
                }
                InitMethod::Msra {
                    variance_norm_average,
                } => {
                    let n = if variance_norm_average {
                        (fi + fo) / 2.0
                    } else {
                        fi
                    };
                    (2.0 / n).sqrt() * rng.normal()
                }
            };
            *p = T::lit(v);
        }
    }
}

/// The fan-in, fan-out and weight length of a layer with a weight (the bias follows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fans {
    pub fan_in: usize,
    pub fan_out: usize,
    pub weight_len: usize,
}

/// A layer whose weight and/or bias are initialised by the given methods.
pub struct Initialized<T: Element> {
    inner: Box<dyn Module<T>>,
    fans: Fans,
    weight: Option<InitMethod>,
    bias: Option<InitMethod>,
}

impl<T: Element> Initialized<T> {
    /// Wraps `inner`, whose parameters are `fans.weight_len` weights followed by the bias.
    pub fn new(
        inner: Box<dyn Module<T>>,
        fans: Fans,
        weight: Option<InitMethod>,
        bias: Option<InitMethod>,
    ) -> Result<Self> {
        if fans.weight_len > inner.num_params() {
            return Err(Error::invalid(
                &inner.describe(),
                "initialisation does not fit the parameters",
            ));
        }
        Ok(Initialized {
            inner,
            fans,
            weight,
            bias,
        })
    }
}

impl<T: Element> Module<T> for Initialized<T> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn num_params(&self) -> usize {
        self.inner.num_params()
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.inner.init_params(params, rng);
        let (w, b) = params.split_at_mut(self.fans.weight_len);
        if let Some(m) = &self.weight {
            m.fill(w, self.fans.fan_in, self.fans.fan_out, rng);
        }
        if let Some(m) = &self.bias {
            m.fill(b, self.fans.fan_in, self.fans.fan_out, rng);
        }
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
        self.inner.add_regularization(params, grads, scale)
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
