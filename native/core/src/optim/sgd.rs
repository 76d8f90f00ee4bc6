//! SGD: stochastic gradient descent with BigDL's options.

use super::state::OptimState;
use crate::error::{Error, Result};

/// BigDL's `SGD(learningRate = 1e-3, learningRateDecay = 0, weightDecay = 0, momentum = 0,
/// dampening = momentum, nesterov = false)`.
///
/// At step `t` (from 0), `lr_t = learningRate / (1 + t · learningRateDecay)` and
/// `g = grad + weightDecay · w`. With momentum, `v = g` on the first step and
/// `v = momentum · v + (1 - dampening) · g` after; the update uses `g + momentum · v` (Nesterov)
/// or `v`. Then `w -= lr_t · update`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sgd {
    pub learning_rate: f64,
    pub learning_rate_decay: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub nesterov: bool,
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
        mut state: OptimState,
    ) -> Result<OptimState> {
        if weights.len() != grads.len() {
            return Err(Error::BufferSize {
                op: "SGD".into(),
                what: "gradient".into(),
                expected: weights.len(),
                actual: grads.len(),
            });
        }
        let lr = lr as f32;
        let (wd, mom, damp) = (
            self.weight_decay as f32,
            self.momentum as f32,
            self.dampening as f32,
        );
        if self.momentum == 0.0 {
            for (w, g) in weights.iter_mut().zip(grads) {
                *w -= lr * (g + wd * *w);
            }
        } else {
            let first = state.buffers.is_empty();
            if first {
                state.buffers.push(vec![0.0; weights.len()]);
            }
            let v = &mut state.buffers[0];
            if v.len() != weights.len() {
                return Err(Error::BufferSize {
                    op: "SGD".into(),
                    what: "momentum".into(),
                    expected: weights.len(),
                    actual: v.len(),
                });
            }
            for ((w, g), v) in weights.iter_mut().zip(grads).zip(v.iter_mut()) {
                let g = g + wd * *w;
                *v = if first {
                    g
                } else {
                    mom * *v + (1.0 - damp) * g
                };
                let update = if self.nesterov { g + mom * *v } else { *v };
                *w -= lr * update;
            }
        }
        state.step += 1;
        Ok(state)
    }
}
