//! BigDL's `Plateau` schedule: reduce the learning rate when a monitored quantity (the first
//! validation method's score, or the training loss) stops improving.

use super::schedule::Clock;
use crate::error::{Error, Result};

/// BigDL's `Plateau(monitor, factor = 0.1, patience = 10, mode = "min", epsilon = 1e-4,
/// cooldown = 0, minLr = 0)`.
///
/// The JVM reports the monitored value (`OptimMethod::observe`); the schedule reads the latest
/// one once per epoch, at the first step of each epoch after the first, as BigDL does:
///
/// ```text
/// if cooldownCounter > 0: cooldownCounter -= 1; wait = 0
/// if current improves on best by more than epsilon: best = current; wait = 0
/// else if cooldownCounter <= 0:
///     if wait >= patience and rate > minLr·(1 + 1e-4):
///         rate = max(rate·factor, minLr); cooldownCounter = cooldown; wait = 0
///     wait += 1
/// ```
///
/// In (stage) epoch 1 the rate is the base rate. The rate is kept as a factor of the base.
#[derive(Debug, Clone, PartialEq)]
pub struct Plateau {
    /// `"score"` or `"Loss"`: which value the JVM reports.
    pub monitor: String,
    pub factor: f64,
    pub patience: u64,
    /// `mode == "max"`: higher is better.
    pub max_mode: bool,
    pub epsilon: f64,
    pub cooldown: u64,
    pub min_lr: f64,
}

// The state: indices into `OptimState::schedule`'s slice for this schedule.
const BEST: usize = 0;
const WAIT: usize = 1;
const COOLDOWN: usize = 2;
const FACTOR: usize = 3;
const EPOCH: usize = 4;
const HAS_VALUE: usize = 5;
const VALUE: usize = 6;

impl Plateau {
    /// Numbers of state: best, wait, cooldown counter, current factor, last epoch seen,
    /// whether a value was reported, the latest value.
    pub const STATE_LEN: usize = 7;

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        let fail = |reason: String| Err(Error::invalid("Plateau", reason));
        if self.monitor != "score" && self.monitor != "Loss" {
            return fail(format!(
                "monitor must be \"score\" or \"Loss\", got \"{}\"",
                self.monitor
            ));
        }
        if !(0.0..1.0).contains(&self.factor) {
            return fail(format!("factor must be in [0, 1), got {}", self.factor));
        }
        if !self.epsilon.is_finite() || !self.min_lr.is_finite() || self.min_lr < 0.0 {
            return fail(format!(
                "epsilon must be finite and minLr finite and >= 0: {self:?}"
            ));
        }
        Ok(())
    }

    /// Before the first step: no best yet, rate = base.
    pub fn initial_state(&self) -> Vec<f64> {
        let best = if self.max_mode {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        vec![best, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    }

    /// Records the latest monitored value.
    pub fn observe(&self, value: f64, state: &mut [f64]) {
        if state.len() == Self::STATE_LEN {
            state[HAS_VALUE] = 1.0;
            state[VALUE] = value;
        }
    }

    fn improves(&self, current: f64, best: f64) -> bool {
        if self.max_mode {
            current > best + self.epsilon
        } else {
            current < best - self.epsilon
        }
    }

    /// The rate of the step at `clock` and the state after it.
    pub fn next(&self, base: f64, clock: Clock, state: &[f64]) -> Result<(f64, Vec<f64>)> {
        let mut s = state.to_vec();
        if s.len() != Self::STATE_LEN {
            return Err(Error::state("Plateau", "state has the wrong length"));
        }
        let epoch = clock.stage_epoch() as f64;
        if epoch == 1.0 {
            s[FACTOR] = 1.0;
        }
        if epoch != s[EPOCH] {
            s[EPOCH] = epoch;
            if s[HAS_VALUE] == 0.0 {
                return Err(Error::invalid(
                    "Plateau",
                    format!(
                        "needs the monitored {0} at the start of epoch {1}, and none was \
                         reported: {0} comes from validation (setValidation) for \"score\", \
                         from training for \"Loss\"",
                        self.monitor, clock.epoch
                    ),
                ));
            }
            let current = s[VALUE];
            if s[COOLDOWN] > 0.0 {
                s[COOLDOWN] -= 1.0;
                s[WAIT] = 0.0;
            }
            if self.improves(current, s[BEST]) {
                s[BEST] = current;
                s[WAIT] = 0.0;
            } else if s[COOLDOWN] <= 0.0 {
                let rate = (base * s[FACTOR]).abs();
                if s[WAIT] >= self.patience as f64 && rate > self.min_lr + self.min_lr * 1e-4 {
                    let reduced = (rate * self.factor).max(self.min_lr);
                    s[FACTOR] = if base != 0.0 { reduced / base } else { 0.0 };
                    s[COOLDOWN] = self.cooldown as f64;
                    s[WAIT] = 0.0;
                }
                s[WAIT] += 1.0;
            }
        }
        Ok((base * s[FACTOR], s))
    }
}
