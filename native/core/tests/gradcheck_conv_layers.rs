//! Finite-difference gradient checks, in f64, for the layers of nn/conv_layers.

use ferrodl_core::gradcheck::check_module;
use ferrodl_core::module::Module;
use ferrodl_core::nn::conv_layers::{
    DataFormat, FullConvConfig, LayerNormalization, LocalConfig, LocallyConnected1D,
    LocallyConnected2D, Normalize, ResizeBilinear, SpatialCrossMapLRN, SpatialDilatedConvolution,
    SpatialFullConvolution, SpatialSeparableConvolution, TemporalConvolution, TemporalMaxPooling,
    UpSampling1D, UpSampling2D, UpSampling3D, VolumetricAveragePooling, VolumetricConvolution,
    VolumetricMaxPooling,
};
use ferrodl_core::rng::Rng;
use ferrodl_core::tensor::{from_vec, Tensor};

const TOL: f64 = 1e-6;

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    from_vec(
        "test",
        shape,
        (0..n).map(|_| rng.uniform(-2.0, 2.0)).collect(),
    )
    .expect("shape")
}

fn params(m: &dyn Module<f64>, seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(seed));
    // Perturb the default initialisation (LayerNormalization's is all ones and zeros).
    let mut rng = Rng::new(seed + 100);
    p.iter_mut().for_each(|v| *v += rng.uniform(-0.5, 0.5));
    p
}

fn assert_input(m: &mut dyn Module<f64>, x: &Tensor<f64>, seed: u64) {
    let p = params(m, seed);
    let r = check_module(m, &p, x, seed + 2).expect("gradcheck runs");
    assert!(
        r.input_error < TOL && r.param_error < TOL,
        "{} at {:?}: {r:?}",
        m.describe(),
        x.shape()
    );
}

fn assert_module(m: &mut dyn Module<f64>, shape: &[usize], seed: u64) {
    assert_input(m, &random(shape, seed + 1), seed);
}

#[test]
fn dilated_convolution() {
    let conv = |i, o, k, d, p, dil| SpatialDilatedConvolution::new(i, o, k, d, p, dil).expect("m");
    assert_module(
        &mut conv(2, 3, (3, 2), (1, 1), (1, 0), (2, 3)),
        &[2, 2, 7, 8],
        1,
    );
    assert_module(
        &mut conv(3, 2, (2, 3), (2, 1), (0, 2), (3, 1)),
        &[3, 9, 6],
        2,
    );
    assert_module(
        &mut conv(1, 1, (1, 1), (1, 1), (0, 0), (1, 1)),
        &[1, 1, 3, 3],
        3,
    );
}

#[test]
fn full_convolution() {
    let full = |c| SpatialFullConvolution::new(c).expect("m");
    let c = FullConvConfig {
        d_w: 2,
        d_h: 3,
        pad_w: 1,
        adj_h: 2,
        ..FullConvConfig::new(3, 2, 3, 2)
    };
    assert_module(&mut full(c), &[2, 3, 3, 4], 4);
    let c = FullConvConfig {
        n_group: 2,
        no_bias: true,
        ..FullConvConfig::new(4, 2, 2, 2)
    };
    assert_module(&mut full(c), &[4, 3, 2], 5);
}

#[test]
fn temporal_convolution_and_max_pooling() {
    let mut m = TemporalConvolution::new(3, 4, 3, 2, true).expect("m");
    assert_module(&mut m, &[2, 8, 3], 6);
    assert_module(&mut m, &[3, 3], 7);
    // Distinct values so that no two frames tie for a maximum.
    let x = from_vec(
        "x",
        &[2, 7, 3],
        (0..42).map(|i| ((i * 17) % 42) as f64 * 0.1).collect(),
    )
    .expect("x");
    assert_input(&mut TemporalMaxPooling::new(3, Some(2)).expect("m"), &x, 8);
    assert_input(&mut TemporalMaxPooling::new(2, None).expect("m"), &x, 9);
}

#[test]
fn upsampling_and_resize() {
    assert_module(&mut UpSampling1D::new(2).expect("m"), &[2, 3, 4], 10);
    let mut m = UpSampling2D::new(&[2, 3], DataFormat::Nchw).expect("m");
    assert_module(&mut m, &[1, 2, 3, 2], 11);
    let mut m = UpSampling2D::new(&[3, 1], DataFormat::Nhwc).expect("m");
    assert_module(&mut m, &[2, 2, 3, 2], 12);
    for (h, w, align, format, shape) in [
        (5, 7, false, DataFormat::Nchw, [2, 2, 3, 4]),
        (4, 3, true, DataFormat::Nchw, [1, 3, 3, 5]),
        (3, 5, false, DataFormat::Nhwc, [1, 4, 2, 3]),
    ] {
        let mut m = ResizeBilinear::new(h, w, align, format).expect("m");
        assert_module(&mut m, &shape, 13);
    }
}

#[test]
fn normalizations() {
    let mut m = LayerNormalization::new(5).expect("m");
    assert_module(&mut m, &[3, 2, 5], 14);
    assert_module(&mut m, &[5], 15);
    assert_module(&mut Normalize::new(2.0, 1e-10).expect("m"), &[3, 4], 16);
    assert_module(
        &mut Normalize::new(3.0, 1e-10).expect("m"),
        &[2, 3, 2, 2],
        17,
    );
    assert_module(&mut Normalize::new(1.5, 1e-4).expect("m"), &[7], 18);
    let mut m = SpatialCrossMapLRN::new(5, 1.0, 0.75, 1.0).expect("m");
    assert_module(&mut m, &[2, 6, 2, 3], 19);
    let mut m = SpatialCrossMapLRN::new(3, 0.3, 1.2, 2.0).expect("m");
    assert_module(&mut m, &[4, 3, 2], 20);
}

#[test]
fn volumetric_layers() {
    let mut m = VolumetricConvolution::new(2, 3, [2, 2, 3], [1, 2, 1], [1, 0, 1], true).expect("m");
    assert_module(&mut m, &[2, 2, 3, 5, 4], 21);
    let mut m = VolumetricConvolution::new(1, 2, [1, 2, 2], [2, 1, 1], [0; 3], false).expect("m");
    assert_module(&mut m, &[1, 3, 3, 3], 22);
    let mut m =
        VolumetricAveragePooling::new([2, 2, 3], [1, 2, 2], [1, 1, 1], true, true).expect("m");
    assert_module(&mut m, &[2, 2, 3, 5, 4], 23);
    let mut m = VolumetricAveragePooling::new([2; 3], [1; 3], [1; 3], false, false).expect("m");
    assert_module(&mut m, &[1, 3, 2, 3], 24);
    assert_module(
        &mut UpSampling3D::new(&[1, 2, 3]).expect("m"),
        &[1, 2, 2, 2, 2],
        25,
    );
    // Distinct values so that no two elements tie for a maximum.
    let x = from_vec(
        "x",
        &[2, 2, 3, 4, 5],
        (0..240).map(|i| ((i * 97) % 240) as f64 * 0.01).collect(),
    )
    .expect("x");
    let mut m = VolumetricMaxPooling::new([2, 2, 3], [1, 2, 2], [1, 1, 1], true).expect("m");
    assert_input(&mut m, &x, 26);
}

#[test]
fn locally_connected_layers() {
    let mut m = LocallyConnected1D::new(7, 3, 2, 3, 2, true).expect("m");
    assert_module(&mut m, &[2, 7, 3], 27);
    assert_module(&mut m, &[7, 3], 28);
    let c = LocalConfig {
        stride_h: 2,
        pad_w: 1,
        ..LocalConfig::new((2, 3, 5), 2, 2, 3)
    };
    let mut m = LocallyConnected2D::new(c).expect("m");
    assert_module(&mut m, &[2, 2, 5, 3], 29);
    let c = LocalConfig {
        with_bias: false,
        ..LocalConfig::new((1, 3, 3), 2, 2, 2)
    };
    assert_module(&mut LocallyConnected2D::new(c).expect("m"), &[1, 3, 3], 30);
}

#[test]
fn separable_convolution() {
    let mut m = SpatialSeparableConvolution::new(2, 3, 2, (3, 2), (2, 1), (1, 0), true).expect("m");
    assert_module(&mut m, &[2, 2, 4, 5], 31);
    let mut m =
        SpatialSeparableConvolution::new(3, 2, 1, (2, 2), (1, 1), (-1, -1), false).expect("m");
    assert_module(&mut m, &[3, 3, 4], 32);
}
