//! Ftrl, LarsSGD, LBFGS and SGD's per-parameter rates: single steps worked out by hand from
//! BigDL's formulas, BigDL's defaults through descriptions, and clear errors.

use ferrodl_core::optim::{Ftrl, LarsSgd, Lbfgs, OptimState, Rule, Schedule, Sgd};
use ferrodl_core::spec::{build_optim, Node};
use ferrodl_core::Error;

fn near(got: &[f32], want: &[f64], tol: f64) {
    for (g, w) in got.iter().zip(want) {
        assert!((*g as f64 - w).abs() <= tol, "{got:?} != {want:?}");
    }
}

#[test]
fn ftrl_one_step_by_hand() {
    // accum 0.1 → 1.1, linear = 1 + (√0.1 - √1.1)/0.1 · 0.5 = -2.6629054, quad = √1.1/0.1.
    let ftrl = |l1: f64| Ftrl {
        learning_rate_power: -0.5,
        initial_accumulator_value: 0.1,
        l1,
        l2: 0.0,
        l2_shrinkage: 0.0,
    };
    for (l1, want) in [
        (0.0, 0.253_898_068_786_559),
        (1.0, 0.158_551_809_861_999_7),
        (3.0, 0.0),
    ] {
        let mut w = vec![0.5f32];
        let s = ftrl(l1)
            .step(&mut w, &[1.0], 0.1, OptimState::default())
            .expect("step");
        near(&w, &[want], 1e-6);
        near(&s.buffers[0], &[1.1], 1e-6);
        near(&s.buffers[1], &[-2.662_905_410_766_568], 1e-5);
    }
    // l2 adds 2·l2 to the denominator; the shrinkage adds 2·l2s·w to the gradient.
    let mut w = vec![0.5f32];
    Ftrl {
        l2: 0.5,
        ..ftrl(0.0)
    }
    .step(&mut w, &[1.0], 0.1, OptimState::default())
    .expect("step");
    near(
        &w,
        &[2.662_905_410_766_568 / (1.1f64.sqrt() / 0.1 + 1.0)],
        1e-6,
    );
    let mut a = vec![0.5f32];
    let mut b = vec![0.5f32];
    Ftrl {
        l2_shrinkage: 0.25,
        ..ftrl(0.0)
    }
    .step(&mut a, &[1.0], 0.1, OptimState::default())
    .expect("step");
    ftrl(0.0)
        .step(&mut b, &[1.25], 0.1, OptimState::default())
        .expect("step");
    assert_eq!(a, b);
    assert!(Ftrl {
        learning_rate_power: 0.5,
        ..ftrl(0.0)
    }
    .validated()
    .is_err());
    assert!(Ftrl {
        l1: -1.0,
        ..ftrl(0.0)
    }
    .validated()
    .is_err());
}

#[test]
fn lars_one_step_by_hand_and_its_guards() {
    let lars = LarsSgd {
        trust: 0.5,
        weight_decay: 0.1,
        momentum: 0.5,
        blocks: vec![],
    };
    // ‖w‖ = 5, ‖g‖ = 1: scale = (1 + 0.1·5)/5 = 0.3, rate = 0.1·0.5/0.3 = 1/6,
    // v = (g + 0.1·w)/6 = (0.15, 0.2).
    let mut w = vec![3.0f32, 4.0];
    let s = lars
        .step(&mut w, &[0.6, 0.8], 0.1, None, OptimState::default())
        .expect("step");
    near(&w, &[2.85, 3.8], 1e-6);
    near(&s.buffers[0], &[0.15, 0.2], 1e-6);
    // Second step: v = 0.5·v + rate·(g + wd·w).
    let mut w2 = w.clone();
    lars.step(&mut w2, &[0.0, 0.0], 0.1, None, s).expect("step");
    let scale = 0.1 * (2.85f64.hypot(3.8)) / 2.85f64.hypot(3.8);
    let rate = 0.05 / scale;
    near(
        &w2,
        &[2.85 - (0.075 + rate * 0.285), 3.8 - (0.1 + rate * 0.38)],
        1e-5,
    );
    // Per block: the second block's norms do not change the first block's rate.
    let blocks = LarsSgd {
        blocks: vec![2, 1],
        ..lars.clone()
    };
    let mut wb = vec![3.0f32, 4.0, 100.0];
    blocks
        .step(&mut wb, &[0.6, 0.8, 7.0], 0.1, None, OptimState::default())
        .expect("step");
    near(&wb[..2], &[2.85, 3.8], 1e-6);
    // BigDL's guards: zero weights (scale inf → 1e4), zero everything (NaN → 1).
    let plain = LarsSgd {
        weight_decay: 0.0,
        momentum: 0.0,
        ..lars.clone()
    };
    let mut z = vec![0.0f32, 0.0];
    plain
        .step(&mut z, &[1.0, 0.0], 1.0, None, OptimState::default())
        .expect("step");
    near(&z, &[-0.5 / 1e4, 0.0], 1e-9);
    let mut z = vec![0.0f32];
    plain
        .step(&mut z, &[0.0], 1.0, None, OptimState::default())
        .expect("step");
    assert_eq!(z, vec![0.0]);
    // Blocks must cover the weights.
    let e = LarsSgd {
        blocks: vec![1],
        ..lars.clone()
    }
    .step(
        &mut [1.0, 2.0],
        &[1.0, 1.0],
        0.1,
        None,
        OptimState::default(),
    )
    .expect_err("blocks");
    assert!(
        e.to_string()
            .contains("the blocks hold 1 parameters, the model has 2"),
        "{e}"
    );
    assert!(LarsSgd {
        trust: 0.0,
        ..lars.clone()
    }
    .validated()
    .is_err());
    assert!(LarsSgd { trust: 1.5, ..lars }.validated().is_err());
}

#[test]
fn lbfgs_two_iterations_by_hand() {
    // f = (w₁² + 4w₂²)/2 from (1, 1): g = (1, 4), d = -g, t = min(1, 1/5) = 0.2 → (0.8, 0.2).
    // Then y = (-0.2, -3.2), s = (-0.2, -0.8), H = y·s/y·y and the two-loop direction.
    let lbfgs = Lbfgs {
        max_iter: 20,
        max_eval: f64::MAX,
        tol_fun: 1e-5,
        tol_x: 1e-9,
        n_correction: 100,
        verbose: false,
    };
    let mut w = vec![1.0f32, 1.0];
    let grad = |w: &[f32]| vec![w[0], 4.0 * w[1]];
    let g = grad(&w);
    let s = lbfgs
        .step(&mut w, &g, 1.0, OptimState::default())
        .expect("step");
    near(&w, &[0.8, 0.2], 1e-7);
    assert_eq!(s.scalars, vec![0.2, 1.0, 1.0]);
    let g = grad(&w);
    let s = lbfgs.step(&mut w, &g, 1.0, s).expect("step");
    near(&w, &[0.543_070_94, -0.033_941_93], 1e-6);
    assert_eq!(
        s.buffers.len(),
        4,
        "direction, previous gradient, one (s, y) pair"
    );
    assert_eq!((s.step, s.scalars[2]), (2, 2.0));
    // At an optimal point (Σ|g| < tolFun) it does not move, but counts the step.
    let before = w.clone();
    let s = lbfgs.step(&mut w, &[1e-7, 0.0], 1.0, s).expect("step");
    assert_eq!((w, s.step, s.scalars[2]), (before, 3, 2.0));
    assert!(Lbfgs {
        n_correction: 0,
        ..lbfgs.clone()
    }
    .validated()
    .is_err());
    assert!(Lbfgs {
        max_iter: 0,
        ..lbfgs
    }
    .validated()
    .is_err());
}

#[test]
fn sgd_per_parameter_rates_and_decays() {
    let sgd = Sgd {
        learning_rate: 0.1,
        learning_rates: Some(vec![1.0, 2.0]),
        weight_decays: Some(vec![0.5, 0.0]),
        ..Sgd::default()
    }
    .validated()
    .expect("sgd");
    let mut w = vec![1.0f32, 1.0];
    sgd.step(&mut w, &[1.0, 1.0], OptimState::default())
        .expect("step");
    near(&w, &[1.0 - 0.1 * 1.5, 1.0 - 0.2], 1e-7);
    // A scalar weight decay wins over the per-parameter ones (BigDL).
    let scalar = Sgd {
        weight_decay: 0.25,
        ..sgd.clone()
    };
    let mut w = vec![1.0f32, 1.0];
    scalar
        .step(&mut w, &[1.0, 1.0], OptimState::default())
        .expect("step");
    near(&w, &[1.0 - 0.125, 1.0 - 0.25], 1e-7);
    // The length must be the weights'.
    let mut w3 = vec![0.0f32; 3];
    let e = sgd
        .step(&mut w3, &[1.0; 3], OptimState::default())
        .expect_err("length");
    assert_eq!(
        e.to_string(),
        "SGD: weightDecays buffer has 2 elements, the model needs 3"
    );
    let e = Sgd {
        weight_decays: None,
        ..sgd.clone()
    }
    .step(&mut w3, &[1.0; 3], OptimState::default())
    .expect_err("length");
    assert_eq!(
        e.to_string(),
        "SGD: learningRates buffer has 2 elements, the model needs 3"
    );
    let e = Sgd {
        learning_rates: Some(vec![1.0, f32::NAN]),
        ..Sgd::default()
    }
    .validated()
    .expect_err("NaN");
    assert!(matches!(e, Error::NonFinite { index: 1, .. }), "{e}");
}

#[test]
fn descriptions_carry_bigdl_defaults() {
    let m = build_optim(&Node::new("LarsSGD")).expect("lars");
    assert_eq!(m.learning_rate, 1e-3);
    assert_eq!(m.schedule, Schedule::Default { decay: 0.01 });
    assert_eq!(
        m.rule,
        Rule::LarsSgd(LarsSgd {
            trust: 1.0,
            weight_decay: 5e-4,
            momentum: 0.5,
            blocks: vec![],
        })
    );
    let m = build_optim(&Node::new("Ftrl")).expect("ftrl");
    assert_eq!(m.learning_rate, 1e-3);
    assert_eq!(
        m.rule,
        Rule::Ftrl(Ftrl {
            learning_rate_power: -0.5,
            initial_accumulator_value: 0.1,
            l1: 0.0,
            l2: 0.0,
            l2_shrinkage: 0.0,
        })
    );
    let m = build_optim(&Node::new("LBFGS")).expect("lbfgs");
    assert_eq!(m.learning_rate, 1.0);
    assert_eq!(
        m.rule,
        Rule::Lbfgs(Lbfgs {
            max_iter: 20,
            max_eval: f64::MAX,
            tol_fun: 1e-5,
            tol_x: 1e-9,
            n_correction: 100,
            verbose: false,
        })
    );
    let m = build_optim(&Node::new("SGD").floats("learningRates", &[1.0, 0.5])).expect("sgd");
    assert!(matches!(&m.rule, Rule::Sgd(s) if s.learning_rates == Some(vec![1.0, 0.5])));
    assert!(build_optim(&Node::new("LarsSGD").floats("trust", &[2.0])).is_err());
    assert!(build_optim(&Node::new("LarsSGD").ints("blocks", &[3, -1])).is_err());
    assert!(build_optim(&Node::new("Ftrl").floats("learningRatePower", &[0.5])).is_err());
    assert!(build_optim(&Node::new("LBFGS").ints("nCorrection", &[0])).is_err());
}

#[test]
fn states_of_the_first_format_still_load() {
    // "FDLO" step:u64 nbuf:u32 (len:u64 f32*)*: step 3, one buffer [1.5].
    let mut bytes = b"FDLO".to_vec();
    bytes.extend_from_slice(&3u64.to_le_bytes());
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&1u64.to_le_bytes());
    bytes.extend_from_slice(&1.5f32.to_le_bytes());
    let s = OptimState::from_bytes(&bytes).expect("v1");
    assert_eq!(
        s,
        OptimState {
            step: 3,
            buffers: vec![vec![1.5]],
            ..OptimState::default()
        }
    );
    assert_eq!(&s.to_bytes()[..4], b"FDL2");
}
