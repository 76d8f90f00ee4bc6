//! SGD: stochastic gradient descent with BigDL's options.

use super::state::OptimState;
use crate::error::{Error, Result};

/// BigDL's `SGD(learningRate = 1e-3, learningRateDecay = 0, weightDecay = 0, momentum = 0,
/// dampening = momentum, nesterov = false, learningRates = null, weightDecays = null)`.
///
/// At step `t` (from 0), `lr_t = learningRate / (1 + t · learningRateDecay)` and
/// `g = grad + weightDecay · w`, or, when `weightDecay` is 0 and `weightDecays` is set,
/// `g = grad + weightDecays ⊙ w`. With momentum, `v = g` on the first step and
/// `v = momentum · v + (1 - dampening) · g` after; the update uses `g + momentum · v` (Nesterov)
/// or `v`. Then `w -= lr_t · update`, or `w -= lr_t · learningRates ⊙ update` when
/// `learningRates` is set. Both per-parameter vectors have one value per weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Sgd {
    pub learning_rate: f64,
    pub learning_rate_decay: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub nesterov: bool,
    /// Per-parameter learning-rate multipliers (BigDL's `learningRates`).
    pub learning_rates: Option<Vec<f32>>,
    /// Per-parameter weight decays (BigDL's `weightDecays`), used when `weight_decay` is 0.
    pub weight_decays: Option<Vec<f32>>,
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd {
            learning_rate: 1e-3,
            learning_rate_decay: 0.0,
            weight_decay: 0.0,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            learning_rates: None,
            weight_decays: None,
        }
    }
}

impl Sgd {
    /// Plain SGD with a learning rate and its decay.
    pub fn new(learning_rate: f64, learning_rate_decay: f64) -> Result<Sgd> {
        Sgd {
            learning_rate,
            learning_rate_decay,
            ..Sgd::default()
        }
        .validated()
    }

    /// Checks the hyper-parameters.
    pub fn validated(self) -> Result<Sgd> {
        let all = [
            self.learning_rate,
            self.learning_rate_decay,
            self.weight_decay,
            self.momentum,
            self.dampening,
        ];
        if all.iter().any(|x| !x.is_finite())
            || self.learning_rate < 0.0
            || self.learning_rate_decay < 0.0
        {
            return Err(Error::invalid(
                "SGD",
                format!("hyper-parameters must be finite and >= 0: {self:?}"),
            ));
        }
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(Error::invalid(
                "SGD",
                "Nesterov momentum needs momentum > 0 and dampening = 0",
            ));
        }
        for (what, v) in [
            ("learningRates", &self.learning_rates),
            ("weightDecays", &self.weight_decays),
        ] {
            if let Some(index) = v.iter().flatten().position(|x| !x.is_finite()) {
                return Err(Error::NonFinite {
                    op: "SGD".into(),
                    what: what.into(),
                    index,
                });
            }
        }
        Ok(self)
    }

    /// The learning rate used at step `t`.
    pub fn current_rate(&self, t: u64) -> f64 {
        self.learning_rate / (1.0 + t as f64 * self.learning_rate_decay)
    }

    /// Applies one step at the rate of `learningRateDecay`; returns the next state.
    pub fn step(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        state: OptimState,
    ) -> Result<OptimState> {
        let lr = self.current_rate(state.step);
        self.step_at(weights, grads, lr, state)
    }

    /// Applies one step at learning rate `lr` (from a schedule) and returns the next state.
    pub fn step_at(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        lr: f64,
        state: OptimState,
    ) -> Result<OptimState> {
        self.step_with(weights, grads, lr, None, state)
    }

    /// Checks that a buffer has one value per weight.
    fn check_len(what: &str, expected: usize, actual: usize) -> Result<()> {
        if expected == actual {
            Ok(())
        } else {
            Err(Error::BufferSize {
                op: "SGD".into(),
                what: what.into(),
                expected,
                actual,
            })
        }
    }

    /// One step at rate `lr`, with `weight_decay` (an `EpochSchedule` regime's) in place of the
    /// method's own when given; returns the next state.
    pub fn step_with(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        lr: f64,
        weight_decay: Option<f64>,
        mut state: OptimState,
    ) -> Result<OptimState> {
        let n = weights.len();
        Self::check_len("gradient", n, grads.len())?;
        let wd = weight_decay.unwrap_or(self.weight_decay);
        // BigDL: a scalar weight decay wins over the per-parameter ones.
        let wds = self.weight_decays.as_deref().filter(|_| wd == 0.0);
        if let Some(v) = wds {
            Self::check_len("weightDecays", n, v.len())?;
        }
        if let Some(v) = &self.learning_rates {
            Self::check_len("learningRates", n, v.len())?;
        }
        let decay = |i: usize, w: f32| match wds {
            Some(v) => v[i] * w,
            None => wd as f32 * w,
        };
        let scale = |i: usize| self.learning_rates.as_ref().map_or(1.0, |v| v[i]);
        let lr = lr as f32;
        let (mom, damp, nesterov) = (self.momentum as f32, self.dampening as f32, self.nesterov);
        // The momentum buffer (none without momentum); `first` when this step creates it.
        let first = self.momentum != 0.0 && state.buffers.is_empty();
        if first {
            state.buffers.push(vec![0.0; n]);
        }
        let velocity = match self.momentum {
            0.0 => None,
            _ => {
                let v = &mut state.buffers[0];
                Self::check_len("momentum", n, v.len())?;
                Some(v)
            }
        };
        // One parameter's update from its gradient `g` (weight decay included) and velocity.
        let update = |g: f32, v: Option<&mut f32>| match v {
            None => g,
            Some(v) => {
                *v = if first {
                    g
                } else {
                    mom * *v + (1.0 - damp) * g
                };
                if nesterov {
                    g + mom * *v
                } else {
                    *v
                }
            }
        };
        match (velocity, wds.is_none() && self.learning_rates.is_none()) {
            // The common cases as slice passes that vectorise (same arithmetic as below).
            (None, true) => {
                let wd = wd as f32;
                for (w, &g) in weights.iter_mut().zip(grads) {
                    *w -= lr * update(g + wd * *w, None);
                }
            }
            (Some(v), true) => {
                let wd = wd as f32;
                for ((w, &g), v) in weights.iter_mut().zip(grads).zip(v.iter_mut()) {
                    *w -= lr * update(g + wd * *w, Some(v));
                }
            }
            (None, false) => {
                for i in 0..n {
                    let g = grads[i] + decay(i, weights[i]);
                    weights[i] -= lr * (scale(i) * update(g, None));
                }
            }
            (Some(v), false) => {
                for i in 0..n {
                    let g = grads[i] + decay(i, weights[i]);
                    weights[i] -= lr * (scale(i) * update(g, Some(&mut v[i])));
                }
            }
        }
        state.step += 1;
        Ok(state)
    }
}
