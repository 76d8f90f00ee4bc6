//! Dropout: zeroes random elements while training, with BigDL's scale-at-train convention.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `Dropout(initP = 0.5, inplace = false, scale = true)`.
///
/// Training: each element is kept with probability `1 - p`, and kept elements are divided by
/// `1 - p` when `scale` (so evaluation is the identity). Evaluation: the identity when `scale`,
/// else `x·(1 - p)`. The mask of the last forward pass is kept for backward. The random stream
/// is seeded by [`Module::reseed`], so training is reproducible.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone)]
pub struct Dropout {
    p: f64,
    scale: bool,
    training: bool,
    rng: Rng,
    mask: Vec<bool>,
}

impl Dropout {
    /// Dropout with drop probability `p` in `[0, 1)`.
    pub fn new(p: f64, scale: bool) -> Result<Dropout> {
        if !(0.0..1.0).contains(&p) {
            return Err(Error::invalid(
                "Dropout",
                format!("initP must be in [0, 1), got {p}"),
            ));
        }
        Ok(Dropout {
            p,
            scale,
            training: true,
            rng: Rng::new(0x5eed),
            mask: Vec::new(),
        })
    }

    fn keep_value<T: Element>(&self) -> T {
        if self.scale {
            T::lit(1.0 / (1.0 - self.p))
        } else {
            T::one()
        }
    }
}

impl<T: Element> Module<T> for Dropout {
    fn describe(&self) -> String {
        format!("Dropout({})", self.p)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        if !self.training {
            self.mask.clear();
            let factor = if self.scale {
                T::one()
            } else {
                T::lit(1.0 - self.p)
            };
            return Ok(input.mapv(|x| x * factor));
        }
        let keep = 1.0 - self.p;
        self.mask = (0..input.len())
            .map(|_| self.rng.next_f64() < keep)
            .collect();
        let k: T = self.keep_value();
        let mut out = input.as_standard_layout().into_owned();
        for (x, &m) in out.iter_mut().zip(&self.mask) {
            *x = if m { *x * k } else { T::zero() };
        }
        Ok(out)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("Dropout", "gradOutput", output.shape(), grad_output)?;
        if !self.training {
            let factor = if self.scale {
                T::one()
            } else {
                T::lit(1.0 - self.p)
            };
            return Ok(grad_output.mapv(|g| g * factor));
        }
        if self.mask.len() != grad_output.len() {
            return Err(Error::state(
                "Dropout",
                "backward called before a training forward pass",
            ));
        }
        let k: T = self.keep_value();
        let mut gx = grad_output.as_standard_layout().into_owned();
        for (g, &m) in gx.iter_mut().zip(&self.mask) {
            *g = if m { *g * k } else { T::zero() };
        }
        Ok(gx)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
    }
}
