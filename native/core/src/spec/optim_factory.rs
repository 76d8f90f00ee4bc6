//! Builds optimisation methods from descriptions, with BigDL's names and defaults.

use super::node::{Attr, Node};
use crate::error::{Error, Result};
use crate::optim::{Adaptive, Clipping, OptimMethod, Rule, Schedule, Sgd};

fn count(node: &Node, key: &str, default: u64) -> Result<u64> {
    Ok(node.size_or(key, default as usize)? as u64)
}

/// The schedule a child node names, or BigDL's default decay.
fn schedule(node: Option<&Node>, decay: f64) -> Result<Schedule> {
    let Some(s) = node else {
        return Ok(Schedule::Default { decay });
    };
    let f = |k: &str, d: f64| s.float_or(k, d);
    Ok(match s.kind.as_str() {
        "Default" => Schedule::Default { decay },
        "Step" => Schedule::Step {
            step_size: count(s, "stepSize", 1)?,
            gamma: f("gamma", 0.1)?,
        },
        "EpochStep" => Schedule::EpochStep {
            step_size: count(s, "stepSize", 1)?,
            gamma: f("gamma", 0.1)?,
        },
        "MultiStep" => {
            let steps = match s.attrs.get("stepSizes") {
                Some(Attr::Ints(v)) => v
                    .iter()
                    .map(|x| {
                        u64::try_from(*x).map_err(|_| Error::invalid("MultiStep", "negative step"))
                    })
                    .collect::<Result<_>>()?,
                _ => {
                    return Err(Error::invalid(
                        "MultiStep",
                        "attribute 'stepSizes' must be a list of integers",
                    ))
                }
            };
            Schedule::MultiStep {
                steps,
                gamma: f("gamma", 0.1)?,
            }
        }
        "Poly" => Schedule::Poly {
            power: f("power", 1.0)?,
            max_iteration: count(s, "maxIteration", 1)?,
        },
        "Exponential" => Schedule::Exponential {
            decay_step: count(s, "decayStep", 1)?,
            decay_rate: f("decayRate", 0.96)?,
            stair_case: s.flag("stairCase", false)?,
        },
        "NaturalExp" => Schedule::NaturalExp {
            decay_step: count(s, "decay_step", 1)?,
            gamma: f("gamma", 0.1)?,
        },
        "Warmup" => Schedule::Warmup {
            delta: f("delta", 0.0)?,
        },
        other => {
            return Err(Error::UnknownLayer {
                kind: format!("learning-rate schedule {other}"),
            })
        }
    })
}

/// Builds the optimisation method a description names (its one optional child is a schedule).
pub fn build_optim(node: &Node) -> Result<OptimMethod> {
    let f = |k: &str, d: f64| node.float_or(k, d);
    let (rule, lr) = match node.kind.as_str() {
        "SGD" => {
            let momentum = f("momentum", 0.0)?;
            let sgd = Sgd {
                learning_rate: f("learningRate", 1e-3)?,
                learning_rate_decay: f("learningRateDecay", 0.0)?,
                weight_decay: f("weightDecay", 0.0)?,
                momentum,
                dampening: f("dampening", momentum)?,
                nesterov: node.flag("nesterov", false)?,
            };
            let lr = sgd.learning_rate;
            (Rule::Sgd(sgd), lr)
        }
        "Adam" => (
            Rule::Adaptive(Adaptive::Adam {
                beta1: f("beta1", 0.9)?,
                beta2: f("beta2", 0.999)?,
                epsilon: f("Epsilon", 1e-8)?,
            }),
            f("learningRate", 1e-3)?,
        ),
        "AdamW" => (
            Rule::Adaptive(Adaptive::AdamW {
                beta1: f("beta1", 0.9)?,
                beta2: f("beta2", 0.999)?,
                epsilon: f("Epsilon", 1e-8)?,
                weight_decay: f("weightDecay", 0.01)?,
            }),
            f("learningRate", 1e-3)?,
        ),
        "Adamax" => (
            Rule::Adaptive(Adaptive::Adamax {
                beta1: f("beta1", 0.9)?,
                beta2: f("beta2", 0.999)?,
                epsilon: f("Epsilon", 1e-38)?,
            }),
            f("learningRate", 0.002)?,
        ),
        "Adagrad" => (
            Rule::Adaptive(Adaptive::Adagrad {
                weight_decay: f("weightDecay", 0.0)?,
            }),
            f("learningRate", 1e-3)?,
        ),
        "RMSprop" => (
            Rule::Adaptive(Adaptive::RMSprop {
                decay_rate: f("decayRate", 0.99)?,
                epsilon: f("Epsilon", 1e-8)?,
            }),
            f("learningRate", 1e-2)?,
        ),
        "Adadelta" => (
            Rule::Adaptive(Adaptive::Adadelta {
                decay_rate: f("decayRate", 0.9)?,
                epsilon: f("Epsilon", 1e-10)?,
            }),
            f("learningRate", 1.0)?,
        ),
        other => {
            return Err(Error::UnknownLayer {
                kind: format!("optimisation method {other}"),
            })
        }
    };
    if node.children.len() > 1 {
        return Err(Error::invalid(
            &node.kind,
            "at most one learning-rate schedule",
        ));
    }
    let clipping = Clipping {
        constant: match (
            node.attrs.contains_key("clipMin"),
            node.attrs.contains_key("clipMax"),
        ) {
            (false, false) => None,
            _ => Some((
                f("clipMin", f64::NEG_INFINITY)?,
                f("clipMax", f64::INFINITY)?,
            )),
        },
        l2_norm: if node.attrs.contains_key("clipNorm") {
            Some(f("clipNorm", 1.0)?)
        } else {
            None
        },
    };
    let decay = f("learningRateDecay", 0.0)?;
    OptimMethod {
        rule,
        learning_rate: lr,
        schedule: schedule(node.children.first(), decay)?,
        clipping,
    }
    .validated()
}
