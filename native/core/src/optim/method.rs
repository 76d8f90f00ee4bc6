//! An optimisation method as the driver runs it: the update rule, the learning-rate schedule
//! and gradient clipping, applied to the aggregated gradient in one call.

use super::adaptive::Adaptive;
use super::ftrl::Ftrl;
use super::lars::LarsSgd;
use super::lbfgs::Lbfgs;
use super::lbfgs_wolfe::LbfgsWolfe;
use super::schedule::{Clock, Next, Schedule};
use super::sgd::Sgd;
use super::state::OptimState;
use crate::error::{Error, Result};

/// The update rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Sgd(Sgd),
    Adaptive(Adaptive),
    Ftrl(Ftrl),
    LarsSgd(LarsSgd),
    Lbfgs(Lbfgs),
    /// L-BFGS with a line search: stepped by `begin_search`/`feed_search` (see `search_step`).
    LbfgsWolfe(LbfgsWolfe),
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
            Rule::Ftrl(f) => Rule::Ftrl(f.validated()?),
            Rule::LarsSgd(l) => Rule::LarsSgd(l.validated()?),
            Rule::Lbfgs(l) => Rule::Lbfgs(l.validated()?),
            Rule::LbfgsWolfe(l) => Rule::LbfgsWolfe(l.validated()?),
        };
        Ok(OptimMethod {
            rule,
            schedule: self.schedule.validated()?,
            ..self
        })
    }

    /// The schedule's state in `state`, or its initial state before the first step.
    fn schedule_state<'a>(&self, state: &'a OptimState) -> std::borrow::Cow<'a, [f64]> {
        if state.schedule.is_empty() {
            self.schedule.initial_state().into()
        } else {
            state.schedule.as_slice().into()
        }
    }

    /// What the schedule decides for the next step, in epoch `epoch` (1-based).
    pub(super) fn next(&self, state: &OptimState, epoch: u64) -> Result<Next> {
        self.schedule.next(
            self.learning_rate,
            Clock::new(state.step, epoch),
            &self.schedule_state(state),
        )
    }

    /// The learning rate the next step uses, in epoch `epoch` (1-based).
    pub fn current_rate(&self, state: &OptimState, epoch: u64) -> Result<f64> {
        Ok(self.next(state, epoch)?.rate)
    }

    /// Records the monitored value (validation score or training loss) for a `Plateau`
    /// schedule; without one, nothing happens.
    pub fn observe(&self, state: &mut OptimState, value: f64) -> Result<()> {
        if !self.schedule.has_plateau() {
            return Ok(());
        }
        let mut s = self.schedule_state(state).into_owned();
        if s.len() != self.schedule.state_len() {
            return Err(Error::state(
                "learning-rate schedule",
                "the saved state does not fit the schedule",
            ));
        }
        self.schedule.observe(value, &mut s);
        state.schedule = s;
        Ok(())
    }

    /// As [`OptimMethod::step`], on `state` in place; when the schedule cannot give a rate (a
    /// `Plateau` without its monitored value), nothing changes.
    pub fn step_in_place(
        &self,
        weights: &mut [f32],
        grads: &mut [f32],
        epoch: u64,
        state: &mut OptimState,
    ) -> Result<()> {
        self.next(state, epoch)?;
        let before = std::mem::take(state);
        *state = self.step(weights, grads, epoch, before)?;
        Ok(())
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
        let next = self.next(&state, epoch)?;
        let (lr, wd) = (next.rate, next.weight_decay);
        let mut state = match &self.rule {
            Rule::Sgd(s) => s.step_with(weights, grads, lr, wd, state),
            Rule::Adaptive(a) => a.step(weights, grads, lr, state),
            Rule::Ftrl(f) => f.step(weights, grads, lr, state),
            Rule::LarsSgd(l) => l.step(weights, grads, lr, wd, state),
            Rule::Lbfgs(l) => l.step(weights, grads, lr, state),
            Rule::LbfgsWolfe(_) => Err(Error::state(
                "LBFGS",
                "a line search evaluates the loss several times per step: drive it with \
                 begin_search and feed_search",
            )),
        }?;
        state.schedule = next.state;
        Ok(state)
    }
}
