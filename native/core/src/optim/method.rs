//! An optimisation method as the driver runs it: the update rule, the learning-rate schedule
//! and gradient clipping, applied to the aggregated gradient in one call.

use super::adaptive::Adaptive;
use super::schedule::Schedule;
use super::sgd::Sgd;
use super::state::OptimState;
use crate::error::{Error, Result};

/// The update rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Sgd(Sgd),
    Adaptive(Adaptive),
}

/// Gradient clipping, applied before the update (both may be set, constant first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clipping {
    /// Clamp every gradient element to `[min, max]`.
    pub constant: Option<(f64, f64)>,
    /// Scale the gradient down so that its L2 norm is at most this.
    pub l2_norm: Option<f64>,
}

impl Clipping {
    /// Clips `grads` in place.
    pub fn apply(&self, grads: &mut [f32]) {
        if let Some((lo, hi)) = self.constant {
            let (lo, hi) = (lo as f32, hi as f32);
            grads.iter_mut().for_each(|g| *g = g.clamp(lo, hi));
        }
        if let Some(max) = self.l2_norm {
            let norm = grads
                .iter()
                .map(|g| (*g as f64) * (*g as f64))
                .sum::<f64>()
                .sqrt();
            if norm > max {
                let scale = (max / norm) as f32;
                grads.iter_mut().for_each(|g| *g *= scale);
            }
        }
    }
}

/// A complete optimisation method.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimMethod {
    pub rule: Rule,
    pub learning_rate: f64,
    pub schedule: Schedule,
    pub clipping: Clipping,
}

impl OptimMethod {
    /// Checks every part.
    pub fn validated(self) -> Result<OptimMethod> {
        if !self.learning_rate.is_finite() || self.learning_rate < 0.0 {
            return Err(Error::invalid(
                "optim method",
                format!(
                    "learningRate must be finite and >= 0, got {}",
                    self.learning_rate
                ),
            ));
        }
        if let Some((lo, hi)) = self.clipping.constant {
            if lo.is_nan() || hi.is_nan() || lo > hi {
                return Err(Error::invalid(
                    "gradient clipping",
                    format!("min {lo} must be <= max {hi}"),
                ));
            }
        }
        if matches!(self.clipping.l2_norm, Some(n) if n.is_nan() || n <= 0.0) {
            return Err(Error::invalid(
                "gradient clipping",
                "the L2 norm bound must be > 0",
            ));
        }
        let rule = match self.rule {
            Rule::Sgd(s) => Rule::Sgd(s.validated()?),
            Rule::Adaptive(a) => Rule::Adaptive(a.validated()?),
        };
        Ok(OptimMethod {
            rule,
            schedule: self.schedule.validated()?,
            ..self
        })
    }

    /// The learning rate the next step uses, in epoch `epoch` (1-based).
    pub fn current_rate(&self, state: &OptimState, epoch: u64) -> f64 {
        self.schedule.rate(self.learning_rate, state.step, epoch)
    }

    /// Clips `grads` in place, then updates `weights` in place; returns the next state.
    pub fn step(
        &self,
        weights: &mut [f32],
        grads: &mut [f32],
        epoch: u64,
        state: OptimState,
    ) -> Result<OptimState> {
        self.clipping.apply(grads);
        let lr = self.current_rate(&state, epoch);
        match &self.rule {
            Rule::Sgd(s) => s.step_at(weights, grads, lr, state),
            Rule::Adaptive(a) => a.step(weights, grads, lr, state),
        }
    }
}
