//! Learning-rate schedules: the rate of step `t` (0-based) in epoch `e` (1-based), from the base.
//!
//! Most schedules are functions of the step and the epoch. Two keep state between steps, in
//! [`OptimState::schedule`](super::OptimState): `Plateau` (which follows a monitored value) and
//! `SequentialSchedule` (which carries the rate from one stage into the next). [`Schedule::next`]
//! is pure: from the state before a step it gives the rate, the weight decay a regime sets, and
//! the state after.

use super::plateau::Plateau;
use super::schedule_epoch::{DecayTable, Regime};
use super::sequential_schedule::SequentialSchedule;
use crate::error::{Error, Result};

/// BigDL's learning-rate schedules.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// `lr / (1 + t·decay)`: BigDL's default, driven by `learningRateDecay`.
    Default { decay: f64 },
    /// `lr · gamma^⌊t / step_size⌋`.
    Step { step_size: u64, gamma: f64 },
    /// `lr · gamma^k`, `k` = how many of `steps` (ascending) are `<= t`.
    MultiStep { steps: Vec<u64>, gamma: f64 },
    /// `lr · (1 - t / max_iteration)^power`, 0 after `max_iteration`.
    Poly { power: f64, max_iteration: u64 },
    /// `lr · rate^(t / decay_step)`, with the exponent floored when `stair_case`.
    Exponential {
        decay_step: u64,
        decay_rate: f64,
        stair_case: bool,
    },
    /// `lr · exp(-gamma · ⌊t / decay_step⌋)`.
    NaturalExp { decay_step: u64, gamma: f64 },
    /// `lr + delta · t`.
    Warmup { delta: f64 },
    /// `lr · gamma^⌊e / step_size⌋`, by epoch (BigDL's `EpochStep`).
    EpochStep { step_size: u64, gamma: f64 },
    /// BigDL's `EpochSchedule(regimes)`: in the epochs of a regime, its learning rate (and
    /// weight decay); after it, the last one set stays (BigDL writes them into the method).
    EpochSchedule { regimes: Vec<Regime> },
    /// BigDL's `EpochDecay(decayType)`: `lr · 0.1^decayType(e)`, the function tabulated.
    EpochDecay { decay: DecayTable },
    /// BigDL's `EpochDecayWithWarmUp`: `lr + delta·t` for `t < warm_up_iteration`, then
    /// `(lr + delta·warm_up_iteration) · 0.1^decayType(e)`.
    EpochDecayWithWarmUp {
        warm_up_iteration: u64,
        warm_up_delta: f64,
        decay: DecayTable,
    },
    /// BigDL's `Plateau`: the rate times `factor` when the monitored value stops improving.
    Plateau(Plateau),
    /// BigDL's `SequentialSchedule`: stages run one after the other.
    Sequential(SequentialSchedule),
}

/// Where the run is, as a schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Steps taken before this one over the whole run (BigDL's `evalCounter`).
    pub iteration: u64,
    /// The epoch of this step (1-based) over the whole run.
    pub epoch: u64,
    /// The iterations before this stage of a `SequentialSchedule` (BigDL's
    /// `excludeIterations`); 0 outside one.
    pub exclude_iterations: u64,
    /// `exclude_iterations / iterationPerEpoch` (BigDL's `excludeEpochs`).
    pub exclude_epochs: u64,
}

impl Clock {
    /// Step `iteration` (0-based) in epoch `epoch` (1-based), outside any sequence.
    pub fn new(iteration: u64, epoch: u64) -> Clock {
        Clock {
            iteration,
            epoch,
            exclude_iterations: 0,
            exclude_epochs: 0,
        }
    }

    /// The step within the current stage.
    pub fn stage_iteration(&self) -> u64 {
        self.iteration.saturating_sub(self.exclude_iterations)
    }

    /// The epoch within the current stage (may be 0 or less when a stage starts early).
    pub fn stage_epoch(&self) -> i64 {
        self.epoch as i64 - self.exclude_epochs as i64
    }
}

/// What a schedule decides for one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Next {
    /// The learning rate of the step.
    pub rate: f64,
    /// The weight decay an `EpochSchedule` regime sets (SGD and LarsSGD use it).
    pub weight_decay: Option<f64>,
    /// The schedule's state after the step.
    pub state: Vec<f64>,
}

impl Schedule {
    /// Checks the parameters.
    pub fn validated(self) -> Result<Schedule> {
        use Schedule::*;
        let ok = match &self {
            Default { decay } => decay.is_finite() && *decay >= 0.0,
            Step { step_size, gamma } | EpochStep { step_size, gamma } => {
                *step_size > 0 && gamma.is_finite()
            }
            MultiStep { steps, gamma } => {
                steps.windows(2).all(|w| w[0] < w[1]) && gamma.is_finite()
            }
            Poly {
                power,
                max_iteration,
            } => power.is_finite() && *max_iteration > 0,
            Exponential {
                decay_step,
                decay_rate,
                ..
            } => *decay_step > 0 && decay_rate.is_finite(),
            NaturalExp { decay_step, gamma } => *decay_step > 0 && gamma.is_finite(),
            Warmup { delta } => delta.is_finite(),
            EpochSchedule { regimes } => {
                for r in regimes {
                    r.validate()?;
                }
                true
            }
            EpochDecay { decay } => {
                decay.validate()?;
                true
            }
            EpochDecayWithWarmUp {
                warm_up_delta,
                decay,
                ..
            } => {
                decay.validate()?;
                warm_up_delta.is_finite()
            }
            Plateau(p) => {
                p.validate()?;
                true
            }
            Sequential(s) => {
                s.validate()?;
                true
            }
        };
        if ok {
            Ok(self)
        } else {
            Err(Error::invalid(
                "learning-rate schedule",
                format!("invalid parameters {self:?}"),
            ))
        }
    }

    /// How many numbers of state the schedule keeps (0 for the stateless ones).
    pub fn state_len(&self) -> usize {
        match self {
            Schedule::Plateau(_) => Plateau::STATE_LEN,
            Schedule::Sequential(s) => s.state_len(),
            _ => 0,
        }
    }

    /// The state before the first step.
    pub fn initial_state(&self) -> Vec<f64> {
        match self {
            Schedule::Plateau(p) => p.initial_state(),
            Schedule::Sequential(s) => s.initial_state(),
            _ => Vec::new(),
        }
    }

    /// Records a value of the monitored quantity (validation score or loss) for `Plateau`s.
    pub fn observe(&self, value: f64, state: &mut [f64]) {
        match self {
            Schedule::Plateau(p) => p.observe(value, state),
            Schedule::Sequential(s) => s.observe(value, state),
            _ => {}
        }
    }

    /// Whether a `Plateau` is part of the schedule.
    pub fn has_plateau(&self) -> bool {
        match self {
            Schedule::Plateau(_) => true,
            Schedule::Sequential(s) => s.stages.iter().any(|(c, _)| c.has_plateau()),
            _ => false,
        }
    }

    /// The rate (and regime weight decay) of the step at `clock`, from `state` (of
    /// [`Schedule::state_len`] numbers), with the state after it.
    pub fn next(&self, base: f64, clock: Clock, state: &[f64]) -> Result<Next> {
        if state.len() != self.state_len() {
            return Err(Error::state(
                "learning-rate schedule",
                format!(
                    "the saved state has {} numbers, this schedule keeps {}: was the schedule \
                     changed after the state was saved?",
                    state.len(),
                    self.state_len()
                ),
            ));
        }
        let plain = |rate: f64| Next {
            rate,
            weight_decay: None,
            state: Vec::new(),
        };
        Ok(match self {
            Schedule::EpochSchedule { regimes } => {
                let (rate, weight_decay) = Regime::apply(regimes, base, clock.stage_epoch());
                Next {
                    rate,
                    weight_decay,
                    state: Vec::new(),
                }
            }
            Schedule::EpochDecay { decay } => {
                plain(base * 0.1f64.powf(decay.at(clock.stage_epoch())))
            }
            Schedule::EpochDecayWithWarmUp {
                warm_up_iteration,
                warm_up_delta,
                decay,
            } => {
                // As BigDL: the whole run's iteration and epoch, also inside a sequence.
                let t = clock.iteration;
                plain(if t < *warm_up_iteration {
                    base + warm_up_delta * t as f64
                } else {
                    let max_lr = base + warm_up_delta * *warm_up_iteration as f64;
                    max_lr * 0.1f64.powf(decay.at(clock.epoch as i64))
                })
            }
            Schedule::Plateau(p) => {
                let (rate, state) = p.next(base, clock, state)?;
                Next {
                    rate,
                    weight_decay: None,
                    state,
                }
            }
            Schedule::Sequential(s) => s.next(base, clock, state)?,
            stateless => plain(stateless.function_rate(base, clock)),
        })
    }

    /// The rate at step `t` in epoch `epoch` from the initial state: for the stateless
    /// schedules, the whole story.
    pub fn rate(&self, base: f64, t: u64, epoch: u64) -> Result<f64> {
        Ok(self
            .next(base, Clock::new(t, epoch), &self.initial_state())?
            .rate)
    }

    /// The schedules that are plain functions of the step and epoch.
    fn function_rate(&self, base: f64, clock: Clock) -> f64 {
        use Schedule::*;
        // As BigDL: the stage's iteration, except Poly, which counts the whole run.
        let t = clock.stage_iteration();
        let tf = t as f64;
        match self {
            Default { decay } => base / (1.0 + tf * decay),
            Step { step_size, gamma } => base * gamma.powi((t / step_size) as i32),
            MultiStep { steps, gamma } => {
                base * gamma.powi(steps.iter().filter(|s| **s <= t).count() as i32)
            }
            Poly {
                power,
                max_iteration,
            } => {
                let t = clock.iteration;
                if t > *max_iteration {
                    0.0
                } else {
                    base * (1.0 - t as f64 / *max_iteration as f64).powf(*power)
                }
            }
            Exponential {
                decay_step,
                decay_rate,
                stair_case,
            } => {
                let p = tf / *decay_step as f64;
                base * decay_rate.powf(if *stair_case { p.floor() } else { p })
            }
            NaturalExp { decay_step, gamma } => base * (-gamma * (t / decay_step) as f64).exp(),
            Warmup { delta } => base + delta * tf,
            EpochStep { step_size, gamma } => {
                let e = clock.stage_epoch().max(0) as u64;
                base * gamma.powi((e / step_size) as i32)
            }
            EpochSchedule { .. }
            | EpochDecay { .. }
            | EpochDecayWithWarmUp { .. }
            | Plateau(_)
            | Sequential(_) => base,
        }
    }
}
