//! Model descriptions decode robustly, and models built from them train and fail cleanly.

use ferrodl_core::spec::{build_criterion, build_module, decode, encode, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::{Error, Model};

fn mlp() -> Node {
    Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[4]))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[4])
                .ints("outputSize", &[3]),
        )
        .child(Node::new("Tanh"))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[3])
                .ints("outputSize", &[2]),
        )
        .child(Node::new("LogSoftMax"))
}

#[test]
fn encode_decode_round_trip_and_every_truncation_fails() {
    let bytes = encode(&mlp().floats("x", &[1.5]));
    assert_eq!(decode(&bytes).expect("decode"), mlp().floats("x", &[1.5]));
    for cut in 0..bytes.len() {
        assert!(
            matches!(decode(&bytes[..cut]), Err(Error::Corrupt { .. })),
            "cut at {cut}"
        );
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(decode(&extra).is_err());
    let mut flipped = bytes.clone();
    flipped[4] = 9;
    assert!(decode(&flipped)
        .unwrap_err()
        .to_string()
        .contains("version"));
    // A huge declared list length must not allocate or panic.
    let mut huge = encode(&Node::new("Linear").ints("inputSize", &[1]));
    let at = huge.len() - 2 - 8 - 4;
    huge[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(decode(&huge).is_err());
}

#[test]
fn unknown_layers_and_bad_arguments_are_errors() {
    let e = build_module::<f32>(&Node::new("Sequential").child(Node::new("Frobnicate")))
        .err()
        .expect("error");
    assert_eq!(
        e,
        Error::UnknownLayer {
            kind: "Frobnicate".into()
        }
    );
    let e = build_module::<f32>(
        &Node::new("Linear")
            .ints("inputSize", &[0])
            .ints("outputSize", &[2]),
    )
    .err()
    .expect("error");
    assert!(e.to_string().contains("inputSize"), "{e}");
    assert!(build_criterion::<f32>(&Node::new("HingeEmbeddingCriterionX")).is_err());
}

#[test]
fn model_trains_and_reports_shape_errors_then_keeps_working() {
    let module = build_module::<f32>(&mlp()).expect("module");
    let mut model = Model::new(module, 1).expect("model");
    assert_eq!(model.num_params(), 4 * 3 + 3 + 3 * 2 + 2);
    let crit = build_criterion::<f32>(&Node::new("ClassNLLCriterion")).expect("criterion");
    let x = from_vec(
        "x",
        &[2, 2, 2],
        vec![0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4],
    )
    .expect("x");
    let t = from_vec("t", &[2], vec![1.0, 2.0]).expect("t");
    let first = model
        .train_batch(crit.as_ref(), x.clone(), &t)
        .expect("train");
    assert_eq!(first.norm, 2.0);
    // A few steps of gradient descent lower the loss.
    let mut w = model.weights().to_vec();
    for _ in 0..50 {
        model
            .train_batch(crit.as_ref(), x.clone(), &t)
            .expect("train");
        for (w, g) in w.iter_mut().zip(model.grads()) {
            *w -= 0.1 * g;
        }
        model.set_weights(&w).expect("weights");
    }
    let last = model
        .train_batch(crit.as_ref(), x.clone(), &t)
        .expect("train");
    assert!(last.sum < first.sum * 0.5, "{last:?} vs {first:?}");

    let bad = from_vec("x", &[2, 5], vec![0.0; 10]).expect("x");
    let e = model.forward(bad).expect_err("shape error");
    let msg = e.to_string();
    assert!(msg.contains("Reshape") && msg.contains("[2, 5]"), "{msg}");
    let t_bad = from_vec("t", &[2], vec![1.0, 3.0]).expect("t");
    let e = model
        .train_batch(crit.as_ref(), x.clone(), &t_bad)
        .expect_err("label error");
    assert!(
        matches!(e, Error::LabelOutOfRange { n_classes: 2, .. }),
        "{e}"
    );
    let nan = from_vec("x", &[2, 4], vec![f32::NAN; 8]).expect("x");
    assert!(matches!(model.forward(nan), Err(Error::NonFinite { .. })));
    assert!(model.set_weights(&[0.0; 3]).is_err());
    model
        .train_batch(crit.as_ref(), x.clone(), &t)
        .expect("still works");

    // A non-finite weight is refused (at the loss, before any gradient leaves the engine).
    let good = model.weights().to_vec();
    let mut w = good.clone();
    let last = w.len() - 1;
    w[last] = f32::INFINITY;
    model.set_weights(&w).expect("weights");
    let e = model
        .train_batch(crit.as_ref(), x.clone(), &t)
        .expect_err("non-finite loss");
    assert!(matches!(&e, Error::NonFinite { .. }), "{e}");
    model.set_weights(&good).expect("weights");
    model
        .train_batch(crit.as_ref(), x, &t)
        .expect("works again");
}

#[test]
fn training_skips_input_gradients_but_gets_the_same_parameter_gradients() {
    let conv = Node::new("SpatialConvolution")
        .ints("nInputPlane", &[1])
        .ints("nOutputPlane", &[2])
        .ints("kernelW", &[3])
        .ints("kernelH", &[3]);
    let spec = Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[1, 5, 5]))
        .child(conv)
        .child(Node::new("Tanh"))
        .child(Node::new("Reshape").ints("size", &[18]))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[18])
                .ints("outputSize", &[3]),
        )
        .child(Node::new("LogSoftMax"));
    let crit = build_criterion::<f64>(&Node::new("ClassNLLCriterion")).expect("criterion");
    let x = from_vec(
        "x",
        &[2, 5, 5],
        (0..50).map(|i| (i as f64 * 0.37).sin()).collect(),
    )
    .expect("x");
    let t = from_vec("t", &[2], vec![1.0, 3.0]).expect("t");
    let mut fast = Model::new(build_module::<f64>(&spec).expect("module"), 3).expect("model");
    fast.train_batch(crit.as_ref(), x.clone(), &t)
        .expect("train");
    let mut full = Model::new(build_module::<f64>(&spec).expect("module"), 3).expect("model");
    let y = full.forward(x).expect("forward").clone();
    let g = crit.grad_sum(&y, &t).expect("grad");
    full.backward(&g).expect("backward");
    for (a, b) in fast.grads().iter().zip(full.grads()) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
}

#[test]
fn initialisation_methods_replace_the_defaults() {
    let linear = |w: &str, args: &[f64], b: &str| {
        Node::new("Linear")
            .ints("inputSize", &[200])
            .ints("outputSize", &[100])
            .string("weightInit", w)
            .floats("weightInitArgs", args)
            .string("biasInit", b)
    };
    let weights = |n: Node| {
        Model::new(build_module::<f64>(&n).expect("module"), 5)
            .expect("model")
            .weights()
            .to_vec()
    };
    let w = weights(linear("ConstInitMethod", &[0.5], "Zeros"));
    assert!(w[..20_000].iter().all(|v| *v == 0.5) && w[20_000..].iter().all(|v| *v == 0.0));
    let w = weights(linear("Xavier", &[], "Ones"));
    let bound = (6.0f64 / 300.0).sqrt();
    assert!(
        w[..20_000].iter().all(|v| v.abs() <= bound)
            && w[..20_000].iter().any(|v| v.abs() > 0.9 * bound)
    );
    assert!(w[20_000..].iter().all(|v| *v == 1.0));
    let w = weights(linear("RandomNormal", &[1.0, 0.1], "Zeros"));
    let mean = w[..20_000].iter().sum::<f64>() / 20_000.0;
    let var = w[..20_000].iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 20_000.0;
    assert!(
        (mean - 1.0).abs() < 0.01 && (var.sqrt() - 0.1).abs() < 0.01,
        "{mean} {var}"
    );
    let w = weights(linear("MsraFiller", &[0.0], "Zeros"));
    let std = (w[..20_000].iter().map(|v| v * v).sum::<f64>() / 20_000.0).sqrt();
    assert!((std - (2.0f64 / 200.0).sqrt()).abs() < 0.005, "{std}");
    let w = weights(linear("RandomUniform", &[-0.2, 0.3], "Zeros"));
    assert!(w[..20_000].iter().all(|v| (-0.2..0.3).contains(v)));
    assert!(build_module::<f64>(&linear("Orthogonal", &[], "Zeros")).is_err());
    assert!(build_module::<f64>(&Node::new("Tanh").string("weightInit", "Zeros")).is_err());
}

#[test]
fn regularizers_add_their_gradient_once_per_normaliser() {
    let plain = Node::new("Linear")
        .ints("inputSize", &[3])
        .ints("outputSize", &[2]);
    let reg = plain
        .clone()
        .floats("wRegularizer", &[0.0, 0.1])
        .floats("bRegularizer", &[0.2, 0.0]);
    let x = from_vec(
        "x",
        &[4, 3],
        (0..12).map(|i| (i as f64 * 0.7).cos()).collect(),
    )
    .expect("x");
    let t = from_vec(
        "t",
        &[4, 2],
        (0..8).map(|i| (i as f64 * 0.3).sin()).collect(),
    )
    .expect("t");
    for average in [true, false] {
        let crit = build_criterion::<f64>(
            &Node::new("MSECriterion").ints("sizeAverage", &[average as i64]),
        )
        .expect("mse");
        let mut a = Model::new(build_module::<f64>(&plain).expect("plain"), 9).expect("model");
        let mut b = Model::new(build_module::<f64>(&reg).expect("reg"), 9).expect("model");
        let la = a.train_batch(crit.as_ref(), x.clone(), &t).expect("train");
        let lb = b.train_batch(crit.as_ref(), x.clone(), &t).expect("train");
        assert_eq!(la, lb);
        let scale = if average { 8.0 } else { 1.0 };
        assert_eq!(la.norm, scale);
        for (i, ((w, ga), gb)) in a.weights().iter().zip(a.grads()).zip(b.grads()).enumerate() {
            let penalty = if i < 6 { 0.1 * w } else { 0.2 * w.signum() };
            assert!((gb - ga - scale * penalty).abs() < 1e-12, "parameter {i}");
        }
    }
    let bad = Node::new("Tanh").floats("wRegularizer", &[0.0, 0.1]);
    assert!(build_module::<f64>(&bad).is_err());
    let negative = plain.floats("wRegularizer", &[-1.0, 0.0]);
    assert!(build_module::<f64>(&negative).is_err());
}

#[test]
fn all_finite_finds_every_non_finite_value_at_any_position() {
    use ferrodl_core::tensor::all_finite;
    for n in [0usize, 1, 7, 8, 9, 31, 64, 67] {
        let ok: Vec<f32> = (0..n).map(|i| i as f32 - 3.5).collect();
        assert!(all_finite(&ok), "n={n}");
        for at in 0..n {
            for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
                let mut v = ok.clone();
                v[at] = bad;
                assert!(!all_finite(&v), "n={n} at={at} {bad}");
            }
        }
    }
    assert!(all_finite(&[f64::MAX, f64::MIN, -0.0, f64::MIN_POSITIVE]));
}
