//! The layers of nn/conv_layers against reference values from PyTorch, in f64 to 1e-10
//! (fixtures/torch_reference_conv.txt, made by fixtures/gen_torch_reference_conv.py).

use ferrodl_core::module::Module;
use ferrodl_core::nn::conv_layers::{
    DataFormat, FullConvConfig, LayerNormalization, LocalConfig, LocallyConnected1D,
    LocallyConnected2D, Normalize, ResizeBilinear, SpatialCrossMapLRN, SpatialDilatedConvolution,
    SpatialFullConvolution, SpatialSeparableConvolution, TemporalConvolution, TemporalMaxPooling,
    UpSampling1D, UpSampling2D, UpSampling3D, VolumetricAveragePooling, VolumetricConvolution,
    VolumetricMaxPooling,
};

mod common;
use common::{get, Fixtures};

const TOL: f64 = 1e-10;

fn fixtures() -> Fixtures {
    common::parse(include_str!("fixtures/torch_reference_conv.txt"))
}

fn flat(f: &Fixtures, case: &str, what: &str, n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|i| get(f, &format!("{case}/{what}{i}")).into_iter())
        .collect()
}

fn assert_close(what: &str, want: &[f64], got: &[f64]) {
    assert_eq!(want.len(), got.len(), "{what}: length");
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        assert!(
            (w - g).abs() <= TOL * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

/// Forward, backward and parameter gradients of `m` against the fixture `case`.
fn check(f: &Fixtures, case: &str, m: &mut dyn Module<f64>, n_params: usize) {
    let x = get(f, &format!("{case}/input"));
    let params = flat(f, case, "param", n_params);
    assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
    let y = m.forward(&params, &x).expect("forward");
    let want_y = get(f, &format!("{case}/output"));
    assert_eq!(y.shape(), want_y.shape(), "{case}: output shape");
    let got: Vec<f64> = y.iter().copied().collect();
    assert_close(
        &format!("{case} output"),
        &want_y.iter().copied().collect::<Vec<_>>(),
        &got,
    );
    let gy = get(f, &format!("{case}/grad_output"));
    let mut gp = vec![0.0; params.len()];
    let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    let want_gx = get(f, &format!("{case}/grad_input"));
    assert_eq!(gx.shape(), want_gx.shape(), "{case}: grad_input shape");
    let got: Vec<f64> = gx.iter().copied().collect();
    assert_close(
        &format!("{case} grad_input"),
        &want_gx.iter().copied().collect::<Vec<_>>(),
        &got,
    );
    let want_gp = flat(f, case, "grad_param", n_params);
    assert_close(&format!("{case} grad_params"), &want_gp, &gp);
}

#[test]
fn dilated_convolution_matches_conv2d_with_dilation() {
    let f = fixtures();
    let mut m = SpatialDilatedConvolution::new(3, 4, (2, 3), (1, 1), (0, 1), (3, 2)).expect("m");
    check(&f, "dilated", &mut m, 2);
    let mut m = SpatialDilatedConvolution::new(2, 3, (3, 2), (1, 2), (1, 2), (2, 1)).expect("m");
    check(&f, "dilated_stride_3d", &mut m, 2);
}

#[test]
fn full_convolution_matches_conv_transpose2d() {
    let f = fixtures();
    let full = |c| SpatialFullConvolution::new(c).expect("m");
    let c = FullConvConfig {
        d_w: 2,
        d_h: 2,
        pad_w: 1,
        pad_h: 1,
        adj_h: 1,
        ..FullConvConfig::new(3, 2, 3, 3)
    };
    check(&f, "full", &mut full(c), 2);
    let c = FullConvConfig {
        d_w: 2,
        pad_w: 1,
        adj_w: 1,
        n_group: 2,
        no_bias: true,
        ..FullConvConfig::new(4, 6, 3, 2)
    };
    check(&f, "full_groups_nobias", &mut full(c), 1);
    check(&f, "full_3d", &mut full(FullConvConfig::new(2, 3, 2, 2)), 2);
}

#[test]
fn temporal_layers_match_conv1d_and_max_pool1d() {
    let f = fixtures();
    let mut m = TemporalConvolution::new(4, 5, 3, 1, true).expect("m");
    check(&f, "temporal", &mut m, 2);
    let mut m = TemporalConvolution::new(3, 4, 2, 2, true).expect("m");
    check(&f, "temporal_stride_2d", &mut m, 2);
    check(
        &f,
        "tmaxpool",
        &mut TemporalMaxPooling::new(3, Some(2)).expect("m"),
        0,
    );
    check(
        &f,
        "tmaxpool_2d",
        &mut TemporalMaxPooling::new(2, None).expect("m"),
        0,
    );
}

#[test]
fn upsampling_and_resize_match_interpolate() {
    let f = fixtures();
    check(&f, "upsample1d", &mut UpSampling1D::new(3).expect("m"), 0);
    let mut m = UpSampling2D::new(&[2, 3], DataFormat::Nchw).expect("m");
    check(&f, "upsample2d", &mut m, 0);
    let mut m = UpSampling2D::new(&[3, 2], DataFormat::Nhwc).expect("m");
    check(&f, "upsample2d_nhwc", &mut m, 0);
    let resize = |h, w, a| ResizeBilinear::new(h, w, a, DataFormat::Nchw).expect("m");
    check(&f, "resize", &mut resize(5, 7, false), 0);
    check(&f, "resize_align", &mut resize(4, 6, true), 0);
    check(&f, "resize_down", &mut resize(2, 3, false), 0);
}

#[test]
fn normalizations_match_layer_norm_normalize_and_lrn() {
    let f = fixtures();
    check(
        &f,
        "layernorm",
        &mut LayerNormalization::new(5).expect("m"),
        2,
    );
    check(
        &f,
        "layernorm_1d",
        &mut LayerNormalization::new(4).expect("m"),
        2,
    );
    check(
        &f,
        "normalize",
        &mut Normalize::new(2.0, 1e-10).expect("m"),
        0,
    );
    check(
        &f,
        "normalize_p3_4d",
        &mut Normalize::new(3.0, 1e-10).expect("m"),
        0,
    );
    check(
        &f,
        "normalize_p1_1d",
        &mut Normalize::new(1.0, 1e-3).expect("m"),
        0,
    );
    let mut m = SpatialCrossMapLRN::new(5, 1.0, 0.75, 1.0).expect("m");
    check(&f, "lrn", &mut m, 0);
    let mut m = SpatialCrossMapLRN::new(3, 0.5, 0.9, 2.0).expect("m");
    check(&f, "lrn_3d", &mut m, 0);
}

#[test]
fn volumetric_layers_match_conv3d_pool3d_and_interpolate() {
    let f = fixtures();
    let mut m = VolumetricConvolution::new(2, 3, [2, 3, 2], [1, 2, 1], [1, 0, 2], true).expect("m");
    check(&f, "vconv", &mut m, 2);
    let mut m = VolumetricConvolution::new(1, 2, [2, 2, 3], [1; 3], [0; 3], false).expect("m");
    check(&f, "vconv_nobias_4d", &mut m, 1);
    let mut m = VolumetricMaxPooling::new([2, 2, 3], [1, 2, 2], [1, 0, 1], false).expect("m");
    check(&f, "vmaxpool", &mut m, 0);
    let mut m = VolumetricMaxPooling::new([2; 3], [2; 3], [0; 3], true).expect("m");
    check(&f, "vmaxpool_ceil", &mut m, 0);
    let mut m =
        VolumetricAveragePooling::new([2, 3, 2], [1, 2, 2], [1, 1, 0], true, false).expect("m");
    check(&f, "vavgpool", &mut m, 0);
    let mut m = VolumetricAveragePooling::new([3; 3], [2; 3], [1; 3], false, true).expect("m");
    check(&f, "vavgpool_excl_ceil", &mut m, 0);
    check(
        &f,
        "upsample3d",
        &mut UpSampling3D::new(&[2, 1, 3]).expect("m"),
        0,
    );
}

#[test]
fn locally_connected_layers_match_unfold_and_einsum() {
    let f = fixtures();
    let mut m = LocallyConnected1D::new(8, 3, 4, 3, 2, true).expect("m");
    check(&f, "local1d", &mut m, 2);
    let mut m = LocallyConnected1D::new(4, 2, 3, 2, 1, true).expect("m");
    check(&f, "local1d_2d", &mut m, 2);
    let c = LocalConfig {
        stride_w: 2,
        pad_h: 1,
        ..LocalConfig::new((2, 7, 4), 3, 3, 2)
    };
    check(
        &f,
        "local2d",
        &mut LocallyConnected2D::new(c).expect("m"),
        2,
    );
    let c = LocalConfig {
        stride_w: 2,
        stride_h: 2,
        pad_w: 1,
        with_bias: false,
        ..LocalConfig::new((3, 4, 4), 2, 2, 2)
    };
    check(
        &f,
        "local2d_nobias_3d",
        &mut LocallyConnected2D::new(c).expect("m"),
        1,
    );
}

#[test]
fn separable_convolution_matches_depthwise_then_pointwise_conv2d() {
    let f = fixtures();
    let mut m = SpatialSeparableConvolution::new(2, 4, 3, (2, 3), (1, 2), (1, 1), true).expect("m");
    check(&f, "separable", &mut m, 3);
    let mut m =
        SpatialSeparableConvolution::new(3, 2, 1, (2, 2), (1, 1), (0, 0), false).expect("m");
    check(&f, "separable_nobias_3d", &mut m, 2);
}
