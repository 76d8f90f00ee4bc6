//! VolumetricFullConvolution, SpatialShareConvolution, SpatialWithinChannelLRN, the subtractive
//! and divisive normalisations, Cosine, Euclidean and Bilinear, built through the factory from
//! BigDL's attribute names, against reference values from PyTorch in f64 to 1e-10
//! (fixtures/torch_reference_more_layers.txt, made by fixtures/gen_torch_reference_more_layers.py).

use ferrodl_core::activity::Activity;
use ferrodl_core::spec::{build_block, Node};

mod common;
use common::{get, Fixtures};

const TOL: f64 = 1e-10;

fn fixtures() -> Fixtures {
    common::parse(include_str!("fixtures/torch_reference_more_layers.txt"))
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

fn values(a: &Activity<f64>) -> Vec<f64> {
    let (mut layout, mut data) = (Vec::new(), Vec::new());
    a.encode(&mut layout, &mut data);
    data
}

/// Forward, backward and parameter gradients of the layer `node` describes against `case`;
/// `inputs` is 0 for a tensor input, else the size of the input table.
fn check(f: &Fixtures, case: &str, node: &Node, n_params: usize, inputs: usize) {
    let mut m = build_block::<f64>(node).expect("builds");
    let tensor = |what: &str| Activity::Tensor(get(f, &format!("{case}/{what}")));
    let table = |what: &str| {
        Activity::Table(
            (1..=inputs)
                .map(|i| Activity::Tensor(get(f, &format!("{case}/{what}{i}"))))
                .collect(),
        )
    };
    let (x, want_gx) = if inputs == 0 {
        (tensor("input"), tensor("grad_input"))
    } else {
        (table("input"), table("grad_input"))
    };
    let params = flat(f, case, "param", n_params);
    assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
    let y = m.forward(&params, &x).expect("forward");
    let want_y = get(f, &format!("{case}/output"));
    assert_eq!(y.tensor("test").expect("tensor").shape(), want_y.shape());
    let want: Vec<f64> = want_y.iter().copied().collect();
    assert_close(&format!("{case} output"), &want, &values(&y));
    let gy = tensor("grad_output");
    let mut gp = vec![0.0; params.len()];
    let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    assert_close(
        &format!("{case} grad_input"),
        &values(&want_gx),
        &values(&gx),
    );
    let want_gp = flat(f, case, "grad_param", n_params);
    assert_close(&format!("{case} grad_params"), &want_gp, &gp);
}

fn node(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |n, (k, v)| n.ints(k, &[*v]))
}

#[test]
fn volumetric_full_convolution_matches_conv_transpose3d() {
    let f = fixtures();
    let n = node(
        "VolumetricFullConvolution",
        &[
            ("nInputPlane", 2),
            ("nOutputPlane", 3),
            ("kT", 2),
            ("kW", 3),
            ("kH", 2),
            ("dT", 2),
            ("dW", 2),
            ("dH", 1),
            ("padT", 1),
            ("padW", 1),
            ("adjT", 1),
            ("adjW", 1),
        ],
    );
    check(&f, "vfull", &n, 2, 0);
    let n = node(
        "VolumetricFullConvolution",
        &[
            ("nInputPlane", 4),
            ("nOutputPlane", 2),
            ("kT", 2),
            ("kW", 2),
            ("kH", 3),
            ("dH", 2),
            ("padH", 1),
            ("adjH", 1),
            ("nGroup", 2),
            ("noBias", 1),
        ],
    );
    check(&f, "vfull_groups_nobias_4d", &n, 1, 0);
}

#[test]
fn share_convolution_matches_conv2d() {
    let f = fixtures();
    let n = node(
        "SpatialShareConvolution",
        &[
            ("nInputPlane", 4),
            ("nOutputPlane", 2),
            ("kernelW", 3),
            ("kernelH", 2),
            ("strideW", 2),
            ("padW", 1),
            ("nGroup", 2),
        ],
    );
    check(&f, "share_conv", &n, 2, 0);
}

#[test]
fn within_channel_lrn_matches_bigdl_pooling_formula() {
    let f = fixtures();
    check(
        &f,
        "within_lrn",
        &Node::new("SpatialWithinChannelLRN"),
        0,
        0,
    );
    let n = node("SpatialWithinChannelLRN", &[("size", 3)])
        .floats("alpha", &[2.5])
        .floats("beta", &[0.4]);
    check(&f, "within_lrn_3d", &n, 0, 0);
}

#[test]
fn subtractive_and_divisive_normalization_match_torch7_modules() {
    let f = fixtures();
    let k35 = get(&f, "kernels/k35").iter().copied().collect::<Vec<_>>();
    let k3 = get(&f, "kernels/k3").iter().copied().collect::<Vec<_>>();
    for (kind, prefix) in [
        ("SpatialSubtractiveNormalization", "subnorm"),
        ("SpatialDivisiveNormalization", "divnorm"),
    ] {
        check(&f, &format!("{prefix}_default"), &Node::new(kind), 0, 0);
        let n = node(kind, &[("nInputPlane", 3)])
            .floats("kernel", &k35)
            .ints("kernelDims", &[3, 5]);
        check(&f, &format!("{prefix}_k2d"), &n, 0, 0);
    }
    let n = node("SpatialSubtractiveNormalization", &[("nInputPlane", 2)])
        .floats("kernel", &k3)
        .ints("kernelDims", &[3]);
    check(&f, "subnorm_k1d_3d", &n, 0, 0);
    let n = node("SpatialDivisiveNormalization", &[("nInputPlane", 2)])
        .floats("kernel", &k3)
        .ints("kernelDims", &[3])
        .floats("threshold", &[0.9])
        .floats("thresval", &[0.8]);
    check(&f, "divnorm_k1d_3d_thresh", &n, 0, 0);
}

#[test]
fn cosine_euclidean_and_bilinear_match_torch() {
    let f = fixtures();
    let sizes = |kind, i, o| node(kind, &[("inputSize", i), ("outputSize", o)]);
    check(&f, "cosine", &sizes("Cosine", 5, 3), 1, 0);
    check(&f, "cosine_1d", &sizes("Cosine", 5, 2), 1, 0);
    check(&f, "euclidean", &sizes("Euclidean", 5, 3), 1, 0);
    check(&f, "euclidean_1d", &sizes("Euclidean", 3, 4), 1, 0);
    let bilinear = |a, b, o, bias| {
        node(
            "Bilinear",
            &[
                ("inputSize1", a),
                ("inputSize2", b),
                ("outputSize", o),
                ("biasRes", bias),
            ],
        )
    };
    check(&f, "bilinear", &bilinear(3, 4, 2, 1), 2, 2);
    check(&f, "bilinear_nobias", &bilinear(2, 3, 4, 0), 1, 2);
}
