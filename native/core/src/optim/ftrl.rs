//! FTRL-Proximal (McMahan et al., "Ad click prediction: a view from the trenches"), as BigDL's
//! `Ftrl`.

use super::state::OptimState;
use crate::error::{Error, Result};

/// BigDL's `Ftrl(learningRate = 1e-3, learningRatePower = -0.5, initialAccumulatorValue = 0.1,
/// l1RegularizationStrength = 0, l2RegularizationStrength = 0,
/// l2ShrinkageRegularizationStrength = 0)`; the learning rate comes from the method (and its
/// schedule). With `p = -learningRatePower`, per weight:
///
/// ```text
/// g'      = g + 2·l2Shrinkage·w                  (g when l2Shrinkage is 0)
/// accum'  = accum + g'²
/// linear += g' + (accum^p - accum'^p) / lr · w
/// quad    = accum'^p / lr + 2·l2
/// w       = (sign(linear)·l1 - linear) / quad     if |linear| > l1, else 0
/// ```
///
/// The state holds `accum` (starting at `initialAccumulatorValue`) and `linear` (at 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Ftrl {
    pub learning_rate_power: f64,
    pub initial_accumulator_value: f64,
    pub l1: f64,
    pub l2: f64,
    pub l2_shrinkage: f64,
}

impl Ftrl {
    /// Checks the hyper-parameters (BigDL's requirements).
    pub fn validated(self) -> Result<Ftrl> {
        let all = [
            self.learning_rate_power,
            self.initial_accumulator_value,
            self.l1,
            self.l2,
            self.l2_shrinkage,
        ];
        if all.iter().any(|x| !x.is_finite())
            || self.learning_rate_power > 0.0
            || self.initial_accumulator_value < 0.0
            || self.l1 < 0.0
            || self.l2 < 0.0
            || self.l2_shrinkage < 0.0
        {
            return Err(Error::invalid(
                "Ftrl",
                format!(
                    "learningRatePower must be <= 0 and the accumulator and regularisation \
                     strengths >= 0: {self:?}"
                ),
            ));
        }
        Ok(self)
    }

    /// One step at learning rate `lr`: updates `weights` in place, returns the next state.
    pub fn step(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        lr: f64,
        mut state: OptimState,
    ) -> Result<OptimState> {
        let n = weights.len();
        if grads.len() != n {
            return Err(Error::BufferSize {
                op: "Ftrl".into(),
                what: "gradient".into(),
                expected: n,
                actual: grads.len(),
            });
        }
        if lr <= 0.0 {
            return Err(Error::invalid(
                "Ftrl",
                format!("the learning rate must be > 0, got {lr}"),
            ));
        }
        if state.buffers.is_empty() {
            state.buffers = vec![vec![self.initial_accumulator_value as f32; n], vec![0.0; n]];
        }
        if state.buffers.len() != 2 || state.buffers.iter().any(|b| b.len() != n) {
            return Err(Error::invalid(
                "Ftrl",
                format!("state does not fit {n} parameters"),
            ));
        }
        let (a, rest) = state.buffers.split_at_mut(1);
        let (accum, linear) = (&mut a[0], &mut rest[0]);
        let f = |x: f64| x as f32;
        let (p, inv_lr, l1, two_l2, two_shrink) = (
            f(-self.learning_rate_power),
            f(1.0 / lr),
            f(self.l1),
            f(2.0 * self.l2),
            f(2.0 * self.l2_shrinkage),
        );
        for i in 0..n {
            let w = weights[i];
            let g = if self.l2_shrinkage > 0.0 {
                grads[i] + two_shrink * w
            } else {
                grads[i]
            };
            let old = accum[i].powf(p);
            accum[i] += g * g;
            let new = accum[i].powf(p);
            linear[i] += g + inv_lr * old * w - inv_lr * new * w;
            let quadratic = two_l2 + inv_lr * new;
            let l = linear[i];
            weights[i] = if l.abs() > l1 {
                (l1 * l.signum() - l) / quadratic
            } else {
                0.0
            };
        }
        state.step += 1;
        Ok(state)
    }
}
