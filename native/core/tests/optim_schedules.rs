//! BigDL's epoch, plateau and sequential schedules: the learning rate as a function of the
//! iteration and the epoch, against values worked out by hand from BigDL's formulas.

use ferrodl_core::optim::{
    Clock, DecayTable, OptimMethod, OptimState, Plateau, Regime, Schedule, SequentialSchedule, Sgd,
};
use ferrodl_core::spec::{build_optim, Node};

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() < 1e-12 * want.abs().max(1.0),
        "{what}: {got} != {want}"
    );
}

/// Steps a schedule through iterations `0..n`, the epoch of iteration t being `epoch(t)`, and
/// `observe(e)` (if given) reported after the last step of epoch `e`; the rate of every step.
fn rates(
    s: &Schedule,
    base: f64,
    n: u64,
    epoch: impl Fn(u64) -> u64,
    observe: impl Fn(u64) -> Option<f64>,
) -> Vec<f64> {
    let mut state = s.initial_state();
    let mut out = Vec::new();
    for t in 0..n {
        let next = s.next(base, Clock::new(t, epoch(t)), &state).expect("next");
        out.push(next.rate);
        state = next.state;
        if epoch(t + 1) != epoch(t) {
            if let Some(v) = observe(epoch(t)) {
                s.observe(v, &mut state);
            }
        }
    }
    out
}

fn regime(start: u64, end: u64, lr: Option<f64>, wd: Option<f64>) -> Regime {
    Regime {
        start_epoch: start,
        end_epoch: end,
        learning_rate: lr,
        weight_decay: wd,
    }
}

#[test]
fn epoch_schedule_applies_regimes_and_keeps_the_last_values() {
    let s = Schedule::EpochSchedule {
        regimes: vec![
            regime(1, 2, Some(0.1), Some(0.0)),
            regime(3, 4, Some(0.05), Some(0.01)),
            regime(6, 7, Some(0.02), None),
        ],
    }
    .validated()
    .expect("valid");
    let at = |e: u64| s.next(0.3, Clock::new(100, e), &[]).expect("next");
    // (epoch, rate, weight decay): epoch 5 keeps regime 2's values, epoch 6 only changes the rate.
    for (e, lr, wd) in [
        (1, 0.1, 0.0),
        (2, 0.1, 0.0),
        (3, 0.05, 0.01),
        (5, 0.05, 0.01),
        (6, 0.02, 0.01),
        (9, 0.02, 0.01),
    ] {
        let n = at(e);
        close(n.rate, lr, &format!("epoch {e}"));
        assert_eq!(n.weight_decay, Some(wd), "epoch {e}");
    }
    // Before any regime: the method's own rate and weight decay.
    let late = Schedule::EpochSchedule {
        regimes: vec![regime(3, 4, Some(0.05), None)],
    };
    let n = late.next(0.3, Clock::new(0, 1), &[]).expect("next");
    assert_eq!((n.rate, n.weight_decay), (0.3, None));
    // Overlapping regimes: the later one wins where both apply.
    let overlap = Schedule::EpochSchedule {
        regimes: vec![regime(1, 5, Some(0.1), None), regime(2, 3, Some(0.2), None)],
    };
    close(
        overlap.rate(1.0, 0, 2).expect("rate"),
        0.2,
        "overlap epoch 2",
    );
    close(
        overlap.rate(1.0, 0, 4).expect("rate"),
        0.1,
        "overlap epoch 4",
    );
    // BigDL's requirements.
    for bad in [regime(0, 2, Some(0.1), None), regime(3, 2, Some(0.1), None)] {
        let s = Schedule::EpochSchedule { regimes: vec![bad] };
        assert!(s.validated().is_err());
    }
    let momentum = Node::new("SGD").child(
        Node::new("EpochSchedule").child(
            Node::new("Regime")
                .ints("startEpoch", &[1])
                .ints("endEpoch", &[2])
                .floats("momentum", &[0.9]),
        ),
    );
    let e = build_optim(&momentum).expect_err("momentum is not supported");
    assert!(e.to_string().contains("momentum"), "{e}");
}

#[test]
fn a_regime_weight_decay_drives_sgd() {
    let regimes = vec![regime(2, 2, None, Some(0.5))];
    let m = OptimMethod {
        rule: ferrodl_core::optim::Rule::Sgd(Sgd {
            learning_rate: 0.1,
            ..Sgd::default()
        }),
        learning_rate: 0.1,
        schedule: Schedule::EpochSchedule { regimes },
        clipping: Default::default(),
    };
    let mut w = vec![1.0f32];
    let s = m
        .step(&mut w, &mut [0.0], 1, OptimState::default())
        .expect("step");
    assert_eq!(w, vec![1.0], "epoch 1: no weight decay");
    m.step(&mut w, &mut [0.0], 2, s).expect("step");
    assert_eq!(w, vec![1.0 - 0.1 * 0.5], "epoch 2: the regime's");
}

#[test]
fn epoch_decay_reads_its_table() {
    let t = DecayTable::from_values(&[0.0, 0.0, 1.0, 1.0, 2.0]);
    assert_eq!(t.epochs, vec![1, 3, 5]);
    assert_eq!(t.exponents, vec![0.0, 1.0, 2.0]);
    assert_eq!(
        [t.at(-1), t.at(1), t.at(2), t.at(4), t.at(5), t.at(1000)],
        [0.0, 0.0, 0.0, 1.0, 2.0, 2.0]
    );
    let s = Schedule::EpochDecay { decay: t.clone() };
    close(s.rate(0.1, 0, 1).expect("rate"), 0.1, "epoch 1");
    close(s.rate(0.1, 0, 4).expect("rate"), 0.01, "epoch 4");
    close(s.rate(0.1, 0, 9).expect("rate"), 0.001, "epoch 9");
    // In a stage of a sequence, the stage's epoch.
    let clock = Clock {
        exclude_epochs: 2,
        ..Clock::new(0, 5)
    };
    close(
        s.next(0.1, clock, &[]).expect("next").rate,
        0.01,
        "stage epoch 3",
    );
    for bad in [
        DecayTable {
            epochs: vec![2],
            exponents: vec![1.0],
        },
        DecayTable {
            epochs: vec![1, 1],
            exponents: vec![1.0, 2.0],
        },
        DecayTable {
            epochs: vec![1],
            exponents: vec![],
        },
    ] {
        assert!(Schedule::EpochDecay { decay: bad }.validated().is_err());
    }
}

#[test]
fn epoch_decay_with_warm_up() {
    // decayType(e) = (e - 1) / 3, warm-up 5 iterations of +0.02 from 0.1.
    let s = Schedule::EpochDecayWithWarmUp {
        warm_up_iteration: 5,
        warm_up_delta: 0.02,
        decay: DecayTable::from_values(&(1..=20).map(|e| ((e - 1) / 3) as f64).collect::<Vec<_>>()),
    };
    close(s.rate(0.1, 0, 1).expect("rate"), 0.1, "t 0");
    close(s.rate(0.1, 4, 1).expect("rate"), 0.18, "t 4");
    close(s.rate(0.1, 5, 2).expect("rate"), 0.2, "t 5, epoch 2");
    close(s.rate(0.1, 12, 5).expect("rate"), 0.02, "t 12, epoch 5");
    close(s.rate(0.1, 30, 7).expect("rate"), 0.002, "t 30, epoch 7");
}

#[test]
fn plateau_waits_reduces_cools_down_and_stops_at_min_lr() {
    let p = Plateau {
        monitor: "score".into(),
        factor: 0.5,
        patience: 2,
        max_mode: true,
        epsilon: 0.01,
        cooldown: 1,
        min_lr: 0.03,
    };
    let s = Schedule::Plateau(p.clone()).validated().expect("valid");
    // The score after each epoch 1..15; two steps per epoch.
    let scores = [
        0.5, 0.6, 0.605, 0.6, 0.59, 0.7, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69,
    ];
    let got = rates(
        &s,
        0.2,
        32,
        |t| 1 + t / 2,
        |e| scores.get(e as usize - 1).copied(),
    );
    // By hand, epoch by epoch: improvements in 2, 3 and 7; reductions in 6, 10 and 13 (to minLr);
    // none in 16, where the rate is already minLr.
    let want = [
        0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03,
    ];
    for (e, w) in want.iter().enumerate() {
        for t in [2 * e, 2 * e + 1] {
            close(got[t], *w, &format!("epoch {} step {t}", e + 1));
        }
    }

    // min mode, patience 0: every epoch without improvement reduces.
    let min = Schedule::Plateau(Plateau {
        max_mode: false,
        patience: 0,
        cooldown: 0,
        min_lr: 0.0,
        factor: 0.1,
        ..p.clone()
    });
    let losses = [1.0, 0.9, 0.9, 0.9];
    let got = rates(
        &min,
        1.0,
        5,
        |t| 1 + t,
        |e| losses.get(e as usize - 1).copied(),
    );
    for (t, w) in [1.0, 1.0, 1.0, 0.1, 0.01].iter().enumerate() {
        close(got[t], *w, &format!("min mode epoch {}", t + 1));
    }

    // Parameters BigDL rejects.
    for bad in [
        Plateau {
            factor: 1.0,
            ..p.clone()
        },
        Plateau {
            monitor: "accuracy".into(),
            ..p.clone()
        },
        Plateau {
            min_lr: -1.0,
            ..p.clone()
        },
    ] {
        assert!(Schedule::Plateau(bad).validated().is_err());
    }
}

#[test]
fn plateau_without_its_value_is_a_clear_error_that_leaves_the_state() {
    let m = build_optim(
        &Node::new("SGD")
            .floats("learningRate", &[0.1])
            .child(Node::new("Plateau").string("monitor", "score")),
    )
    .expect("sgd");
    let mut w = vec![1.0f32];
    let mut state = OptimState::default();
    m.step_in_place(&mut w, &mut [1.0], 1, &mut state)
        .expect("epoch 1 needs no value");
    let before = (w.clone(), state.clone());
    let e = m
        .step_in_place(&mut w, &mut [1.0], 2, &mut state)
        .expect_err("epoch 2 needs the score");
    assert!(
        e.to_string().contains("score") && e.to_string().contains("setValidation"),
        "{e}"
    );
    assert_eq!((w.clone(), state.clone()), before);
    m.observe(&mut state, 0.9).expect("observe");
    m.step_in_place(&mut w, &mut [1.0], 2, &mut state)
        .expect("now it has one");
    // Without a Plateau, observing is a no-op.
    let plain = build_optim(&Node::new("SGD")).expect("sgd");
    let mut s = OptimState::default();
    plain.observe(&mut s, 1.0).expect("observe");
    assert_eq!(s, OptimState::default());
}

#[test]
fn sequential_schedule_carries_the_rate_from_stage_to_stage() {
    // SequentialSchedule(3).add(Warmup(0.02), 4).add(Poly(0.5, 30), 6).add(Step(3, 0.5), 100)
    let s = Schedule::Sequential(SequentialSchedule {
        iteration_per_epoch: 3,
        stages: vec![
            (Schedule::Warmup { delta: 0.02 }, 4),
            (
                Schedule::Poly {
                    power: 0.5,
                    max_iteration: 30,
                },
                6,
            ),
            (
                Schedule::Step {
                    step_size: 3,
                    gamma: 0.5,
                },
                100,
            ),
        ],
    })
    .validated()
    .expect("valid");
    let got = rates(&s, 0.1, 200, |t| 1 + t / 3, |_| None);
    // Warmup for t = 0..=4 (BigDL moves on when t > 4), from 0.1.
    for (t, got) in got.iter().enumerate().take(5) {
        close(*got, 0.1 + 0.02 * t as f64, &format!("warm-up t {t}"));
    }
    // Poly from the warm-up's last rate, on the whole run's iteration, for t = 5..=10.
    for (t, got) in got.iter().enumerate().take(11).skip(5) {
        let want = 0.18 * (1.0 - t as f64 / 30.0).sqrt();
        close(*got, want, &format!("poly t {t}"));
    }
    // Step from Poly's last rate, on its own iteration t - 10; and on past its iterations.
    let r10 = 0.18 * (1.0f64 - 10.0 / 30.0).sqrt();
    for (t, k) in [(11, 0), (12, 0), (13, 1), (16, 2), (199, 63)] {
        close(got[t], r10 * 0.5f64.powi(k), &format!("step t {t}"));
    }

    // A stage sees its own epoch: e - excludeIterations / iterationPerEpoch.
    let epochs = Schedule::Sequential(SequentialSchedule {
        iteration_per_epoch: 2,
        stages: vec![
            (Schedule::Warmup { delta: 0.0 }, 3),
            (
                Schedule::EpochStep {
                    step_size: 1,
                    gamma: 0.5,
                },
                100,
            ),
        ],
    });
    let got = rates(&epochs, 0.1, 8, |t| 1 + t / 2, |_| None);
    // t = 4, 5 in epoch 3 = stage epoch 2; t = 6, 7 in stage epoch 3.
    for (t, want) in [(3, 0.1), (4, 0.025), (5, 0.025), (6, 0.0125)] {
        close(got[t], want, &format!("epoch stage t {t}"));
    }

    let bad = |stages, ipe| {
        Schedule::Sequential(SequentialSchedule {
            iteration_per_epoch: ipe,
            stages,
        })
        .validated()
        .is_err()
    };
    assert!(bad(vec![], 1));
    assert!(bad(vec![(Schedule::Warmup { delta: 0.0 }, 0)], 1));
    assert!(bad(vec![(Schedule::Warmup { delta: 0.0 }, 1)], 0));
    let mismatch = Node::new("SGD").child(
        Node::new("SequentialSchedule")
            .ints("maxIterations", &[3])
            .child(Node::new("Warmup"))
            .child(Node::new("Warmup")),
    );
    assert!(build_optim(&mismatch).is_err());
}

#[test]
fn a_state_saved_with_another_schedule_is_refused() {
    let plateau = build_optim(&Node::new("SGD").child(Node::new("Plateau"))).expect("plateau");
    let mut state = OptimState::default();
    plateau.observe(&mut state, 1.0).expect("observe");
    let plain = build_optim(&Node::new("SGD")).expect("sgd");
    let e = plain
        .current_rate(&state, 1)
        .expect_err("the state is a Plateau's");
    assert!(e.to_string().contains("schedule"), "{e}");
}
