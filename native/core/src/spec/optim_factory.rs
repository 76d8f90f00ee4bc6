//! Builds optimisation methods from descriptions, with BigDL's names and defaults.

use super::node::{Attr, Node};
use crate::error::{Error, Result};
use crate::optim::{
    Adaptive, Clipping, DecayTable, Ftrl, LarsSgd, Lbfgs, LbfgsWolfe, OptimMethod, Plateau, Regime,
    Rule, Schedule, SequentialSchedule, Sgd, WolfeOptions,
};

fn count(node: &Node, key: &str, default: u64) -> Result<u64> {
    Ok(node.size_or(key, default as usize)? as u64)
}

/// A non-negative integer attribute.
fn natural(node: &Node, key: &str, default: u64) -> Result<u64> {
    u64::try_from(node.int_or(key, default as i64)?)
        .map_err(|_| Error::invalid(&node.kind, format!("attribute '{key}' must be >= 0")))
}

/// A list of non-negative integers (empty when absent).
fn naturals(node: &Node, key: &str) -> Result<Vec<u64>> {
    match node.attrs.get(key) {
        None => Ok(Vec::new()),
        Some(Attr::Ints(v)) => v
            .iter()
            .map(|x| {
                u64::try_from(*x).map_err(|_| {
                    Error::invalid(&node.kind, format!("attribute '{key}' must be >= 0"))
                })
            })
            .collect(),
        Some(_) => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be a list of integers"),
        )),
    }
}

/// A string attribute.
fn text<'a>(node: &'a Node, key: &str, default: &'a str) -> Result<&'a str> {
    match node.attrs.get(key) {
        None => Ok(default),
        Some(Attr::Str(s)) => Ok(s),
        Some(_) => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be a string"),
        )),
    }
}

/// A per-parameter vector (`learningRates`, `weightDecays`), as floats.
fn per_parameter(node: &Node, key: &str) -> Result<Option<Vec<f32>>> {
    Ok(node
        .float_list(key)?
        .map(|v| v.iter().map(|x| *x as f32).collect()))
}

/// The tabulated decay function of `EpochDecay` and `EpochDecayWithWarmUp`.
fn decay_table(node: &Node) -> Result<DecayTable> {
    Ok(DecayTable {
        epochs: naturals(node, "epochs")?,
        exponents: node.float_list("exponents")?.unwrap_or_default(),
    })
}

/// The `Regime` children of an `EpochSchedule`.
fn regimes(node: &Node) -> Result<Vec<Regime>> {
    node.children
        .iter()
        .map(|r| {
            if r.kind != "Regime" {
                return Err(Error::invalid(
                    "EpochSchedule",
                    format!("children must be Regimes, got {}", r.kind),
                ));
            }
            for key in r.attrs.keys() {
                if !["startEpoch", "endEpoch", "learningRate", "weightDecay"]
                    .contains(&key.as_str())
                {
                    return Err(Error::invalid(
                        "EpochSchedule",
                        format!(
                            "a Regime's config may set learningRate and weightDecay, not {key}"
                        ),
                    ));
                }
            }
            let opt = |k: &str| -> Result<Option<f64>> {
                Ok(if r.attrs.contains_key(k) {
                    Some(r.float_or(k, 0.0)?)
                } else {
                    None
                })
            };
            Ok(Regime {
                start_epoch: natural(r, "startEpoch", 1)?,
                end_epoch: natural(r, "endEpoch", 1)?,
                learning_rate: opt("learningRate")?,
                weight_decay: opt("weightDecay")?,
            })
        })
        .collect()
}

/// The schedule a child node names, or BigDL's default decay.
fn schedule(node: Option<&Node>, decay: f64) -> Result<Schedule> {
    schedule_at(node, decay, 0)
}

fn schedule_at(node: Option<&Node>, decay: f64, depth: usize) -> Result<Schedule> {
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
        "EpochSchedule" => Schedule::EpochSchedule {
            regimes: regimes(s)?,
        },
        "EpochDecay" => Schedule::EpochDecay {
            decay: decay_table(s)?,
        },
        "EpochDecayWithWarmUp" => Schedule::EpochDecayWithWarmUp {
            warm_up_iteration: natural(s, "warmUpIteration", 0)?,
            warm_up_delta: f("warmUpDelta", 0.0)?,
            decay: decay_table(s)?,
        },
        "Plateau" => Schedule::Plateau(Plateau {
            monitor: text(s, "monitor", "score")?.to_string(),
            factor: f("factor", 0.1)?,
            patience: natural(s, "patience", 10)?,
            max_mode: match text(s, "mode", "min")? {
                "min" => false,
                "max" => true,
                other => {
                    return Err(Error::invalid(
                        "Plateau",
                        format!("mode must be \"min\" or \"max\", got \"{other}\""),
                    ))
                }
            },
            epsilon: f("epsilon", 1e-4)?,
            cooldown: natural(s, "cooldown", 0)?,
            min_lr: f("minLr", 0.0)?,
        }),
        "SequentialSchedule" => {
            if depth > 16 {
                return Err(Error::invalid(
                    "SequentialSchedule",
                    "schedules nested too deeply",
                ));
            }
            let max = naturals(s, "maxIterations")?;
            if max.len() != s.children.len() {
                return Err(Error::invalid(
                    "SequentialSchedule",
                    format!(
                        "{} schedules but {} maxIterations",
                        s.children.len(),
                        max.len()
                    ),
                ));
            }
            let stages = s
                .children
                .iter()
                .zip(max)
                .map(|(c, m)| Ok((schedule_at(Some(c), decay, depth + 1)?, m)))
                .collect::<Result<_>>()?;
            Schedule::Sequential(SequentialSchedule {
                iteration_per_epoch: count(s, "iterationPerEpoch", 1)?,
                stages,
            })
        }
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
                learning_rates: per_parameter(node, "learningRates")?,
                weight_decays: per_parameter(node, "weightDecays")?,
            };
            let lr = sgd.learning_rate;
            (Rule::Sgd(sgd), lr)
        }
        "Ftrl" => (
            Rule::Ftrl(Ftrl {
                learning_rate_power: f("learningRatePower", -0.5)?,
                initial_accumulator_value: f("initialAccumulatorValue", 0.1)?,
                l1: f("l1RegularizationStrength", 0.0)?,
                l2: f("l2RegularizationStrength", 0.0)?,
                l2_shrinkage: f("l2ShrinkageRegularizationStrength", 0.0)?,
            }),
            f("learningRate", 1e-3)?,
        ),
        "LarsSGD" => (
            Rule::LarsSgd(LarsSgd {
                trust: f("trust", 1.0)?,
                weight_decay: f("weightDecay", 5e-4)?,
                momentum: f("momentum", 0.5)?,
                blocks: naturals(node, "blocks")?
                    .into_iter()
                    .map(|b| b as usize)
                    .collect(),
            }),
            f("learningRate", 1e-3)?,
        ),
        "LBFGS" => {
            let lbfgs = Lbfgs {
                max_iter: natural(node, "maxIter", 20)?,
                max_eval: f("maxEval", f64::MAX)?,
                tol_fun: f("tolFun", 1e-5)?,
                tol_x: f("tolX", 1e-9)?,
                n_correction: natural(node, "nCorrection", 100)? as usize,
                verbose: node.flag("verbose", false)?,
            };
            let rule = match text(node, "lineSearch", "")? {
                "" => Rule::Lbfgs(lbfgs),
                "lswolfe" => Rule::LbfgsWolfe(LbfgsWolfe {
                    lbfgs,
                    search: WolfeOptions {
                        c1: f("lineSearchC1", 1e-4)?,
                        c2: f("lineSearchC2", 0.9)?,
                        tol_x: f("lineSearchTolX", 1e-9)?,
                        max_iter: natural(node, "lineSearchMaxIter", 20)?,
                    },
                }),
                other => {
                    return Err(Error::invalid(
                        "LBFGS",
                        format!("unknown lineSearch '{other}' (ferrodl has lswolfe)"),
                    ))
                }
            };
            (rule, f("learningRate", 1.0)?)
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
    // LarsSGD is BigDL's only method whose learningRateDecay defaults to 0.01.
    let decay = f(
        "learningRateDecay",
        if node.kind == "LarsSGD" { 0.01 } else { 0.0 },
    )?;
    OptimMethod {
        rule,
        learning_rate: lr,
        schedule: schedule(node.children.first(), decay)?,
        clipping,
    }
    .validated()
}
