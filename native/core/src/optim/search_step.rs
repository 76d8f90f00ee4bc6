//! Steps that evaluate the loss several times (L-BFGS with a line search), on an
//! [`OptimMethod`]: the driver begins a step with the loss and gradient at the current weights,
//! evaluates at every point the method asks for, and commits the state when it is done.

use super::lbfgs_wolfe::{Ask, LbfgsRun};
use super::method::{OptimMethod, Rule};
use super::state::OptimState;
use crate::error::{Error, Result};

/// A step in progress; the method's state is only replaced by [`OptimMethod::finish_search`].
#[derive(Debug, Clone)]
pub struct SearchStep {
    run: LbfgsRun,
    schedule: Vec<f64>,
}

impl SearchStep {
    /// The loss at the point the step has accepted last.
    pub fn loss(&self) -> f64 {
        self.run.loss()
    }
}

impl OptimMethod {
    /// Whether steps need several evaluations ([`OptimMethod::begin_search`]) rather than one
    /// gradient ([`OptimMethod::step`]).
    pub fn searches(&self) -> bool {
        matches!(self.rule, Rule::LbfgsWolfe(_))
    }

    /// Begins a step at `weights` (loss `loss`, gradient `grads`, clipped in place) in epoch
    /// `epoch`. On [`Ask::Evaluate`], `weights` hold the point to evaluate next.
    pub fn begin_search(
        &self,
        weights: &mut [f32],
        loss: f64,
        grads: &mut [f32],
        epoch: u64,
        state: &OptimState,
    ) -> Result<(SearchStep, Ask)> {
        let Rule::LbfgsWolfe(method) = &self.rule else {
            return Err(Error::state(
                "optim method",
                "only LBFGS with a line search evaluates several times per step",
            ));
        };
        self.clipping.apply(grads);
        let next = self.next(state, epoch)?;
        let (run, ask) = LbfgsRun::begin(method, weights, loss, grads, next.rate, state.clone())?;
        Ok((
            SearchStep {
                run,
                schedule: next.state,
            },
            ask,
        ))
    }

    /// The loss and gradient (clipped in place) at the point the last [`Ask::Evaluate`] wrote
    /// into `weights`; writes the next point, or the step's result on [`Ask::Done`].
    pub fn feed_search(
        &self,
        step: &mut SearchStep,
        weights: &mut [f32],
        loss: f64,
        grads: &mut [f32],
    ) -> Result<Ask> {
        self.clipping.apply(grads);
        step.run.feed(weights, loss, grads)
    }

    /// The state after a finished step.
    pub fn finish_search(&self, step: SearchStep) -> OptimState {
        let mut state = step.run.into_state();
        state.schedule = step.schedule;
        state
    }
}
