//! SpatialConvolution takes different paths by size: a small batch is unfolded once into one
//! matrix that forward and backward share (one GEMM over all images), a large one is unfolded
//! image by image, twice, with GEMMs that read and write the images in place. Both must compute
//! the same thing: here a large batch against its images run two at a time (the small path).

use ferrodl_core::module::Module;
use ferrodl_core::nn::{ConvConfig, SpatialConvolution};
use ferrodl_core::rng::Rng;
use ferrodl_core::tensor::{from_vec, Tensor};

fn random(rng: &mut Rng, shape: &[usize]) -> Tensor<f64> {
    let n: usize = shape.iter().product();
    from_vec("x", shape, (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect()).unwrap()
}

/// Images `2i` and `2i + 1` of a batch.
fn pair(t: &Tensor<f64>, i: usize) -> Tensor<f64> {
    let per = t.len() / t.shape()[0];
    let mut shape = t.shape().to_vec();
    shape[0] = 2;
    let flat: Vec<f64> = t.iter().copied().collect();
    from_vec(
        "pair",
        &shape,
        flat[2 * i * per..2 * (i + 1) * per].to_vec(),
    )
    .unwrap()
}

fn close(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-9 * (1.0 + y.abs()),
            "{what}[{k}]: {x} vs {y}"
        );
    }
}

fn check(c: ConvConfig, shape: &[usize]) {
    let mut rng = Rng::new(11);
    let mut big = SpatialConvolution::new(c.clone()).unwrap();
    let mut params = vec![0.0; Module::<f64>::num_params(&big)];
    Module::<f64>::init_params(&big, &mut params, &mut rng);
    let x = random(&mut rng, shape);
    let y = big.forward(&params, &x).unwrap();
    let gy = random(&mut rng, y.shape());
    let mut gw = vec![0.0; params.len()];
    let gx = big.backward(&params, &mut gw, &x, &y, &gy).unwrap();

    let mut small = SpatialConvolution::new(c).unwrap();
    let mut gw1 = vec![0.0; params.len()];
    let (mut ys, mut gxs) = (Vec::new(), Vec::new());
    for i in 0..shape[0] / 2 {
        let xi = pair(&x, i);
        let yi = small.forward(&params, &xi).unwrap();
        let gi = small
            .backward(&params, &mut gw1, &xi, &yi, &pair(&gy, i))
            .unwrap();
        ys.extend(yi.iter().copied());
        gxs.extend(gi.iter().copied());
    }
    close(&y.iter().copied().collect::<Vec<_>>(), &ys, "output");
    close(
        &gx.iter().copied().collect::<Vec<_>>(),
        &gxs,
        "input gradient",
    );
    close(&gw, &gw1, "parameter gradient");
}

#[test]
fn a_large_batch_computes_what_its_images_compute_two_at_a_time() {
    // 3x3, padding 1: 144 unfolded rows x 1024 positions x 16 images is above the cached size.
    let mut c = ConvConfig::new(16, 8, 3, 3);
    c.pad_w = 1;
    c.pad_h = 1;
    check(c, &[16, 16, 32, 32]);
}

#[test]
fn the_large_path_with_groups_stride_and_no_bias() {
    let mut c = ConvConfig::new(16, 12, 3, 5);
    c.n_group = 2;
    c.stride_w = 2;
    c.pad_w = 1;
    c.with_bias = false;
    check(c, &[40, 16, 33, 40]);
}
