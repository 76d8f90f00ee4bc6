//! Layers fed arbitrary shapes, values and constructor arguments never panic: every outcome is a
//! value or an error. A seeded, bounded fuzz run (CI repeats it exactly) over every layer family,
//! through the same path the JVM takes: description, factory, model, forward, backward, training.

use ferrodl_core::criterion::TensorCriterion;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, build_criterion, Node};
use ferrodl_core::tensor::Tensor;
use ferrodl_core::{Activity, Model};
use ndarray::IxDyn;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A layer: its description and the shape of one valid batch for it.
struct Case {
    node: Node,
    shape: Vec<usize>,
}

fn case(node: Node, shape: &[usize]) -> Case {
    Case {
        node,
        shape: shape.to_vec(),
    }
}

fn n(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |node, (k, v)| node.ints(k, &[*v]))
}

fn cases() -> Vec<Case> {
    let conv = |kind: &str, extra: &[(&str, i64)]| {
        let mut a = vec![("nInputPlane", 2), ("nOutputPlane", 3)];
        a.extend_from_slice(extra);
        n(kind, &a)
    };
    vec![
        case(n("Linear", &[("inputSize", 4), ("outputSize", 3)]), &[2, 4]),
        case(
            conv(
                "SpatialConvolution",
                &[("kernelW", 3), ("kernelH", 3), ("padW", 1)],
            ),
            &[2, 2, 5, 5],
        ),
        case(
            conv("SpatialShareConvolution", &[("kernelW", 2), ("kernelH", 2)]),
            &[1, 2, 4, 4],
        ),
        case(
            conv(
                "SpatialDilatedConvolution",
                &[("kW", 3), ("kH", 3), ("dilationW", 2), ("dilationH", 2)],
            ),
            &[1, 2, 7, 7],
        ),
        case(
            conv(
                "SpatialFullConvolution",
                &[("kW", 3), ("kH", 3), ("dW", 2), ("dH", 2)],
            ),
            &[1, 2, 3, 3],
        ),
        case(
            conv("VolumetricConvolution", &[("kT", 2), ("kW", 2), ("kH", 2)]),
            &[1, 2, 3, 4, 4],
        ),
        case(
            n(
                "TemporalConvolution",
                &[
                    ("inputFrameSize", 3),
                    ("outputFrameSize", 2),
                    ("kernelW", 2),
                ],
            ),
            &[2, 5, 3],
        ),
        case(
            n(
                "SpatialMaxPooling",
                &[("kW", 2), ("kH", 2), ("dW", 2), ("dH", 2)],
            ),
            &[2, 1, 4, 4],
        ),
        case(
            n(
                "SpatialAveragePooling",
                &[("kW", 3), ("kH", 3), ("padW", 1), ("padH", 1)],
            ),
            &[1, 2, 5, 5],
        ),
        case(n("BatchNormalization", &[("nOutput", 3)]), &[4, 3]),
        case(
            n("SpatialBatchNormalization", &[("nOutput", 2)]),
            &[2, 2, 3, 3],
        ),
        case(n("LayerNormalization", &[("hiddenSize", 4)]), &[3, 4]),
        case(n("SpatialCrossMapLRN", &[("size", 3)]), &[1, 4, 3, 3]),
        case(n("LookupTable", &[("nIndex", 6), ("nOutput", 3)]), &[2, 4]),
        case(Node::new("Reshape").ints("size", &[2, 3]), &[2, 6]),
        case(
            n("Narrow", &[("dimension", 2), ("offset", 2), ("length", 2)]),
            &[2, 5],
        ),
        case(n("Select", &[("dim", 2), ("index", -1)]), &[2, 3, 4]),
        case(n("Mean", &[("dimension", 2)]), &[2, 3, 4]),
        case(n("Sum", &[("dimension", 1)]), &[3, 4]),
        case(Node::new("ReLU"), &[2, 5]),
        case(Node::new("Tanh"), &[2, 5]),
        case(Node::new("SoftMax"), &[2, 5]),
        case(Node::new("LogSoftMax"), &[2, 5]),
        case(Node::new("Dropout").floats("initP", &[0.3]), &[3, 4]),
        case(
            Node::new("Recurrent").child(n("LSTM", &[("inputSize", 3), ("hiddenSize", 4)])),
            &[2, 5, 3],
        ),
        case(
            Node::new("Recurrent").child(n("GRU", &[("inputSize", 3), ("outputSize", 2)])),
            &[2, 4, 3],
        ),
        case(
            Node::new("BiRecurrent").string("merge", "JoinTable").child(
                n("RnnCell", &[("inputSize", 2), ("hiddenSize", 3)]).child(Node::new("Tanh")),
            ),
            &[1, 3, 2],
        ),
        case(
            Node::new("TimeDistributed").child(n("Linear", &[("inputSize", 3), ("outputSize", 2)])),
            &[2, 4, 3],
        ),
        case(
            Node::new("Sequential")
                .child(n("Linear", &[("inputSize", 4), ("outputSize", 4)]))
                .child(Node::new("Sigmoid"))
                .child(n("Linear", &[("inputSize", 4), ("outputSize", 2)])),
            &[3, 4],
        ),
    ]
}

/// A value from a mix of ordinary numbers, zeros, integers (indices, labels) and extremes.
fn value(rng: &mut Rng) -> f32 {
    match rng.below(12) {
        0 => -1e30,
        1 => 0.0,
        2 | 3 => (rng.below(7) as f32) + 1.0,
        _ => rng.uniform(-2.0, 2.0) as f32,
    }
}

/// The valid shape, or a shape with one dimension changed, or a random one (sizes 0 to 7).
fn shape(valid: &[usize], rng: &mut Rng) -> Vec<usize> {
    match rng.below(3) {
        0 => valid.to_vec(),
        1 if valid.is_empty() => Vec::new(),
        1 => {
            let mut s = valid.to_vec();
            let i = rng.below(s.len() as u64) as usize;
            s[i] = rng.below(8) as usize;
            s
        }
        _ => (0..rng.below(6)).map(|_| rng.below(8) as usize).collect(),
    }
}

/// The description, or one with an integer argument set to something odd.
fn mutate(node: &Node, rng: &mut Rng) -> Node {
    let mut m = node.clone();
    if rng.below(3) == 0 {
        let keys: Vec<String> = m.attrs.keys().cloned().collect();
        if !keys.is_empty() {
            let k = &keys[rng.below(keys.len() as u64) as usize];
            let v = [-1, 0, 1, 2, 7, 64, i64::MAX][rng.below(7) as usize];
            m = m.ints(k, &[v]);
        }
    }
    m
}

/// A tensor of `shape`; one in five holds a NaN or an infinity somewhere.
fn tensor(shape: &[usize], rng: &mut Rng) -> Tensor<f32> {
    // A shape too large to fill (a layer may report one for an empty input) gives an empty tensor.
    let len = match shape.iter().try_fold(1usize, |a, d| a.checked_mul(*d)) {
        Some(n) if n <= 1 << 16 => n,
        _ => return Tensor::zeros(IxDyn(&[0])),
    };
    let mut data: Vec<f32> = (0..len).map(|_| value(rng)).collect();
    if len > 0 && rng.below(5) == 0 {
        let i = rng.below(len as u64) as usize;
        data[i] = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY][rng.below(3) as usize];
    }
    Tensor::from_shape_vec(IxDyn(shape), data).unwrap_or_else(|_| Tensor::zeros(IxDyn(&[0])))
}

/// One fuzz execution: build, forward, backward, and a training step with a loss.
fn exercise(c: &Case, rng: &mut Rng) -> usize {
    let node = mutate(&c.node, rng);
    let Ok(block) = build_block::<f32>(&node) else {
        return 0;
    };
    let Ok(mut model) = Model::from_block(block, rng.next_u64()) else {
        return 0;
    };
    let x = tensor(&shape(&c.shape, rng), rng);
    let mut done = 1;
    if let Ok(y) = model.forward_activity(Activity::Tensor(x.clone())) {
        let y_shape = match y {
            Activity::Tensor(t) => t.shape().to_vec(),
            Activity::Table(_) => vec![1],
        };
        let g = tensor(&shape(&y_shape, rng), rng);
        let _ = model.backward_activity(&Activity::Tensor(g.clone()));
        if let Ok(mse) = build_criterion::<f32>(&Node::new("MSECriterion")) {
            let _ = model.train_batch_activity(
                &TensorCriterion(mse),
                Activity::Tensor(x),
                &Activity::Tensor(g),
            );
        }
        done += 1;
    }
    done
}

#[test]
fn every_layer_family_survives_arbitrary_shapes_values_and_arguments() {
    let cases = cases();
    for c in &cases {
        assert!(
            build_block::<f32>(&c.node).is_ok(),
            "the valid description of {} does not build: fix the fuzz case",
            c.node.kind
        );
    }
    let mut rng = Rng::new(20261201);
    let (mut runs, mut forwards) = (0usize, 0usize);
    // Debug builds (the test command) check arithmetic overflow too, at a quarter of the speed.
    let rounds = if cfg!(debug_assertions) { 3000 } else { 10000 };
    for round in 0..rounds {
        for c in &cases {
            let seed = rng.next_u64();
            let outcome = catch_unwind(AssertUnwindSafe(|| exercise(c, &mut Rng::new(seed))));
            match outcome {
                Ok(k) => forwards += usize::from(k > 1),
                Err(_) => panic!(
                    "{} panicked (round {round}, seed {seed}): rerun with this seed",
                    c.node.kind
                ),
            }
            runs += 1;
        }
    }
    println!(
        "fuzz: {runs} executions over {} layers, {forwards} got past forward",
        cases.len()
    );
    assert!(
        forwards > runs / 10,
        "only {forwards} of {runs} runs got past forward: the fuzz is not reaching the layers"
    );
}
