//! The optimisation cases shared by the trajectory and round-trip tests: descriptions of every
//! method and schedule, the fixtures of fixtures/optim_reference.txt, and the 20-step driver.

#![allow(dead_code)]

use ferrodl_core::optim::{DecayTable, OptimMethod, OptimState};
use ferrodl_core::spec::Node;
use std::collections::HashMap;

pub type Fixtures = HashMap<String, Vec<f64>>;

pub fn fixtures() -> Fixtures {
    include_str!("../fixtures/optim_reference.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (head, values) = l.split_once(": ").expect("record");
            let name = head.split(' ').next().expect("name");
            let values = values
                .split(' ')
                .map(|v| v.parse().expect("number"))
                .collect();
            (name.to_string(), values)
        })
        .collect()
}

pub fn get<'a>(f: &'a Fixtures, key: &str) -> &'a [f64] {
    f.get(key)
        .unwrap_or_else(|| panic!("fixture {key} missing"))
}

pub fn floats(v: &[f64]) -> Vec<f32> {
    v.iter().map(|x| *x as f32).collect()
}

/// Where a case's reference trajectory comes from.
#[derive(Debug, Clone, Copy)]
pub enum Reference {
    /// `torch.optim` (with `torch.optim.lr_scheduler` for the schedules).
    Torch,
    /// BigDL's formulas, written out in gen_optim_reference.py.
    BigDl,
}

/// A description with number attributes.
pub fn node(kind: &str, attrs: &[(&str, f64)]) -> Node {
    attrs
        .iter()
        .fold(Node::new(kind), |n, (k, v)| n.floats(k, &[*v]))
}

/// SGD(learningRate = lr, momentum = 0.5, dampening = 0) with a schedule.
pub fn sgd_with(lr: f64, schedule: Node) -> Node {
    node(
        "SGD",
        &[("learningRate", lr), ("momentum", 0.5), ("dampening", 0.0)],
    )
    .child(schedule)
}

/// A decay function tabulated for epochs 1..=100, as the JVM sends it.
pub fn decay(node: Node, f: impl Fn(i64) -> f64) -> Node {
    let t = DecayTable::from_values(&(1..=100).map(f).collect::<Vec<_>>());
    let epochs: Vec<i64> = t.epochs.iter().map(|e| *e as i64).collect();
    node.ints("epochs", &epochs)
        .floats("exponents", &t.exponents)
}

pub fn regime(start: i64, end: i64, config: &[(&str, f64)]) -> Node {
    node("Regime", config)
        .ints("startEpoch", &[start])
        .ints("endEpoch", &[end])
}

pub fn plateau(monitor: &str, mode: &str, attrs: &[(&str, f64)]) -> Node {
    node("Plateau", attrs)
        .string("monitor", monitor)
        .string("mode", mode)
}

/// Every case: name, reference, description (`per_parameter` holds the fixture's
/// learningRates and weightDecays for the problem).
pub fn cases(per_parameter: (&[f64], &[f64])) -> Vec<(&'static str, Reference, Node)> {
    use Reference::*;
    let (lrs, wds) = per_parameter;
    vec![
        ("sgd_plain", Torch, node("SGD", &[("learningRate", 0.1)])),
        (
            "sgd_momentum",
            Torch,
            node(
                "SGD",
                &[
                    ("learningRate", 0.05),
                    ("momentum", 0.9),
                    ("dampening", 0.0),
                    ("weightDecay", 0.01),
                ],
            ),
        ),
        (
            "sgd_nesterov",
            Torch,
            node(
                "SGD",
                &[
                    ("learningRate", 0.05),
                    ("momentum", 0.8),
                    ("dampening", 0.0),
                ],
            )
            .ints("nesterov", &[1]),
        ),
        // BigDL's dampening defaults to the momentum.
        (
            "sgd_dampening",
            Torch,
            node("SGD", &[("learningRate", 0.1), ("momentum", 0.7)]),
        ),
        (
            "sgd_decay",
            Torch,
            node("SGD", &[("learningRate", 0.2), ("learningRateDecay", 0.1)]),
        ),
        ("Adam", Torch, node("Adam", &[("learningRate", 0.05)])),
        (
            "AdamW",
            Torch,
            node(
                "AdamW",
                &[
                    ("learningRate", 0.05),
                    ("beta1", 0.8),
                    ("beta2", 0.99),
                    ("weightDecay", 0.1),
                ],
            ),
        ),
        ("Adamax", Torch, node("Adamax", &[("learningRate", 0.1)])),
        (
            "Adagrad",
            Torch,
            node(
                "Adagrad",
                &[
                    ("learningRate", 0.3),
                    ("learningRateDecay", 0.01),
                    ("weightDecay", 0.02),
                ],
            ),
        ),
        ("RMSprop", Torch, node("RMSprop", &[("learningRate", 0.01)])),
        ("Adadelta", Torch, node("Adadelta", &[("Epsilon", 1e-6)])),
        // torch.optim.LBFGS(max_iter = 1, line_search_fn = None), one gradient per step.
        ("lbfgs", Torch, Node::new("LBFGS")),
        (
            "lbfgs_short",
            Torch,
            node("LBFGS", &[("learningRate", 0.5)]).ints("nCorrection", &[3]),
        ),
        (
            "step",
            Torch,
            sgd_with(0.1, node("Step", &[("gamma", 0.5)]).ints("stepSize", &[4])),
        ),
        (
            "multistep",
            Torch,
            sgd_with(
                0.1,
                node("MultiStep", &[("gamma", 0.5)]).ints("stepSizes", &[3, 8, 15]),
            ),
        ),
        (
            "poly",
            Torch,
            sgd_with(
                0.1,
                node("Poly", &[("power", 2.0)]).ints("maxIteration", &[25]),
            ),
        ),
        (
            "exponential",
            Torch,
            sgd_with(
                0.1,
                node("Exponential", &[("decayRate", 0.5)]).ints("decayStep", &[4]),
            ),
        ),
        (
            "exponential_stair",
            Torch,
            sgd_with(
                0.1,
                node("Exponential", &[("decayRate", 0.5)])
                    .ints("decayStep", &[4])
                    .ints("stairCase", &[1]),
            ),
        ),
        (
            "natural_exp",
            Torch,
            sgd_with(
                0.1,
                node("NaturalExp", &[("gamma", 0.3)]).ints("decay_step", &[3]),
            ),
        ),
        (
            "warmup",
            Torch,
            sgd_with(0.1, node("Warmup", &[("delta", 0.01)])),
        ),
        (
            "epoch_step",
            Torch,
            sgd_with(
                0.1,
                node("EpochStep", &[("gamma", 0.5)]).ints("stepSize", &[2]),
            ),
        ),
        (
            "ftrl",
            BigDl,
            node(
                "Ftrl",
                &[
                    ("learningRate", 0.1),
                    ("l1RegularizationStrength", 0.01),
                    ("l2RegularizationStrength", 0.02),
                ],
            ),
        ),
        (
            "ftrl_shrinkage",
            BigDl,
            node(
                "Ftrl",
                &[
                    ("learningRate", 0.05),
                    ("learningRatePower", -0.6),
                    ("initialAccumulatorValue", 0.2),
                    ("l1RegularizationStrength", 0.001),
                    ("l2ShrinkageRegularizationStrength", 0.01),
                ],
            ),
        ),
        (
            "lars",
            BigDl,
            node("LarsSGD", &[("learningRate", 0.1), ("trust", 0.8)]),
        ),
        (
            "lars_blocks",
            BigDl,
            node("LarsSGD", &[("learningRate", 0.1), ("trust", 0.8)]).ints("blocks", &[16, 10]),
        ),
        (
            "sgd_per_parameter",
            BigDl,
            node(
                "SGD",
                &[("learningRate", 0.1), ("momentum", 0.5), ("dampening", 0.0)],
            )
            .floats("learningRates", lrs)
            .floats("weightDecays", wds),
        ),
        (
            "epoch_schedule",
            BigDl,
            sgd_with(
                0.3,
                Node::new("EpochSchedule")
                    .child(regime(1, 2, &[("learningRate", 0.1), ("weightDecay", 0.0)]))
                    .child(regime(
                        3,
                        4,
                        &[("learningRate", 0.05), ("weightDecay", 0.01)],
                    ))
                    .child(regime(6, 7, &[("learningRate", 0.02)])),
            ),
        ),
        (
            "epoch_decay",
            BigDl,
            sgd_with(
                0.1,
                decay(Node::new("EpochDecay"), |e| ((e - 1) / 2) as f64),
            ),
        ),
        (
            "epoch_decay_warmup",
            BigDl,
            sgd_with(
                0.1,
                decay(
                    node("EpochDecayWithWarmUp", &[("warmUpDelta", 0.02)])
                        .ints("warmUpIteration", &[5]),
                    |e| ((e - 1) / 3) as f64,
                ),
            ),
        ),
        (
            "sequential",
            BigDl,
            sgd_with(
                0.1,
                Node::new("SequentialSchedule")
                    .ints("iterationPerEpoch", &[3])
                    .ints("maxIterations", &[4, 6, 100])
                    .child(node("Warmup", &[("delta", 0.02)]))
                    .child(node("Poly", &[("power", 0.5)]).ints("maxIteration", &[30]))
                    .child(node("Step", &[("gamma", 0.5)]).ints("stepSize", &[3])),
            ),
        ),
        (
            "plateau_max",
            BigDl,
            sgd_with(
                0.1,
                plateau(
                    "score",
                    "max",
                    &[("factor", 0.5), ("epsilon", 1e-4), ("minLr", 0.02)],
                )
                .ints("patience", &[1])
                .ints("cooldown", &[1]),
            ),
        ),
        (
            "plateau_loss",
            BigDl,
            sgd_with(
                0.1,
                plateau("Loss", "min", &[("factor", 0.5), ("epsilon", 0.05)])
                    .ints("patience", &[0]),
            ),
        ),
        (
            "sequential_plateau",
            BigDl,
            sgd_with(
                0.1,
                Node::new("SequentialSchedule")
                    .ints("iterationPerEpoch", &[3])
                    .ints("maxIterations", &[4, 100])
                    .child(node("Warmup", &[("delta", 0.03)]))
                    .child(plateau("score", "max", &[("factor", 0.5)]).ints("patience", &[1])),
            ),
        ),
    ]
}

/// Steps `ks` (of 0..20) from `w` and `state`: step k in epoch 1 + k / 3, the monitored
/// values (if any) reported after the last step of every epoch; the weights after every step go
/// to `trace`, and the state after the last is returned.
pub fn steps(
    m: &OptimMethod,
    w: &mut [f32],
    mut state: OptimState,
    ks: std::ops::Range<usize>,
    grad: &mut dyn FnMut(usize, &[f32]) -> Vec<f32>,
    observed: Option<&[f64]>,
    trace: &mut Vec<Vec<f32>>,
) -> OptimState {
    for k in ks {
        let mut g = grad(k, w);
        state = m.step(w, &mut g, 1 + k as u64 / 3, state).expect("step");
        trace.push(w.to_vec());
        if let (Some(values), 2) = (observed, k % 3) {
            m.observe(&mut state, values[k / 3]).expect("observe");
        }
    }
    state
}

/// 20 steps from `w0`; the weights after every step.
pub fn run(
    m: &OptimMethod,
    w0: &[f64],
    mut grad: impl FnMut(usize, &[f32]) -> Vec<f32>,
    observed: Option<&[f64]>,
) -> Vec<Vec<f32>> {
    let mut w = floats(w0);
    let mut out = Vec::new();
    steps(
        m,
        &mut w,
        OptimState::default(),
        0..20,
        &mut grad,
        observed,
        &mut out,
    );
    out
}
