//! Averaging optimiser states: local SGD (several steps per Spark job) lets every partition step
//! its own copy of the method, then the driver adds the copies up and scales the sum by one over
//! their count, as it does with their weights.

use super::state::OptimState;
use crate::error::{Error, Result};

const OP: &str = "OptimState average";

impl OptimState {
    /// Adds `other`'s per-parameter buffers into this state's, element by element. Both must be
    /// copies of one method after the same number of steps (their step counts, buffer lengths and
    /// schedule states agree); the schedule state is kept as it is. States with scalar state
    /// (L-BFGS history) have no meaningful average and are refused.
    pub fn add(&mut self, other: &OptimState) -> Result<()> {
        if !self.scalars.is_empty() || !other.scalars.is_empty() {
            return Err(Error::invalid(
                OP,
                "the method keeps scalar state (L-BFGS), which cannot be averaged",
            ));
        }
        if self.step != other.step {
            return Err(Error::invalid(
                OP,
                format!(
                    "the states are at different steps ({} and {})",
                    self.step, other.step
                ),
            ));
        }
        if self.schedule.len() != other.schedule.len() {
            return Err(Error::invalid(
                OP,
                format!(
                    "the schedule states differ in length ({} and {})",
                    self.schedule.len(),
                    other.schedule.len()
                ),
            ));
        }
        let lengths = |s: &OptimState| s.buffers.iter().map(Vec::len).collect::<Vec<_>>();
        let (mine, theirs) = (lengths(self), lengths(other));
        if mine != theirs {
            return Err(Error::shape(
                OP,
                format!("buffers of lengths {mine:?}"),
                &theirs,
            ));
        }
        for (dst, src) in self.buffers.iter_mut().zip(&other.buffers) {
            dst.iter_mut().zip(src).for_each(|(d, s)| *d += *s);
        }
        Ok(())
    }

    /// Multiplies the per-parameter buffers by `factor` (one over the number of states added).
    pub fn scale(&mut self, factor: f32) -> Result<()> {
        if !factor.is_finite() {
            return Err(Error::invalid(
                OP,
                format!("the scale factor must be finite, got {factor}"),
            ));
        }
        self.buffers
            .iter_mut()
            .for_each(|b| b.iter_mut().for_each(|x| *x *= factor));
        Ok(())
    }
}
