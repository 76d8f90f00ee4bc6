//! Exact values of SGD steps, computed by hand.

use ferrodl_core::optim::{OptimState, Sgd};

#[test]
fn plain_sgd_with_learning_rate_decay() {
    let sgd = Sgd::new(0.1, 0.5).expect("sgd");
    let mut w = vec![1.0f32, -2.0];
    let g = vec![0.5f32, 1.0];
    // t = 0: lr = 0.1
    let s = sgd.step(&mut w, &g, OptimState::default()).expect("step");
    assert_eq!(w, vec![1.0 - 0.05, -2.0 - 0.1]);
    assert_eq!(s.step, 1);
    // t = 1: lr = 0.1 / 1.5
    let lr = (0.1f64 / 1.5) as f32;
    let s = sgd.step(&mut w, &g, s).expect("step");
    assert_eq!(w, vec![0.95 - lr * 0.5, -2.1 - lr * 1.0]);
    assert_eq!(s.step, 2);
    assert!((sgd.current_rate(4) - 0.1 / 3.0).abs() < 1e-15);
}

#[test]
fn momentum_weight_decay_and_nesterov() {
    let sgd = Sgd {
        learning_rate: 0.1,
        momentum: 0.9,
        weight_decay: 0.01,
        ..Sgd::default()
    }
    .validated()
    .expect("sgd");
    let mut w = vec![1.0f32];
    let s = sgd
        .step(&mut w, &[1.0], OptimState::default())
        .expect("step");
    // g = 1 + 0.01 = 1.01, v = g, w = 1 - 0.1 * 1.01
    assert_eq!(w[0], 1.0 - 0.1 * 1.01f32);
    assert_eq!(s.buffers[0], vec![1.01f32]);
    let w1 = w[0];
    let s = sgd.step(&mut w, &[1.0], s).expect("step");
    let g = 1.0 + 0.01 * w1;
    let v = 0.9 * 1.01f32 + g;
    assert_eq!(s.buffers[0][0], v);
    assert_eq!(w[0], w1 - 0.1 * v);

    let nag = Sgd {
        learning_rate: 0.1,
        momentum: 0.5,
        nesterov: true,
        ..Sgd::default()
    }
    .validated()
    .expect("nag");
    let mut w = vec![0.0f32];
    nag.step(&mut w, &[2.0], OptimState::default())
        .expect("step");
    assert_eq!(w[0], -0.1 * (2.0 + 0.5 * 2.0));
    assert!(Sgd {
        nesterov: true,
        ..Sgd::default()
    }
    .validated()
    .is_err());
    assert!(Sgd::new(f64::NAN, 0.0).is_err());
}

#[test]
fn state_round_trips_and_rejects_corruption() {
    let s = OptimState {
        step: 42,
        buffers: vec![vec![1.5, -2.0, 3.25], vec![]],
        scalars: vec![0.5, f64::MAX],
        schedule: vec![1.0, f64::NEG_INFINITY, 3.0],
    };
    let bytes = s.to_bytes();
    assert_eq!(OptimState::from_bytes(&bytes).expect("decode"), s);
    for cut in 0..bytes.len() {
        assert!(
            OptimState::from_bytes(&bytes[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert!(OptimState::from_bytes(&bad).is_err());
    let mut w = vec![0.0f32; 2];
    assert!(Sgd::default()
        .step(&mut w, &[1.0], OptimState::default())
        .is_err());
}

/// The vectorised common path (no per-parameter arrays) and the per-parameter path with unit
/// learning-rate multipliers compute the same bits, with and without momentum and Nesterov.
#[test]
fn the_common_path_matches_the_per_parameter_path_exactly() {
    let n = 1037;
    let w0: Vec<f32> = (0..n)
        .map(|i| ((i * 37) % 101) as f32 / 50.0 - 1.0)
        .collect();
    let grads: Vec<Vec<f32>> = (0..3)
        .map(|s| {
            (0..n)
                .map(|i| ((i * 13 + s * 7) % 89) as f32 / 40.0 - 1.1)
                .collect()
        })
        .collect();
    for (momentum, dampening, nesterov, weight_decay) in [
        (0.0, 0.0, false, 0.0),
        (0.0, 0.0, false, 0.01),
        (0.9, 0.0, false, 0.0),
        (0.9, 0.1, false, 0.005),
        (0.9, 0.0, true, 0.01),
    ] {
        let plain = Sgd {
            learning_rate: 0.05,
            learning_rate_decay: 0.1,
            weight_decay,
            momentum,
            dampening,
            nesterov,
            ..Sgd::default()
        }
        .validated()
        .expect("sgd");
        let per_param = Sgd {
            learning_rates: Some(vec![1.0; n]),
            ..plain.clone()
        };
        let (mut a, mut b) = (w0.clone(), w0.clone());
        let (mut sa, mut sb) = (OptimState::default(), OptimState::default());
        for g in &grads {
            sa = plain.step(&mut a, g, sa).expect("plain step");
            sb = per_param.step(&mut b, g, sb).expect("per-parameter step");
            assert_eq!(
                a, b,
                "momentum {momentum} nesterov {nesterov} wd {weight_decay}"
            );
            assert_eq!(sa.buffers, sb.buffers);
        }
        assert_ne!(a, w0);
    }
}
