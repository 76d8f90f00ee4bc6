//! The random layers of `nn::shape_layers` in training mode: the noise has the documented
//! distribution, and re-seeding makes it reproducible.

use ferrodl_core::module::Module;
use ferrodl_core::nn::shape_layers::{GaussianNoise, RReLU, SpatialDropout};
use ferrodl_core::tensor::Tensor;
use ndarray::IxDyn;

fn run(m: &mut dyn Module<f64>, x: &Tensor<f64>, seed: u64) -> Tensor<f64> {
    m.reseed(seed);
    m.forward(&[], x).expect("forward")
}

#[test]
fn rrelu_slopes_lie_between_lower_and_upper() {
    let mut m = RReLU::new(0.1, 0.3).expect("m");
    let x = Tensor::from_elem(IxDyn(&[100, 50]), -1.0);
    let y = run(&mut m, &x, 1);
    assert!(
        y.iter().all(|v| (-0.3..=-0.1).contains(v)),
        "slopes out of range"
    );
    let mean = -y.mean().expect("mean");
    assert!((mean - 0.2).abs() < 0.005, "mean slope {mean}");
    assert_eq!(run(&mut m, &x, 1), y);
    assert_ne!(run(&mut m, &x, 2), y);
    let pos = Tensor::from_elem(IxDyn(&[3]), 2.0);
    assert_eq!(run(&mut m, &pos, 3), pos);
}

#[test]
fn gaussian_noise_has_the_documented_moments() {
    let x = Tensor::from_elem(IxDyn(&[200, 100]), 2.0);
    let n = x.len() as f64;
    let mut drop = GaussianNoise::dropout(0.2).expect("m");
    let y = run(&mut drop, &x, 4);
    let mean = y.mean().expect("mean");
    let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    // x·N(1, 0.2/0.8): mean 2, variance 4·0.25 = 1.
    assert!(
        (mean - 2.0).abs() < 0.03 && (var - 1.0).abs() < 0.05,
        "{mean} {var}"
    );
    let mut add = GaussianNoise::additive(0.5).expect("m");
    let y = run(&mut add, &x, 5);
    let mean = y.mean().expect("mean");
    let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    assert!(
        (mean - 2.0).abs() < 0.02 && (var - 0.25).abs() < 0.02,
        "{mean} {var}"
    );
    assert_eq!(run(&mut add, &x, 5), y);
}

#[test]
fn spatial_dropout_drops_whole_maps_at_rate_p() {
    let mut m = SpatialDropout::new(2, 0.3, true).expect("m");
    let x = Tensor::from_elem(IxDyn(&[50, 40, 3, 2]), 1.0);
    let y = run(&mut m, &x, 6);
    let maps = y
        .as_slice()
        .expect("contiguous")
        .chunks(6)
        .map(|c| {
            assert!(c.iter().all(|v| *v == c[0]), "a map is split");
            c[0]
        })
        .collect::<Vec<_>>();
    let dropped = maps.iter().filter(|v| **v == 0.0).count() as f64 / maps.len() as f64;
    assert!((dropped - 0.3).abs() < 0.04, "dropped {dropped}");
    assert!(maps.iter().all(|v| *v == 0.0 || *v == 1.0), "no rescaling");
    assert_eq!(run(&mut m, &x, 6), y);
}
