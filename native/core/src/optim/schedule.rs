//! Learning-rate schedules: the rate of step `t` (0-based) in epoch `e` (1-based), from the base.

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

    /// The learning rate at step `t` (0-based) in epoch `epoch` (1-based).
    pub fn rate(&self, base: f64, t: u64, epoch: u64) -> f64 {
        use Schedule::*;
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
                if t > *max_iteration {
                    0.0
                } else {
                    base * (1.0 - tf / *max_iteration as f64).powf(*power)
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
            EpochStep { step_size, gamma } => base * gamma.powi((epoch / step_size) as i32),
        }
    }
}
