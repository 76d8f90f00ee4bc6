//! LARS, layer-wise adaptive rate scaling (You et al., arXiv:1708.03888), as BigDL's `LarsSGD`.

use super::state::OptimState;
use crate::error::{Error, Result};

/// BigDL's `LarsSGD(lrScheduleOwner, trust = 1.0, learningRate = 1e-3, learningRateDecay = 0.01,
/// weightDecay = 5e-4, momentum = 0.5)`. For each block of parameters (BigDL: each layer's
/// weight and bias, one `LarsSGD` per layer):
///
/// ```text
/// scale = (‖g‖ + weightDecay·‖w‖) / ‖w‖        (inf → 1e4, 0 → 1e-4, NaN → 1, as BigDL)
/// v     = momentum·v + lr·trust / scale · (g + weightDecay·w)
/// w    -= v
/// ```
///
/// `blocks` are the block lengths in the flat weight buffer, in order; empty means the whole
/// buffer is one block. (`lrScheduleOwner` only says which of BigDL's per-layer methods logs the
/// rate; with one method for the whole model it does not arise.)
#[derive(Debug, Clone, PartialEq)]
pub struct LarsSgd {
    pub trust: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub blocks: Vec<usize>,
}

impl LarsSgd {
    /// Checks the hyper-parameters (BigDL: `0 < trust <= 1`).
    pub fn validated(self) -> Result<LarsSgd> {
        if !(0.0..=1.0).contains(&self.trust)
            || self.trust == 0.0
            || !self.weight_decay.is_finite()
            || !self.momentum.is_finite()
            || self.weight_decay < 0.0
            || self.momentum < 0.0
        {
            return Err(Error::invalid(
                "LarsSGD",
                format!("needs 0 < trust <= 1, weightDecay >= 0 and momentum >= 0: {self:?}"),
            ));
        }
        if self.blocks.contains(&0) {
            return Err(Error::invalid("LarsSGD", "block sizes must be > 0"));
        }
        Ok(self)
    }

    /// BigDL's `getGradientScale`, with its guards against infinite, zero and NaN scales.
    fn scale(&self, w: &[f32], g: &[f32], weight_decay: f64) -> f64 {
        let norm = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
        let (nw, ng) = (norm(w), norm(g));
        let raw = (ng + weight_decay * nw) / nw;
        if raw.is_infinite() {
            1e4
        } else if raw.abs() < 1e-4 * f32::MIN_POSITIVE as f64 {
            // BigDL's `nearlyEqual(raw, 0, 1e-4)`: zero, up to float denormals.
            1e-4
        } else if raw.is_nan() {
            1.0
        } else {
            raw
        }
    }

    /// One step at rate `lr`, with `weight_decay` (an `EpochSchedule` regime's) in place of the
    /// method's own when given; returns the next state.
    pub fn step(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        lr: f64,
        weight_decay: Option<f64>,
        mut state: OptimState,
    ) -> Result<OptimState> {
        let n = weights.len();
        let size = |what: &str, actual: usize| Error::BufferSize {
            op: "LarsSGD".into(),
            what: what.into(),
            expected: n,
            actual,
        };
        if grads.len() != n {
            return Err(size("gradient", grads.len()));
        }
        let blocks = if self.blocks.is_empty() {
            vec![n]
        } else {
            self.blocks.clone()
        };
        let total: usize = blocks.iter().sum();
        if total != n {
            return Err(Error::invalid(
                "LarsSGD",
                format!(
                    "the blocks hold {total} parameters, the model has {n}: give \
                     LarsSGD.perLayer the model being trained"
                ),
            ));
        }
        if state.buffers.is_empty() {
            state.buffers.push(vec![0.0; n]);
        }
        let v = &mut state.buffers[0];
        if v.len() != n {
            return Err(size("momentum", v.len()));
        }
        let wd = weight_decay.unwrap_or(self.weight_decay);
        let mom = self.momentum as f32;
        let mut start = 0;
        for len in blocks {
            let r = start..start + len;
            let rate =
                (lr * self.trust / self.scale(&weights[r.clone()], &grads[r.clone()], wd)) as f32;
            for i in r {
                v[i] = mom * v[i] + rate * (grads[i] + wd as f32 * weights[i]);
                weights[i] -= v[i];
            }
            start += len;
        }
        state.step += 1;
        Ok(state)
    }
}
