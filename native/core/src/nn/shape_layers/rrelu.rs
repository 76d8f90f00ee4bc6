//! RReLU: a leaky ReLU whose negative slope is random while training.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `RReLU(lower = 1/8, upper = 1/3, inplace = false)`.
///
/// Training: `y = x` for `x > 0`, else `a·x` with `a` drawn uniformly in `[lower, upper)` per
/// element (the slopes of the last forward pass are kept for backward). Evaluation: the slope is
/// the mean `(lower + upper) / 2`. The random stream is seeded by [`Module::reseed`], as
/// Dropout's is.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone)]
pub struct RReLU {
    lower: f64,
    upper: f64,
    training: bool,
    rng: Rng,
    slopes: Vec<f64>,
}

impl RReLU {
    /// Validates `0 <= lower <= upper`.
    pub fn new(lower: f64, upper: f64) -> Result<RReLU> {
        if !(lower >= 0.0 && lower <= upper && upper.is_finite()) {
            return Err(Error::invalid(
                "RReLU",
                format!("need 0 <= lower <= upper, got {lower} and {upper}"),
            ));
        }
        Ok(RReLU {
            lower,
            upper,
            training: true,
            rng: Rng::new(0x5eed),
            slopes: Vec::new(),
        })
    }

    fn eval_slope(&self) -> f64 {
        (self.lower + self.upper) / 2.0
    }
}

impl<T: Element> Module<T> for RReLU {
    fn describe(&self) -> String {
        format!("RReLU({}, {})", self.lower, self.upper)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let x = input.as_standard_layout();
        if !self.training {
            self.slopes.clear();
            let a = T::lit(self.eval_slope());
            return Ok(x.mapv(|v| if v > T::zero() { v } else { v * a }));
        }
        let (lo, hi) = (self.lower, self.upper);
        let rng = &mut self.rng;
        self.slopes = x
            .iter()
            .map(|v| {
                if *v > T::zero() {
                    1.0
                } else {
                    rng.uniform(lo, hi)
                }
            })
            .collect();
        let mut y = x.into_owned();
        for (v, a) in y.iter_mut().zip(&self.slopes) {
            *v *= T::lit(*a);
        }
        Ok(y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("RReLU", "gradOutput", output.shape(), grad_output)?;
        let mut g = grad_output.as_standard_layout().into_owned();
        if !self.training {
            let a = T::lit(self.eval_slope());
            let x = input.as_standard_layout();
            for (gv, xv) in g.iter_mut().zip(x.iter()) {
                if *xv <= T::zero() {
                    *gv *= a;
                }
            }
            return Ok(g);
        }
        if self.slopes.len() != g.len() {
            return Err(Error::state(
                "RReLU",
                "backward called before a training forward pass",
            ));
        }
        for (gv, a) in g.iter_mut().zip(&self.slopes) {
            *gv *= T::lit(*a);
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
