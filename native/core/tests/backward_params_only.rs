//! `backward_params` (used for a model's first layer with parameters, whose input gradient
//! nobody needs) must add exactly the parameter gradients that `backward` adds.

use ferrodl_core::module::Module;
use ferrodl_core::nn::{ConvConfig, Linear, SpatialConvolution};
use ferrodl_core::rng::Rng;
use ferrodl_core::tensor::from_vec;

fn check(mut m: Box<dyn Module<f64>>, in_shape: &[usize]) {
    let mut rng = Rng::new(3);
    let mut params = vec![0.0; m.num_params()];
    m.init_params(&mut params, &mut rng);
    let n: usize = in_shape.iter().product();
    let x = from_vec(
        "x",
        in_shape,
        (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect(),
    )
    .unwrap();
    let y = m.forward(&params, &x).unwrap();
    let gy = from_vec(
        "gy",
        y.shape(),
        (0..y.len()).map(|_| rng.uniform(-1.0, 1.0)).collect(),
    )
    .unwrap();
    let mut full = vec![0.5; params.len()];
    m.backward(&params, &mut full, &x, &y, &gy).unwrap();
    let mut only = vec![0.5; params.len()];
    m.backward_params(&params, &mut only, &x, &y, &gy).unwrap();
    assert_eq!(full, only, "{}", m.describe());
    // And again after another forward, with buffers kept from the first call.
    let y = m.forward(&params, &x).unwrap();
    let mut again = vec![0.5; params.len()];
    m.backward_params(&params, &mut again, &x, &y, &gy).unwrap();
    assert_eq!(full, again, "{}", m.describe());
}

#[test]
fn linear_parameter_gradients_match() {
    check(Box::new(Linear::new(7, 5, true).unwrap()), &[4, 7]);
    check(Box::new(Linear::new(7, 5, false).unwrap()), &[7]);
}

#[test]
fn convolution_parameter_gradients_match() {
    let mut c = ConvConfig::new(4, 6, 3, 2);
    c.n_group = 2;
    c.stride_w = 2;
    c.pad_h = 1;
    check(Box::new(SpatialConvolution::new(c).unwrap()), &[3, 4, 7, 6]);
}
