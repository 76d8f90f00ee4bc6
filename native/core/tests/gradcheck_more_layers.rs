//! Finite-difference gradient checks, in f64, for VolumetricFullConvolution,
//! SpatialShareConvolution, SpatialWithinChannelLRN, SpatialSubtractiveNormalization,
//! SpatialDivisiveNormalization, Cosine, Euclidean and Bilinear, each built through the factory
//! from BigDL's attribute names, on several shapes (batch and not, odd sizes, stride, padding).

use ferrodl_core::activity::Activity;
use ferrodl_core::gradcheck::{check_activity_module, check_module};
use ferrodl_core::module::Module;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use ferrodl_core::ActivityModule;

const TOL: f64 = 1e-6;

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    let v = (0..n).map(|_| rng.uniform(-2.0, 2.0)).collect();
    from_vec("test", shape, v).expect("shape")
}

fn perturbed(n: usize, init: impl FnOnce(&mut [f64], &mut Rng), seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; n];
    init(&mut p, &mut Rng::new(seed));
    let mut rng = Rng::new(seed + 100);
    p.iter_mut().for_each(|v| *v += rng.uniform(-0.5, 0.5));
    p
}

fn check(node: &Node, shape: &[usize], seed: u64) {
    let mut m: Box<dyn Module<f64>> = build_module(node).expect("builds");
    let p = perturbed(m.num_params(), |p, r| m.init_params(p, r), seed);
    let x = random(shape, seed + 1);
    let r = check_module(m.as_mut(), &p, &x, seed + 2).expect("gradcheck runs");
    assert!(
        r.input_error < TOL && r.param_error < TOL,
        "{} at {shape:?}: {r:?}",
        m.describe()
    );
}

fn ints(n: Node, pairs: &[(&str, i64)]) -> Node {
    pairs.iter().fold(n, |n, (k, v)| n.ints(k, &[*v]))
}

#[test]
fn volumetric_full_convolution() {
    let base = |i, o| {
        ints(
            Node::new("VolumetricFullConvolution"),
            &[("nInputPlane", i), ("nOutputPlane", o)],
        )
    };
    let n = ints(
        base(2, 3),
        &[
            ("kT", 2),
            ("kW", 3),
            ("kH", 2),
            ("dT", 2),
            ("dW", 2),
            ("dH", 1),
        ],
    );
    let n = ints(n, &[("padT", 1), ("padW", 1), ("adjT", 1), ("adjW", 1)]);
    check(&n, &[2, 2, 3, 3, 4], 1);
    let n = ints(
        base(4, 2),
        &[
            ("kT", 1),
            ("kW", 2),
            ("kH", 3),
            ("nGroup", 2),
            ("noBias", 1),
        ],
    );
    check(&n, &[4, 2, 3, 2], 2);
    let n = ints(base(1, 1), &[("kT", 3), ("kW", 1), ("kH", 1), ("dH", 3)]);
    let n = ints(n, &[("padH", 1), ("adjH", 2)]);
    check(&n, &[1, 1, 2, 3, 2], 3);
}

#[test]
fn spatial_share_convolution() {
    let n = ints(
        Node::new("SpatialShareConvolution"),
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
    check(&n, &[2, 4, 5, 6], 4);
    check(&n, &[4, 3, 3], 5);
}

#[test]
fn within_channel_lrn() {
    check(&Node::new("SpatialWithinChannelLRN"), &[2, 3, 6, 7], 6);
    let n = ints(Node::new("SpatialWithinChannelLRN"), &[("size", 3)])
        .floats("alpha", &[2.5])
        .floats("beta", &[0.4]);
    check(&n, &[2, 4, 3], 7);
}

#[test]
fn subtractive_and_divisive_normalization() {
    for kind in [
        "SpatialSubtractiveNormalization",
        "SpatialDivisiveNormalization",
    ] {
        check(&Node::new(kind), &[1, 1, 5, 11], 8);
        let n = ints(Node::new(kind), &[("nInputPlane", 3)])
            .floats(
                "kernel",
                &[
                    1.0, 2.0, 0.5, 1.0, 3.0, 1.5, 0.2, 1.0, 1.0, 2.0, 0.7, 1.1, 0.3, 0.9, 1.2,
                ],
            )
            .ints("kernelDims", &[3, 5]);
        check(&n, &[2, 3, 4, 6], 9);
        let n = ints(Node::new(kind), &[("nInputPlane", 2)])
            .floats("kernel", &[1.0, 3.0, 2.0])
            .ints("kernelDims", &[3]);
        check(&n, &[2, 5, 4], 10);
    }
    // A threshold above some local deviations: those use thresval (gradient through x only).
    let n = Node::new("SpatialDivisiveNormalization")
        .floats("threshold", &[0.9])
        .floats("thresval", &[0.8])
        .floats("kernel", &[1.0, 1.0, 1.0])
        .ints("kernelDims", &[3]);
    check(&n, &[1, 4, 5], 11);
}

#[test]
fn cosine_and_euclidean() {
    for kind in ["Cosine", "Euclidean"] {
        let n = ints(Node::new(kind), &[("inputSize", 5), ("outputSize", 3)]);
        check(&n, &[4, 5], 12);
        check(&n, &[5], 13);
        let n = ints(Node::new(kind), &[("inputSize", 1), ("outputSize", 2)]);
        check(&n, &[3, 1], 14);
    }
}

#[test]
fn bilinear() {
    for bias in [1, 0] {
        let n = ints(
            Node::new("Bilinear"),
            &[
                ("inputSize1", 3),
                ("inputSize2", 4),
                ("outputSize", 2),
                ("biasRes", bias),
            ],
        );
        let mut m: Box<dyn ActivityModule<f64>> = build_block(&n).expect("builds");
        let p = perturbed(m.num_params(), |p, r| m.init_params(p, r), 15);
        let x = Activity::Table(vec![
            Activity::Tensor(random(&[5, 3], 16)),
            Activity::Tensor(random(&[5, 4], 17)),
        ]);
        let r = check_activity_module(m.as_mut(), &p, &x, 18).expect("gradcheck runs");
        assert!(r.input_error < TOL && r.param_error < TOL, "{r:?}");
    }
}
