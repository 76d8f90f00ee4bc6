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
