//! GaussianDropout and GaussianNoise: Gaussian noise, multiplied or added, while training.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `GaussianDropout(rate)` (`multiplicative`) and `GaussianNoise(stddev)`.
///
/// Training: GaussianDropout computes `y = x ⊙ n` with `n ~ N(1, rate / (1 - rate))` per element
/// and GaussianNoise `y = x + stddev·n` with `n ~ N(0, 1)`. Evaluation: the identity. The noise of
/// the last forward pass is kept for backward (BigDL's GaussianDropout draws fresh noise in
/// backward; using the forward's noise gives the true gradient). The random stream is seeded by
/// [`Module::reseed`], as Dropout's is.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone)]
pub struct GaussianNoise {
    multiplicative: bool,
    /// GaussianDropout's rate or GaussianNoise's standard deviation.
    arg: f64,
    stddev: f64,
    training: bool,
    rng: Rng,
    noise: Vec<f64>,
}

impl GaussianNoise {
    /// `GaussianDropout(rate)`, `rate` in `[0, 1)`.
    pub fn dropout(rate: f64) -> Result<GaussianNoise> {
        if !(0.0..1.0).contains(&rate) {
            return Err(Error::invalid(
                "GaussianDropout",
                format!("rate must be in [0, 1), got {rate}"),
            ));
        }
        Ok(Self::make(true, rate, (rate / (1.0 - rate)).sqrt()))
    }

    /// `GaussianNoise(stddev)`, `stddev >= 0`.
    pub fn additive(stddev: f64) -> Result<GaussianNoise> {
        if !(stddev >= 0.0 && stddev.is_finite()) {
            return Err(Error::invalid(
                "GaussianNoise",
                format!("stddev must be finite and >= 0, got {stddev}"),
            ));
        }
        Ok(Self::make(false, stddev, stddev))
    }

    fn make(multiplicative: bool, arg: f64, stddev: f64) -> GaussianNoise {
        GaussianNoise {
            multiplicative,
            arg,
            stddev,
            training: true,
            rng: Rng::new(0x5eed),
            noise: Vec::new(),
        }
    }

    fn name(&self) -> &'static str {
        if self.multiplicative {
            "GaussianDropout"
        } else {
            "GaussianNoise"
        }
    }
}

impl<T: Element> Module<T> for GaussianNoise {
    fn describe(&self) -> String {
        format!("{}({})", self.name(), self.arg)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let mut y = input.as_standard_layout().into_owned();
        if !self.training {
            self.noise.clear();
            return Ok(y);
        }
        let (mean, sd) = (if self.multiplicative { 1.0 } else { 0.0 }, self.stddev);
        let rng = &mut self.rng;
        self.noise = (0..y.len()).map(|_| mean + sd * rng.normal()).collect();
        for (v, n) in y.iter_mut().zip(&self.noise) {
            *v = if self.multiplicative {
                *v * T::lit(*n)
            } else {
                *v + T::lit(*n)
            };
        }
        Ok(y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(self.name(), "gradOutput", output.shape(), grad_output)?;
        let mut g = grad_output.as_standard_layout().into_owned();
        if !self.training || !self.multiplicative {
            return Ok(g);
        }
        if self.noise.len() != g.len() {
            return Err(Error::state(
                self.name(),
                "backward called before a training forward pass",
            ));
        }
        for (v, n) in g.iter_mut().zip(&self.noise) {
            *v *= T::lit(*n);
        }
        Ok(g)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }
}
