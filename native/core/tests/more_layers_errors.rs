//! Hostile input to VolumetricFullConvolution, SpatialShareConvolution, SpatialWithinChannelLRN,
//! the subtractive and divisive normalisations, Cosine, Euclidean and Bilinear: wrong shapes,
//! wrong gradients, bad arguments and huge sizes give errors naming the layer, never panics.

use ferrodl_core::activity::Activity;
use ferrodl_core::error::Error;
use ferrodl_core::spec::{build_block, build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};

fn filled(shape: &[usize]) -> Tensor<f64> {
    let n = shape.iter().product();
    from_vec("x", shape, (0..n).map(|i| (i % 7) as f64 - 3.0).collect()).expect("x")
}

fn node(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |n, (k, v)| n.ints(k, &[*v]))
}

/// A description, an input it accepts, the output shape, an input it must reject.
type Case = (Node, Vec<usize>, Vec<usize>, Vec<usize>);

fn cases() -> Vec<Case> {
    let vfull = node(
        "VolumetricFullConvolution",
        &[
            ("nInputPlane", 2),
            ("nOutputPlane", 3),
            ("kT", 2),
            ("kW", 3),
            ("kH", 1),
            ("dW", 2),
            ("adjW", 1),
        ],
    );
    let share = node(
        "SpatialShareConvolution",
        &[
            ("nInputPlane", 2),
            ("nOutputPlane", 3),
            ("kernelW", 3),
            ("kernelH", 3),
        ],
    );
    vec![
        (
            vfull,
            vec![1, 2, 2, 3, 4],
            vec![1, 3, 3, 3, 10],
            vec![1, 3, 2, 3, 4],
        ),
        (share, vec![2, 2, 4, 5], vec![2, 3, 2, 3], vec![2, 3, 4, 5]),
        (
            Node::new("SpatialWithinChannelLRN"),
            vec![2, 3, 4],
            vec![2, 3, 4],
            vec![3, 4],
        ),
        (
            node("SpatialSubtractiveNormalization", &[("nInputPlane", 2)]),
            vec![2, 5, 5],
            vec![2, 5, 5],
            vec![3, 5, 5],
        ),
        (
            node("SpatialDivisiveNormalization", &[("nInputPlane", 2)]),
            vec![1, 2, 5, 5],
            vec![1, 2, 5, 5],
            vec![1, 2, 0, 5],
        ),
        (
            node("Cosine", &[("inputSize", 4), ("outputSize", 3)]),
            vec![2, 4],
            vec![2, 3],
            vec![2, 5],
        ),
        (
            node("Euclidean", &[("inputSize", 4), ("outputSize", 3)]),
            vec![4],
            vec![3],
            vec![2, 2, 4],
        ),
    ]
}

#[test]
fn shapes_are_checked_and_errors_name_the_layer() {
    for (n, good, out, bad) in cases() {
        let mut m = build_module::<f64>(&n).expect("builds");
        let p = vec![0.1; m.num_params()];
        let y = m.forward(&p, &filled(&good)).expect("forward");
        assert_eq!(y.shape(), out.as_slice(), "{}", n.kind);
        let mut gp = vec![0.0; p.len()];
        let gx = m
            .backward(&p, &mut gp, &filled(&good), &y, &y)
            .expect("backward");
        assert_eq!(gx.shape(), good.as_slice(), "{}", n.kind);
        match m.forward(&p, &filled(&bad)) {
            Err(Error::ShapeMismatch { layer, actual, .. }) => {
                assert!(layer.starts_with(&n.kind), "{layer}");
                assert_eq!(actual.len(), bad.len(), "{}: {actual:?}", n.kind);
            }
            other => panic!("{}: {other:?}", n.kind),
        }
        let mut wrong = out.clone();
        wrong[0] += 1;
        let wrong = filled(&wrong);
        let err = m.backward(&p, &mut gp, &filled(&good), &y, &wrong).err();
        let err = err.expect("wrong gradOutput refused").to_string();
        assert!(err.contains(&n.kind), "{}: {err}", n.kind);
        assert!(m.backward(&p, &mut gp, &filled(&bad), &y, &y).is_err());
    }
}

#[test]
fn bilinear_checks_its_table() {
    let n = node(
        "Bilinear",
        &[("inputSize1", 2), ("inputSize2", 3), ("outputSize", 4)],
    );
    let mut m = build_block::<f64>(&n).expect("builds");
    let p = vec![0.1; m.num_params()];
    let t = |a: &[usize], b: &[usize]| {
        Activity::Table(vec![
            Activity::Tensor(filled(a)),
            Activity::Tensor(filled(b)),
        ])
    };
    let y = m.forward(&p, &t(&[5, 2], &[5, 3])).expect("forward");
    for bad in [
        t(&[5, 3], &[5, 3]),
        t(&[5, 2], &[4, 3]),
        t(&[2], &[3]),
        Activity::Tensor(filled(&[5, 2])),
        Activity::Table(vec![Activity::Tensor(filled(&[5, 2]))]),
    ] {
        let err = m.forward(&p, &bad).expect_err("refused").to_string();
        assert!(err.contains("Bilinear"), "{err}");
    }
    let mut gp = vec![0.0; p.len()];
    let x = t(&[5, 2], &[5, 3]);
    let wrong = Activity::Tensor(filled(&[5, 3]));
    let err = m
        .backward(&p, &mut gp, &x, &y, &wrong)
        .expect_err("refused");
    assert!(err.to_string().contains("Bilinear"), "{err}");
}

#[test]
fn bad_arguments_are_errors() {
    let vfull = |extra: &[(&str, i64)]| {
        let base = [
            ("nInputPlane", 4),
            ("nOutputPlane", 2),
            ("kT", 2),
            ("kW", 2),
            ("kH", 2),
        ];
        node("VolumetricFullConvolution", &[&base[..], extra].concat())
    };
    let bad = vec![
        vfull(&[("adjT", 1)]),
        vfull(&[("nGroup", 3)]),
        vfull(&[("dH", 0)]),
        vfull(&[("padW", -1)]),
        vfull(&[("kT", 1 << 40)]),
        node(
            "SpatialShareConvolution",
            &[
                ("nInputPlane", 3),
                ("nOutputPlane", 2),
                ("kernelW", 2),
                ("kernelH", 2),
                ("nGroup", 2),
            ],
        ),
        node("SpatialWithinChannelLRN", &[("size", 4)]),
        node("SpatialWithinChannelLRN", &[("size", 1 << 30)]),
        node("SpatialSubtractiveNormalization", &[("nInputPlane", 0)]),
        Node::new("SpatialSubtractiveNormalization")
            .floats("kernel", &[1.0, 1.0])
            .ints("kernelDims", &[2]),
        Node::new("SpatialSubtractiveNormalization")
            .floats("kernel", &[1.0, -1.0, 0.0])
            .ints("kernelDims", &[3]),
        Node::new("SpatialDivisiveNormalization")
            .floats("kernel", &[1.0; 6])
            .ints("kernelDims", &[3, 3]),
        Node::new("SpatialDivisiveNormalization")
            .floats("kernel", &[1.0])
            .ints("kernelDims", &[1, 1, 1]),
        Node::new("SpatialDivisiveNormalization").floats("threshold", &[f64::NAN]),
        node("Cosine", &[("inputSize", 0), ("outputSize", 3)]),
        node(
            "Euclidean",
            &[("inputSize", 1 << 40), ("outputSize", 1 << 40)],
        ),
    ];
    for n in bad {
        let err = build_module::<f64>(&n).err();
        let err = err.unwrap_or_else(|| panic!("{n:?} accepted")).to_string();
        assert!(err.contains(&n.kind), "{err}");
    }
    for (i1, i2, o) in [(0, 2, 2), (1 << 40, 1 << 40, 2)] {
        let n = node(
            "Bilinear",
            &[("inputSize1", i1), ("inputSize2", i2), ("outputSize", o)],
        );
        let err = build_block::<f64>(&n).err().expect("refused").to_string();
        assert!(err.contains("Bilinear"), "{err}");
    }
    // A huge stride is a valid argument, but the output size overflows: an error, not a panic.
    let n = node(
        "VolumetricFullConvolution",
        &[
            ("nInputPlane", 1),
            ("nOutputPlane", 1),
            ("kT", 1),
            ("kW", 1),
            ("kH", 1),
            ("dW", i64::MAX),
            ("adjW", i64::MAX - 1),
        ],
    );
    let mut m = build_module::<f64>(&n).expect("builds");
    let p = vec![0.1; m.num_params()];
    let err = m
        .forward(&p, &filled(&[1, 1, 1, 2, 2]))
        .expect_err("refused");
    assert!(
        err.to_string().contains("VolumetricFullConvolution"),
        "{err}"
    );
    // A huge 1-D kernel is refused before its outer product is built.
    let big = vec![1.0; 3001];
    let n = Node::new("SpatialSubtractiveNormalization")
        .floats("kernel", &big)
        .ints("kernelDims", &[3001]);
    let err = build_module::<f64>(&n).err().expect("refused").to_string();
    assert!(err.contains("taps"), "{err}");
}
