//! Optimisation methods: 20-step trajectories against PyTorch, schedules against hand-worked
//! values, clipping, descriptions and state round trips.

use ferrodl_core::optim::{Adaptive, Clipping, OptimMethod, OptimState, Rule, Schedule};
use ferrodl_core::spec::{build_optim, Node};
use std::collections::HashMap;

fn fixtures() -> HashMap<String, Vec<f64>> {
    include_str!("fixtures/torch_reference.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (head, values) = l.split_once(": ")?;
            let name = head.split(' ').next()?;
            Some((
                name.to_string(),
                values
                    .split(' ')
                    .map(|v| v.parse().expect("number"))
                    .collect(),
            ))
        })
        .collect()
}

fn trajectory(m: &OptimMethod, f: &HashMap<String, Vec<f64>>) -> Vec<Vec<f32>> {
    let a: Vec<f32> = f["quadratic/a"].iter().map(|&v| v as f32).collect();
    let c: Vec<f32> = f["quadratic/c"].iter().map(|&v| v as f32).collect();
    let mut w: Vec<f32> = f["quadratic/w0"].iter().map(|&v| v as f32).collect();
    let mut state = OptimState::default();
    let mut out = Vec::new();
    for _ in 0..20 {
        let mut g: Vec<f32> = (0..w.len()).map(|i| a[i] * (w[i] - c[i])).collect();
        state = m.step(&mut w, &mut g, 1, state).expect("step");
        out.push(w.clone());
    }
    out
}

fn node(kind: &str, attrs: &[(&str, f64)]) -> Node {
    attrs
        .iter()
        .fold(Node::new(kind), |n, (k, v)| n.floats(k, &[*v]))
}

#[test]
fn adaptive_methods_follow_pytorch_for_20_steps() {
    let f = fixtures();
    let cases = [
        ("Adam", node("Adam", &[("learningRate", 0.05)])),
        (
            "AdamW",
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
        ("Adamax", node("Adamax", &[("learningRate", 0.1)])),
        (
            "Adagrad",
            node(
                "Adagrad",
                &[
                    ("learningRate", 0.3),
                    ("learningRateDecay", 0.01),
                    ("weightDecay", 0.02),
                ],
            ),
        ),
        ("RMSprop", node("RMSprop", &[("learningRate", 0.01)])),
        ("Adadelta", node("Adadelta", &[("Epsilon", 1e-6)])),
    ];
    for (name, n) in cases {
        let m = build_optim(&n).expect("optim");
        let want = &f[&format!("optim_{name}/trajectory")];
        for (step, w) in trajectory(&m, &f).iter().enumerate() {
            for (i, got) in w.iter().enumerate() {
                let expect = want[step * 6 + i];
                assert!(
                    (*got as f64 - expect).abs() <= 2e-5 * expect.abs().max(1.0),
                    "{name} step {} w[{i}]: torch {expect}, ferrodl {got}",
                    step + 1
                );
            }
        }
    }
}

#[test]
fn schedules_match_hand_worked_values() {
    let close = |a: Result<f64, ferrodl_core::Error>, b: f64| {
        let a = a.expect("rate");
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    };
    let base = 0.1;
    close(Schedule::Default { decay: 0.5 }.rate(base, 3, 1), 0.1 / 2.5);
    let step = Schedule::Step {
        step_size: 10,
        gamma: 0.5,
    };
    close(step.rate(base, 9, 1), 0.1);
    close(step.rate(base, 10, 1), 0.05);
    close(step.rate(base, 25, 1), 0.025);
    let multi = Schedule::MultiStep {
        steps: vec![3, 7],
        gamma: 0.1,
    };
    close(multi.rate(base, 2, 1), 0.1);
    close(multi.rate(base, 3, 1), 0.01);
    close(multi.rate(base, 8, 1), 0.001);
    let poly = Schedule::Poly {
        power: 2.0,
        max_iteration: 10,
    };
    close(poly.rate(base, 5, 1), 0.1 * 0.25);
    close(poly.rate(base, 11, 1), 0.0);
    close(
        Schedule::Exponential {
            decay_step: 4,
            decay_rate: 0.5,
            stair_case: false,
        }
        .rate(base, 2, 1),
        0.1 * 0.5f64.sqrt(),
    );
    close(
        Schedule::Exponential {
            decay_step: 4,
            decay_rate: 0.5,
            stair_case: true,
        }
        .rate(base, 6, 1),
        0.05,
    );
    close(
        Schedule::NaturalExp {
            decay_step: 2,
            gamma: 0.3,
        }
        .rate(base, 5, 1),
        0.1 * (-0.6f64).exp(),
    );
    close(Schedule::Warmup { delta: 0.01 }.rate(base, 4, 1), 0.14);
    let epoch = Schedule::EpochStep {
        step_size: 2,
        gamma: 0.5,
    };
    close(epoch.rate(base, 1000, 1), 0.1);
    close(epoch.rate(base, 1000, 2), 0.05);
    close(epoch.rate(base, 1000, 5), 0.025);
    assert!(Schedule::Step {
        step_size: 0,
        gamma: 0.5
    }
    .validated()
    .is_err());
    assert!(Schedule::MultiStep {
        steps: vec![5, 3],
        gamma: 0.5
    }
    .validated()
    .is_err());
}

#[test]
fn schedules_and_clipping_come_from_descriptions() {
    let sgd = Node::new("SGD")
        .floats("learningRate", &[0.1])
        .floats("clipMin", &[-0.5])
        .floats("clipMax", &[0.5])
        .child(
            Node::new("Step")
                .ints("stepSize", &[2])
                .floats("gamma", &[0.1]),
        );
    let m = build_optim(&sgd).expect("sgd");
    assert_eq!(
        m.schedule,
        Schedule::Step {
            step_size: 2,
            gamma: 0.1
        }
    );
    let mut w = vec![1.0f32, 1.0];
    let mut state = OptimState::default();
    for _ in 0..3 {
        let mut g = vec![2.0f32, -0.25];
        state = m.step(&mut w, &mut g, 1, state).expect("step");
    }
    // Clipped gradient (0.5, -0.25); rates 0.1, 0.1, 0.01.
    assert!((w[0] - (1.0 - 0.5 * 0.21)).abs() < 1e-6, "{w:?}");
    assert!((w[1] - (1.0 + 0.25 * 0.21)).abs() < 1e-6, "{w:?}");

    let clip = Clipping {
        constant: None,
        l2_norm: Some(1.0),
    };
    let mut g = vec![3.0f32, 4.0];
    clip.apply(&mut g);
    assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6);
    let mut small = vec![0.3f32, 0.4];
    clip.apply(&mut small);
    assert_eq!(small, vec![0.3, 0.4]);

    assert!(build_optim(&Node::new("Nadam")).is_err());
    assert!(build_optim(&node("Adam", &[("beta1", 1.5)])).is_err());
    assert!(build_optim(&node("SGD", &[("clipNorm", 0.0)])).is_err());
    assert!(build_optim(&Node::new("SGD").child(Node::new("Cosine"))).is_err());
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    let m = OptimMethod {
        rule: Rule::Adaptive(Adaptive::Adam {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }),
        learning_rate: 0.01,
        schedule: Schedule::Default { decay: 0.0 },
        clipping: Clipping::default(),
    };
    let grads = |w: &[f32]| w.iter().map(|x| 2.0 * x - 1.0).collect::<Vec<f32>>();
    let mut straight = vec![0.5f32, -1.0, 2.0];
    let mut s = OptimState::default();
    for _ in 0..10 {
        let mut g = grads(&straight);
        s = m.step(&mut straight, &mut g, 1, s).expect("step");
    }
    let mut resumed = vec![0.5f32, -1.0, 2.0];
    let mut s = OptimState::default();
    for _ in 0..5 {
        let mut g = grads(&resumed);
        s = m.step(&mut resumed, &mut g, 1, s).expect("step");
    }
    let mut s = OptimState::from_bytes(&s.to_bytes()).expect("round trip");
    for _ in 0..5 {
        let mut g = grads(&resumed);
        s = m.step(&mut resumed, &mut g, 1, s).expect("step");
    }
    assert_eq!(straight, resumed);
    assert_eq!(s.step, 10);
}
