//! setInitMethod (weightInit, biasInit) and wRegularizer/bRegularizer on every layer with a
//! weight: built through the factory, the initialisation must fill exactly the weight and the
//! bias, and the regularisers must add their gradients to exactly those parts. BilinearFiller
//! against values by hand and as an upsampling transposed convolution.

use ferrodl_core::module::Module;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, build_module, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::ActivityModule;

const W: f64 = 0.3;
const B: f64 = -0.5;
const L2: f64 = 0.1;
const L1: f64 = 0.2;

fn node(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |n, (k, v)| n.ints(k, &[*v]))
}

fn with_options(n: Node) -> Node {
    n.string("weightInit", "ConstInitMethod")
        .floats("weightInitArgs", &[W])
        .string("biasInit", "ConstInitMethod")
        .floats("biasInitArgs", &[B])
        .floats("wRegularizer", &[0.0, L2])
        .floats("bRegularizer", &[L1, 0.0])
}

/// The layers, each with its bias length.
fn layers() -> Vec<(Node, usize)> {
    vec![
        (node("Linear", &[("inputSize", 3), ("outputSize", 2)]), 2),
        (
            node(
                "SpatialConvolution",
                &[
                    ("nInputPlane", 4),
                    ("nOutputPlane", 2),
                    ("kernelW", 3),
                    ("kernelH", 2),
                    ("nGroup", 2),
                ],
            ),
            2,
        ),
        (
            node(
                "SpatialShareConvolution",
                &[
                    ("nInputPlane", 2),
                    ("nOutputPlane", 3),
                    ("kernelW", 2),
                    ("kernelH", 2),
                ],
            ),
            3,
        ),
        (
            node(
                "SpatialDilatedConvolution",
                &[
                    ("nInputPlane", 2),
                    ("nOutputPlane", 3),
                    ("kW", 3),
                    ("kH", 2),
                ],
            ),
            3,
        ),
        (
            node(
                "SpatialFullConvolution",
                &[
                    ("nInputPlane", 4),
                    ("nOutputPlane", 6),
                    ("kW", 3),
                    ("kH", 2),
                    ("nGroup", 2),
                ],
            ),
            6,
        ),
        (
            node(
                "VolumetricConvolution",
                &[
                    ("nInputPlane", 2),
                    ("nOutputPlane", 3),
                    ("kT", 2),
                    ("kW", 2),
                    ("kH", 3),
                ],
            ),
            3,
        ),
        (
            node(
                "VolumetricFullConvolution",
                &[
                    ("nInputPlane", 2),
                    ("nOutputPlane", 4),
                    ("kT", 2),
                    ("kW", 2),
                    ("kH", 1),
                    ("nGroup", 2),
                ],
            ),
            4,
        ),
        (
            node(
                "TemporalConvolution",
                &[
                    ("inputFrameSize", 3),
                    ("outputFrameSize", 4),
                    ("kernelW", 2),
                ],
            ),
            4,
        ),
        (
            node(
                "LocallyConnected1D",
                &[
                    ("nInputFrame", 7),
                    ("inputFrameSize", 2),
                    ("outputFrameSize", 3),
                    ("kernelW", 3),
                    ("strideW", 2),
                ],
            ),
            3 * 3,
        ),
        (
            node(
                "LocallyConnected2D",
                &[
                    ("nInputPlane", 2),
                    ("inputWidth", 5),
                    ("inputHeight", 4),
                    ("nOutputPlane", 3),
                    ("kernelW", 2),
                    ("kernelH", 3),
                    ("strideW", 2),
                    ("padH", 1),
                ],
            ),
            2 * 4 * 3,
        ),
        (
            node(
                "SpatialSeparableConvolution",
                &[
                    ("nInputChannel", 2),
                    ("nOutputChannel", 3),
                    ("depthMultiplier", 2),
                    ("kW", 2),
                    ("kH", 3),
                ],
            ),
            3,
        ),
        (
            node(
                "Maxout",
                &[("inputSize", 3), ("outputSize", 2), ("maxoutNumber", 3)],
            ),
            6,
        ),
        (node("LayerNormalization", &[("hiddenSize", 5)]), 5),
        (node("BatchNormalization", &[("nOutput", 3)]), 3),
        (node("SpatialBatchNormalization", &[("nOutput", 2)]), 2),
        (node("Scale", &[]).ints("size", &[2, 1, 3]), 6),
        (node("CMul", &[]).ints("size", &[3, 1, 2]), 0),
        (node("Mul", &[]), 0),
        (node("CAdd", &[]).ints("size", &[2, 3]), 6),
        (node("Add", &[("inputSize", 4)]), 4),
        (node("PReLU", &[("nOutputPlane", 3)]), 0),
        (node("PReLU", &[]), 0),
        (node("Cosine", &[("inputSize", 4), ("outputSize", 3)]), 0),
        (node("Euclidean", &[("inputSize", 4), ("outputSize", 3)]), 0),
        (node("LookupTable", &[("nIndex", 5), ("nOutput", 3)]), 0),
    ]
}

fn check_parts(kind: &str, p: &[f64], g: &[f64], bias: usize) {
    let wl = p.len() - bias;
    assert!(wl > 0 || kind.ends_with("Add"), "{kind}: no weight");
    assert!(p[..wl].iter().all(|v| *v == W), "{kind}: weight init");
    assert!(p[wl..].iter().all(|v| *v == B), "{kind}: bias init");
    assert!(
        g[..wl].iter().all(|v| (*v - L2 * W).abs() < 1e-15),
        "{kind}: weight regulariser"
    );
    assert!(
        g[wl..].iter().all(|v| *v == -L1),
        "{kind}: bias regulariser"
    );
}

#[test]
fn every_layer_with_a_weight_takes_init_methods_and_regularizers() {
    for (n, bias) in layers() {
        let m: Box<dyn Module<f64>> = build_module(&with_options(n.clone())).expect("builds");
        let mut p = vec![0.0; m.num_params()];
        m.init_params(&mut p, &mut Rng::new(1));
        let mut g = vec![0.0; p.len()];
        m.add_regularization(&p, &mut g, 1.0);
        check_parts(&n.kind, &p, &g, bias);
        // Without options the default initialisation is not the constant.
        let plain: Box<dyn Module<f64>> = build_module(&n).expect("builds");
        let mut q = vec![0.0; plain.num_params()];
        plain.init_params(&mut q, &mut Rng::new(1));
        assert_ne!(p, q, "{}: options had no effect", n.kind);
    }
}

#[test]
fn bilinear_takes_init_methods_and_regularizers() {
    let n = node(
        "Bilinear",
        &[("inputSize1", 2), ("inputSize2", 3), ("outputSize", 4)],
    );
    let m: Box<dyn ActivityModule<f64>> = build_block(&with_options(n)).expect("builds");
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(1));
    let mut g = vec![0.0; p.len()];
    m.add_regularization(&p, &mut g, 1.0);
    check_parts("Bilinear", &p, &g, 4);
}

#[test]
fn layers_without_a_weight_refuse_init_methods() {
    let n = with_options(Node::new("Tanh"));
    let err = build_module::<f64>(&n).err().expect("refused").to_string();
    assert!(err.contains("Tanh"), "{err}");
}

fn filled(n: Node) -> (Box<dyn Module<f64>>, Vec<f64>) {
    let n = n
        .string("weightInit", "BilinearFiller")
        .string("biasInit", "Zeros");
    let m: Box<dyn Module<f64>> = build_module(&n).expect("builds");
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(1));
    (m, p)
}

#[test]
fn bilinear_filler_gives_caffes_kernel_and_upsamples_bilinearly() {
    // kW = kH = 4: f = 2, c = 0.75, taps 1 - |x/2 - 0.75| = 0.25, 0.75, 0.75, 0.25.
    let full = |planes| {
        node(
            "SpatialFullConvolution",
            &[
                ("nInputPlane", planes),
                ("nOutputPlane", planes),
                ("kW", 4),
                ("kH", 4),
                ("dW", 2),
                ("dH", 2),
                ("padW", 1),
                ("padH", 1),
                ("nGroup", planes),
            ],
        )
    };
    let (mut m, p) = filled(full(2));
    let taps = [0.25, 0.75, 0.75, 0.25];
    for (i, v) in p[..32].iter().enumerate() {
        let (x, y) = (i % 4, (i / 4) % 4);
        assert!((v - taps[x] * taps[y]).abs() < 1e-15, "tap {i}: {v}");
    }
    assert!(p[32..].iter().all(|v| *v == 0.0));
    // A ramp along W upsampled 2x is again a ramp inside (bilinear interpolation).
    let x = from_vec(
        "x",
        &[1, 2, 3, 4],
        (0..24).map(|i| (i % 4) as f64).collect(),
    )
    .expect("x");
    let y = m.forward(&p, &x).expect("forward");
    assert_eq!(y.shape(), &[1, 2, 6, 8]);
    let row = |c: usize, r: usize| -> Vec<f64> { (0..8).map(|j| y[[0, c, r, j]]).collect() };
    let want = [0.0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.0];
    for c in 0..2 {
        let got = row(c, 2);
        for j in 1..7 {
            assert!((got[j] - want[j]).abs() < 1e-12, "{got:?}");
        }
    }
    // A layer without a 2-D kernel refuses BilinearFiller.
    let n = node("Linear", &[("inputSize", 2), ("outputSize", 2)])
        .string("weightInit", "BilinearFiller");
    assert!(build_module::<f64>(&n).is_err());
}

/// The gradients of one training batch of `layers` in a Sequential, under the sum of squares.
fn trained_grads(layers: &[Node], x: &[usize]) -> (Vec<f64>, Vec<f64>) {
    use ferrodl_core::spec::build_criterion;
    use ferrodl_core::Model;
    let seq = layers
        .iter()
        .fold(Node::new("Sequential"), |s, c| s.child(c.clone()));
    let mut model = Model::new(build_module::<f64>(&seq).expect("builds"), 3).expect("model");
    let input = {
        let n = x.iter().product();
        from_vec("x", x, (0..n).map(|i| (i % 5) as f64 * 0.3 - 0.6).collect()).expect("x")
    };
    let y = model.forward(input.clone()).expect("forward").clone();
    let target = from_vec("t", y.shape(), vec![0.1; y.len()]).expect("t");
    let crit = build_criterion::<f64>(&Node::new("MSECriterion").ints("sizeAverage", &[0]))
        .expect("criterion");
    model
        .train_batch(crit.as_ref(), input, &target)
        .expect("train");
    (model.weights().to_vec(), model.grads().to_vec())
}

#[test]
fn regularizers_add_their_gradient_during_training() {
    let vfull = node(
        "VolumetricFullConvolution",
        &[
            ("nInputPlane", 2),
            ("nOutputPlane", 2),
            ("kT", 1),
            ("kW", 2),
            ("kH", 2),
            ("dW", 2),
        ],
    );
    let cos = node("Cosine", &[("inputSize", 2 * 4 * 4), ("outputSize", 3)]);
    let flat = node("Reshape", &[]).ints("size", &[2 * 4 * 4]);
    let regularized = vfull
        .clone()
        .floats("wRegularizer", &[0.0, L2])
        .floats("bRegularizer", &[L1, 0.0]);
    let (w, plain) = trained_grads(&[vfull, flat.clone(), cos.clone()], &[2, 2, 1, 3, 2]);
    let (w2, reg) = trained_grads(&[regularized, flat, cos], &[2, 2, 1, 3, 2]);
    assert_eq!(w, w2, "same seed, same weights");
    let wl = 2 * 2 * 4;
    assert_eq!(w.len(), wl + 2 + 3 * 2 * 4 * 4);
    for i in 0..w.len() {
        let want = if i < wl {
            L2 * w[i]
        } else if i < wl + 2 {
            L1 * w[i].signum()
        } else {
            0.0
        };
        assert!(
            (reg[i] - plain[i] - want).abs() < 1e-12,
            "parameter {i}: {} vs {} + {want}",
            reg[i],
            plain[i]
        );
    }
}
