//! BigDL's `SequentialSchedule(iterationPerEpoch).add(schedule, maxIteration)...`: stages that
//! run one after another, each starting from the rate the previous one ended at.

use super::schedule::{Clock, Next, Schedule};
use crate::error::{Error, Result};

/// Stages `(schedule, maxIteration)`, as BigDL runs them:
///
/// - stage `i` starts after `excludeIterations = maxIteration₀ + … + maxIterationᵢ₋₁`
///   iterations and sees its own iteration `t - excludeIterations` and epoch
///   `e - excludeIterations / iterationPerEpoch` (Poly and EpochDecayWithWarmUp read the
///   whole run's, as in BigDL);
/// - BigDL moves on when `t > excludeIterations + maxIteration` (so the first stage runs
///   `maxIteration + 1` steps), and the next stage's base rate is the rate of the step before;
/// - after the last stage's iterations, the last stage goes on (BigDL fails there).
///
/// ferrodl counts every step for the switch; BigDL's epoch schedules do not advance its
/// `evalCounter`, so there a stage after one of them never starts.
#[derive(Debug, Clone, PartialEq)]
pub struct SequentialSchedule {
    pub iteration_per_epoch: u64,
    pub stages: Vec<(Schedule, u64)>,
}

// The state: the current stage, its base rate (NaN: the method's), the last rate (NaN: none
// yet), then each stage's own state in order.
const CURRENT: usize = 0;
const BASE: usize = 1;
const LAST: usize = 2;
const HEADER: usize = 3;

impl SequentialSchedule {
    /// Checks the stages.
    pub fn validate(&self) -> Result<()> {
        if self.iteration_per_epoch == 0 || self.stages.is_empty() {
            return Err(Error::invalid(
                "SequentialSchedule",
                "needs iterationPerEpoch > 0 and at least one schedule (add(schedule, maxIteration))",
            ));
        }
        if self.stages.iter().any(|(_, m)| *m == 0) {
            return Err(Error::invalid(
                "SequentialSchedule",
                "every schedule needs maxIteration > 0",
            ));
        }
        Ok(())
    }

    /// Numbers of state: 3 plus the stages'.
    pub fn state_len(&self) -> usize {
        HEADER
            + self
                .stages
                .iter()
                .map(|(s, _)| s.state_len())
                .sum::<usize>()
    }

    /// Before the first step: the first stage, the method's rate.
    pub fn initial_state(&self) -> Vec<f64> {
        let mut s = vec![0.0, f64::NAN, f64::NAN];
        self.stages
            .iter()
            .for_each(|(c, _)| s.extend(c.initial_state()));
        s
    }

    /// Passes the value to every stage (the Plateaus keep it).
    pub fn observe(&self, value: f64, state: &mut [f64]) {
        let mut off = HEADER;
        for (c, _) in &self.stages {
            let n = c.state_len();
            if let Some(slice) = state.get_mut(off..off + n) {
                c.observe(value, slice);
            }
            off += n;
        }
    }

    /// `(excludeIterations, excludeIterations + maxIteration)` of stage `i`.
    fn bounds(&self, i: usize) -> (u64, u64) {
        let before = self.stages[..i]
            .iter()
            .fold(0u64, |a, (_, m)| a.saturating_add(*m));
        (before, before.saturating_add(self.stages[i].1))
    }

    /// The rate of the step at `clock` and the state after it.
    pub fn next(&self, base: f64, clock: Clock, state: &[f64]) -> Result<Next> {
        let misfit = || {
            Error::state(
                "SequentialSchedule",
                "the saved state does not fit the schedule",
            )
        };
        let mut s = state.to_vec();
        if s.len() != self.state_len() {
            return Err(misfit());
        }
        let mut cur = s[CURRENT] as usize;
        if cur >= self.stages.len() {
            return Err(misfit());
        }
        let mut stage_base = if s[BASE].is_nan() { base } else { s[BASE] };
        if clock.iteration > self.bounds(cur).1 && cur + 1 < self.stages.len() {
            if !s[LAST].is_nan() {
                stage_base = s[LAST];
            }
            cur += 1;
        }
        let exclude = self.bounds(cur).0;
        let stage_clock = Clock {
            exclude_iterations: exclude,
            exclude_epochs: exclude / self.iteration_per_epoch,
            ..clock
        };
        let off = HEADER
            + self.stages[..cur]
                .iter()
                .map(|(c, _)| c.state_len())
                .sum::<usize>();
        let (stage, _) = &self.stages[cur];
        let n = stage.state_len();
        let next = stage.next(stage_base, stage_clock, &s[off..off + n])?;
        if next.state.len() != n {
            return Err(misfit());
        }
        s[off..off + n].copy_from_slice(&next.state);
        s[CURRENT] = cur as f64;
        s[BASE] = stage_base;
        s[LAST] = next.rate;
        Ok(Next {
            rate: next.rate,
            weight_decay: next.weight_decay,
            state: s,
        })
    }
}
