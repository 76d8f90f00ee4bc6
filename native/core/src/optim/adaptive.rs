//! The adaptive methods: Adam, AdamW, Adamax, Adagrad, RMSprop, Adadelta. Each is pure: it reads
//! the rate for this step and its buffers from the state, updates the weights in place, and
//! returns the new state.

use super::state::OptimState;
use crate::error::{Error, Result};

/// An adaptive method with BigDL's hyper-parameter names (AdamW follows PyTorch).
#[derive(Debug, Clone, PartialEq)]
pub enum Adaptive {
    /// BigDL's `Adam(learningRate, learningRateDecay, beta1 = 0.9, beta2 = 0.999, Epsilon = 1e-8)`:
    /// `w -= lr·√(1-β₂ᵗ)/(1-β₁ᵗ) · m / (√v + ε)`.
    Adam {
        beta1: f64,
        beta2: f64,
        epsilon: f64,
    },
    /// Adam with decoupled weight decay (`w *= 1 - lr·wd` first), as PyTorch's `AdamW`:
    /// `w -= lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + ε)`.
    AdamW {
        beta1: f64,
        beta2: f64,
        epsilon: f64,
        weight_decay: f64,
    },
    /// `Adamax(learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, Epsilon = 1e-38)`.
    Adamax {
        beta1: f64,
        beta2: f64,
        epsilon: f64,
    },
    /// `Adagrad(learningRate = 1e-3, learningRateDecay = 0, weightDecay = 0)`, ε = 1e-10.
    Adagrad { weight_decay: f64 },
    /// `RMSprop(learningRate = 1e-2, learningRateDecay = 0, decayRate = 0.99, Epsilon = 1e-8)`.
    RMSprop { decay_rate: f64, epsilon: f64 },
    /// `Adadelta(decayRate = 0.9, Epsilon = 1e-10)`, scaled by the learning rate (1 by default).
    Adadelta { decay_rate: f64, epsilon: f64 },
}

impl Adaptive {
    /// The BigDL name.
    pub fn name(&self) -> &'static str {
        match self {
            Adaptive::Adam { .. } => "Adam",
            Adaptive::AdamW { .. } => "AdamW",
            Adaptive::Adamax { .. } => "Adamax",
            Adaptive::Adagrad { .. } => "Adagrad",
            Adaptive::RMSprop { .. } => "RMSprop",
            Adaptive::Adadelta { .. } => "Adadelta",
        }
    }

    /// Checks the hyper-parameters.
    pub fn validated(self) -> Result<Adaptive> {
        use Adaptive::*;
        let unit = |b: &f64| (0.0..1.0).contains(b);
        let ok = match &self {
            Adam {
                beta1,
                beta2,
                epsilon,
            }
            | Adamax {
                beta1,
                beta2,
                epsilon,
            } => unit(beta1) && unit(beta2) && *epsilon >= 0.0,
            AdamW {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => unit(beta1) && unit(beta2) && *epsilon >= 0.0 && *weight_decay >= 0.0,
            Adagrad { weight_decay } => *weight_decay >= 0.0,
            RMSprop {
                decay_rate,
                epsilon,
            }
            | Adadelta {
                decay_rate,
                epsilon,
            } => unit(decay_rate) && *epsilon >= 0.0,
        };
        if ok {
            Ok(self)
        } else {
            Err(Error::invalid(
                self.name(),
                format!("invalid hyper-parameters {self:?}"),
            ))
        }
    }

    fn buffers(&self) -> usize {
        match self {
            Adaptive::Adagrad { .. } | Adaptive::RMSprop { .. } => 1,
            _ => 2,
        }
    }

    /// One step at learning rate `lr`: updates `weights` in place, returns the next state.
    pub fn step(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        lr: f64,
        mut state: OptimState,
    ) -> Result<OptimState> {
        let n = weights.len();
        if grads.len() != n {
            return Err(Error::BufferSize {
                op: self.name().into(),
                what: "gradient".into(),
                expected: n,
                actual: grads.len(),
            });
        }
        if state.buffers.is_empty() {
            state.buffers = vec![vec![0.0; n]; self.buffers()];
        }
        if state.buffers.len() != self.buffers() || state.buffers.iter().any(|b| b.len() != n) {
            return Err(Error::invalid(
                self.name(),
                format!("state does not fit {n} parameters"),
            ));
        }
        let t = (state.step + 1) as i32;
        let (a, rest) = state.buffers.split_at_mut(1);
        let (m, v) = (&mut a[0], rest.first_mut());
        let f = |x: f64| x as f32;
        match *self {
            Adaptive::Adam {
                beta1,
                beta2,
                epsilon,
            } => {
                let v = v.ok_or_else(|| Error::state("Adam", "missing buffer"))?;
                let step = f(lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t)));
                let (b1, b2, eps) = (f(beta1), f(beta2), f(epsilon));
                for i in 0..n {
                    m[i] = b1 * m[i] + (1.0 - b1) * grads[i];
                    v[i] = b2 * v[i] + (1.0 - b2) * grads[i] * grads[i];
                    weights[i] -= step * m[i] / (v[i].sqrt() + eps);
                }
            }
            Adaptive::AdamW {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => {
                let v = v.ok_or_else(|| Error::state("AdamW", "missing buffer"))?;
                let (bc1, bc2_sqrt) = (f(1.0 - beta1.powi(t)), f((1.0 - beta2.powi(t)).sqrt()));
                let (b1, b2, eps, lr32, decay) = (
                    f(beta1),
                    f(beta2),
                    f(epsilon),
                    f(lr),
                    f(1.0 - lr * weight_decay),
                );
                for i in 0..n {
                    weights[i] *= decay;
                    m[i] = b1 * m[i] + (1.0 - b1) * grads[i];
                    v[i] = b2 * v[i] + (1.0 - b2) * grads[i] * grads[i];
                    weights[i] -= lr32 / bc1 * m[i] / (v[i].sqrt() / bc2_sqrt + eps);
                }
            }
            Adaptive::Adamax {
                beta1,
                beta2,
                epsilon,
            } => {
                let u = v.ok_or_else(|| Error::state("Adamax", "missing buffer"))?;
                let step = f(lr / (1.0 - beta1.powi(t)));
                let (b1, b2, eps) = (f(beta1), f(beta2), f(epsilon));
                for i in 0..n {
                    m[i] = b1 * m[i] + (1.0 - b1) * grads[i];
                    u[i] = (b2 * u[i]).max(grads[i].abs() + eps);
                    weights[i] -= step * m[i] / u[i];
                }
            }
            Adaptive::Adagrad { weight_decay } => {
                let (lr32, wd) = (f(lr), f(weight_decay));
                for i in 0..n {
                    let g = grads[i] + wd * weights[i];
                    m[i] += g * g;
                    weights[i] -= lr32 * g / (m[i].sqrt() + 1e-10);
                }
            }
            Adaptive::RMSprop {
                decay_rate,
                epsilon,
            } => {
                let (lr32, rho, eps) = (f(lr), f(decay_rate), f(epsilon));
                for i in 0..n {
                    m[i] = rho * m[i] + (1.0 - rho) * grads[i] * grads[i];
                    weights[i] -= lr32 * grads[i] / (m[i].sqrt() + eps);
                }
            }
            Adaptive::Adadelta {
                decay_rate,
                epsilon,
            } => {
                let d = v.ok_or_else(|| Error::state("Adadelta", "missing buffer"))?;
                let (lr32, rho, eps) = (f(lr), f(decay_rate), f(epsilon));
                for i in 0..n {
                    m[i] = rho * m[i] + (1.0 - rho) * grads[i] * grads[i];
                    let delta = (d[i] + eps).sqrt() / (m[i] + eps).sqrt() * grads[i];
                    d[i] = rho * d[i] + (1.0 - rho) * delta * delta;
                    weights[i] -= lr32 * delta;
                }
            }
        }
        state.step += 1;
        Ok(state)
    }
}
