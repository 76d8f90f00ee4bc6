//! The vectorisable `exp_fast` and `tanh_fast` of f32 against f64's standard functions, and the
//! sigmoid built on `exp_fast` (Sigmoid layers, LSTM and GRU gates).

use ferrodl_core::element::Element;
use ferrodl_core::nn::PointwiseFn;

/// Evenly spaced points of `[lo, hi]`, plus both ends.
fn grid(lo: f32, hi: f32, n: usize) -> impl Iterator<Item = f32> {
    (0..=n).map(move |i| lo + (hi - lo) * i as f32 / n as f32)
}

#[test]
fn exp_fast_is_within_a_few_ulp_over_its_range() {
    let mut worst = 0.0f64;
    for x in grid(-87.0, 88.0, 200_000).chain([0.0, -0.0, 1e-8, -1e-8, 0.5, -0.5]) {
        let want = (x as f64).exp();
        let rel = ((x.exp_fast() as f64 - want) / want).abs();
        worst = worst.max(rel);
    }
    assert!(
        worst < 4.0 * f32::EPSILON as f64,
        "worst relative error {worst:e}"
    );
    assert!(f32::NAN.exp_fast().is_nan());
    assert!(f64::NAN.exp_fast().is_nan());
    // Beyond the range: clamped, still finite and ordered.
    assert!((-1000.0f32).exp_fast() < 1e-37 && (-1000.0f32).exp_fast() >= 0.0);
    assert!(1000.0f32.exp_fast() > 1e38 && 1000.0f32.exp_fast().is_finite());
    assert_eq!(2.5f64.exp_fast(), 2.5f64.exp());
}

#[test]
fn sigmoid_keeps_its_relative_accuracy_in_both_tails() {
    let f = PointwiseFn::Sigmoid;
    let xs: Vec<f32> = grid(-80.0, 80.0, 100_000).collect();
    let mut v = xs.clone();
    f.map_in_place(&mut v);
    for (x, y) in xs.iter().zip(&v) {
        let want = 1.0 / (1.0 + (-(*x as f64)).exp());
        let rel = ((*y as f64 - want) / want).abs();
        assert!(
            rel < 8.0 * f32::EPSILON as f64,
            "sigmoid({x}) = {y}, want {want}"
        );
        assert_eq!(*y, f.value(*x), "map_in_place and value agree at {x}");
    }
}

#[test]
fn tanh_fast_is_accurate() {
    for x in grid(-20.0, 20.0, 100_000) {
        let want = (x as f64).tanh();
        assert!(
            (x.tanh_fast() as f64 - want).abs() < 4.0 * f32::EPSILON as f64,
            "tanh({x})"
        );
    }
}
