//! Regularisers (BigDL's `wRegularizer` and `bRegularizer`): L1, L2 and L1L2 penalties whose
//! gradients are added to a layer's parameter gradients during training.

use crate::element::Element;
use crate::error::{Error, Result};

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

    /// Adds `scale` times the penalty's gradient at `params` to `grads`.
    pub fn add<T: Element>(&self, params: &[T], grads: &mut [T], scale: f64) {
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
