//! The native model file: every layer family, containers, graphs and recurrent models give
//! identical outputs after a save and load; metadata, tags and optimiser state survive; weights
//! files load into a model by tensor name and shape.

use ferrodl_core::modelfile::{decode, encode, match_weights, ModelContents};
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::{Activity, Error, Model, Tensor};
use ndarray::{Dimension, IxDyn};

fn n(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |node, (k, v)| node.ints(k, &[*v]))
}

fn linear(i: i64, o: i64) -> Node {
    n("Linear", &[("inputSize", i), ("outputSize", o)])
}

fn t(shape: &[usize]) -> Activity<f32> {
    Activity::Tensor(Tensor::from_shape_fn(IxDyn(shape), |i| {
        let k: usize = i.slice().iter().enumerate().map(|(j, x)| (j + 3) * x).sum();
        ((k % 7) as f32 - 3.0) / 4.0 + 1.0
    }))
}

/// One description per layer family the factory builds, with an input it accepts.
fn cases() -> Vec<(Node, Activity<f32>)> {
    let conv = |kind: &str, extra: &[(&str, i64)]| {
        let mut a = vec![("nInputPlane", 2), ("nOutputPlane", 3)];
        a.extend_from_slice(extra);
        n(kind, &a)
    };
    let diamond = Node::new("Graph")
        .child(Node::new("Input"))
        .child(linear(3, 4))
        .child(Node::new("Tanh"))
        .child(Node::new("Sigmoid"))
        .child(Node::new("CAddTable"))
        .child(linear(4, 2))
        .ints("preds", &[0, 1, 0, 1, 1, 1, 1, 2, 2, 3, 1, 4])
        .ints("inputs", &[0])
        .ints("outputs", &[5, 1]);
    vec![
        (linear(4, 3), t(&[2, 4])),
        (
            n(
                "Linear",
                &[("inputSize", 4), ("outputSize", 3), ("withBias", 0)],
            ),
            t(&[2, 4]),
        ),
        (
            conv(
                "SpatialConvolution",
                &[("kernelW", 3), ("kernelH", 3), ("padW", 1)],
            ),
            t(&[2, 2, 5, 5]),
        ),
        (
            conv("SpatialShareConvolution", &[("kernelW", 2), ("kernelH", 2)]),
            t(&[1, 2, 4, 4]),
        ),
        (
            conv(
                "SpatialDilatedConvolution",
                &[("kW", 3), ("kH", 3), ("dilationW", 2), ("dilationH", 2)],
            ),
            t(&[1, 2, 7, 7]),
        ),
        (
            conv(
                "SpatialFullConvolution",
                &[("kW", 3), ("kH", 3), ("dW", 2), ("dH", 2)],
            ),
            t(&[1, 2, 3, 3]),
        ),
        (
            conv("VolumetricConvolution", &[("kT", 2), ("kW", 2), ("kH", 2)]),
            t(&[1, 2, 3, 3, 3]),
        ),
        (
            n(
                "TemporalConvolution",
                &[
                    ("inputFrameSize", 3),
                    ("outputFrameSize", 2),
                    ("kernelW", 2),
                ],
            ),
            t(&[2, 5, 3]),
        ),
        (
            n(
                "SpatialMaxPooling",
                &[("kW", 2), ("kH", 2), ("dW", 2), ("dH", 2)],
            ),
            t(&[1, 2, 4, 4]),
        ),
        (
            n(
                "SpatialAveragePooling",
                &[("kW", 3), ("kH", 3), ("padW", 1), ("padH", 1)],
            ),
            t(&[1, 2, 4, 4]),
        ),
        (n("BatchNormalization", &[("nOutput", 3)]), t(&[4, 3])),
        (
            n("SpatialBatchNormalization", &[("nOutput", 2)]),
            t(&[2, 2, 3, 3]),
        ),
        (n("LayerNormalization", &[("hiddenSize", 4)]), t(&[3, 4])),
        (n("SpatialCrossMapLRN", &[("size", 3)]), t(&[1, 4, 3, 3])),
        (
            n("LookupTable", &[("nIndex", 6), ("nOutput", 3)]),
            Activity::Tensor(Tensor::from_shape_fn(IxDyn(&[2, 4]), |i| {
                (i[0] * 4 + i[1]) as f32 % 6.0 + 1.0
            })),
        ),
        (Node::new("Reshape").ints("size", &[2, 3]), t(&[2, 6])),
        (
            n("Narrow", &[("dimension", 2), ("offset", 2), ("length", 2)]),
            t(&[2, 4]),
        ),
        (n("Mean", &[("dimension", 2)]), t(&[2, 3, 4])),
        (Node::new("PReLU").ints("nOutputPlane", &[3]), t(&[2, 3])),
        (Node::new("CMul").ints("size", &[1, 3]), t(&[2, 3])),
        (Node::new("Tanh"), t(&[2, 5])),
        (Node::new("LogSoftMax"), t(&[2, 5])),
        (Node::new("Dropout").floats("initP", &[0.3]), t(&[3, 4])),
        (
            Node::new("Recurrent").child(n("LSTM", &[("inputSize", 3), ("hiddenSize", 4)])),
            t(&[2, 3, 3]),
        ),
        (
            Node::new("Recurrent").child(n("GRU", &[("inputSize", 3), ("outputSize", 2)])),
            t(&[2, 3, 3]),
        ),
        (
            Node::new("BiRecurrent").string("merge", "JoinTable").child(
                n("RnnCell", &[("inputSize", 2), ("hiddenSize", 3)]).child(Node::new("Tanh")),
            ),
            t(&[2, 3, 2]),
        ),
        (
            Node::new("TimeDistributed").child(linear(3, 2)),
            t(&[2, 4, 3]),
        ),
        (
            Node::new("Sequential")
                .child(linear(4, 4).string("weightInit", "Xavier"))
                .child(Node::new("Sigmoid"))
                .child(
                    Node::new("Sequential")
                        .child(linear(4, 2))
                        .ints("frozenModule", &[1]),
                ),
            t(&[3, 4]),
        ),
        (
            Node::new("Sequential")
                .child(
                    Node::new("ConcatTable").child(linear(3, 2)).child(
                        Node::new("Sequential")
                            .child(linear(3, 2))
                            .child(Node::new("Tanh")),
                    ),
                )
                .child(Node::new("CAddTable")),
            t(&[4, 3]),
        ),
        (
            Node::new("Sequential")
                .child(
                    Node::new("ParallelTable")
                        .child(linear(3, 2))
                        .child(linear(5, 2)),
                )
                .child(n("JoinTable", &[("dimension", 1), ("nInputDims", 1)])),
            Activity::Table(vec![t(&[4, 3]), t(&[4, 5])]),
        ),
        (
            Node::new("Concat")
                .ints("dimension", &[2])
                .child(linear(3, 2))
                .child(linear(3, 4)),
            t(&[5, 3]),
        ),
        (diamond.clone(), t(&[2, 3])),
        (
            Node::new("Sequential")
                .child(diamond)
                .child(Node::new("SelectTable").ints("index", &[1])),
            t(&[2, 3]),
        ),
    ]
}

/// A model of `node` with random weights and, after one training pass, non-trivial buffers.
fn trained(node: &Node, x: &Activity<f32>, seed: u64) -> Model<f32> {
    let block = build_block::<f32>(node).unwrap_or_else(|e| panic!("{}: {e}", node.kind));
    let mut m = Model::from_block(block, seed).expect("model");
    m.set_training(true);
    let _ = m.forward_activity(x.clone());
    m.set_training(false);
    // No state beyond the flat buffers: BatchNormalization keeps its running statistics at the
    // buffers' precision, so the trained model itself is the reference.
    m
}

fn output(m: &mut Model<f32>, x: &Activity<f32>) -> Vec<f32> {
    let mut layout = Vec::new();
    let mut data = Vec::new();
    m.forward_activity(x.clone())
        .expect("forward")
        .encode(&mut layout, &mut data);
    data
}

#[test]
fn every_layer_family_gives_identical_outputs_after_save_and_load() {
    for (node, x) in cases() {
        let mut before = trained(&node, &x, 11);
        let y = output(&mut before, &x);
        let file = ModelContents::model(node.clone(), before.weights().to_vec(), before.buffers())
            .expect("contents");
        let bytes = encode(&file).expect("encode");
        let back = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", node.kind));
        assert_eq!(back, file, "{}", node.kind);
        let graph = back.graph.expect("graph");
        let mut after =
            Model::from_block(build_block::<f32>(&graph).expect("build"), 99).expect("model");
        after.set_weights(&back.weights).expect("weights");
        after.set_buffers(&back.buffers).expect("buffers");
        after.set_training(false);
        let z = output(&mut after, &x);
        assert_eq!(
            y.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            z.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "{}: outputs differ after reload",
            node.kind
        );
    }
}

#[test]
fn tensors_are_named_by_path_with_their_slices() {
    let node = Node::new("Sequential")
        .child(linear(4, 3))
        .child(Node::new("Tanh"))
        .child(linear(3, 2))
        .child(Node::new("Sequential").child(linear(2, 2)));
    let mut node = node;
    node.children[2].name = "head".into();
    let c = ModelContents::model(node, vec![0.5; 15 + 8 + 6], Vec::new()).expect("contents");
    let names: Vec<(&str, Vec<usize>, usize)> = c
        .tensors
        .iter()
        .map(|t| (t.name.as_str(), t.shape.clone(), t.offset))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Sequential#0/Linear#0/weight", vec![3, 4], 0),
            ("Sequential#0/Linear#0/bias", vec![3], 12),
            ("Sequential#0/head/weight", vec![2, 3], 15),
            ("Sequential#0/head/bias", vec![2], 21),
            ("Sequential#0/Sequential#3/Linear#0/weight", vec![2, 2], 23),
            ("Sequential#0/Sequential#3/Linear#0/bias", vec![2], 27),
        ]
    );
}

#[test]
fn metadata_tags_and_optimiser_state_survive() {
    let mut c = ModelContents::model(linear(2, 2), vec![1.0; 6], Vec::new()).expect("contents");
    c.metadata.tags.insert("team".into(), "vision".into());
    c.metadata.tags.insert("".into(), "empty key".into());
    c.optim_state = Some(b"FDL2 opaque optimiser state".to_vec());
    let back = decode(&encode(&c).expect("encode")).expect("decode");
    assert_eq!(back, c);
    assert_eq!(back.metadata.ferrodl_version, env!("CARGO_PKG_VERSION"));
    assert!(back.metadata.created_unix_ms > 1_600_000_000_000);
}

#[test]
fn weights_files_load_by_name_and_shape() {
    let model = Node::new("Sequential")
        .child(linear(3, 2))
        .child(linear(2, 1));
    let w: Vec<f32> = (0..11).map(|i| i as f32).collect();
    let file = ModelContents::weights_only(&model, w.clone(), Vec::new()).expect("contents");
    let back = decode(&encode(&file).expect("encode")).expect("decode");
    assert!(back.graph.is_none());
    assert_eq!(match_weights(&model, &back).expect("match"), w);
    // The same layers with different sizes: the shape is named.
    let other = Node::new("Sequential")
        .child(linear(3, 3))
        .child(linear(3, 1));
    let e = match_weights(&other, &back).unwrap_err().to_string();
    assert!(
        e.contains(
            "'Sequential#0/Linear#0/weight' has shape [2, 3] in the file, the model needs [3, 3]"
        ),
        "{e}"
    );
    // A model with a layer the file lacks.
    let more = model.clone().child(linear(1, 1));
    let e = match_weights(&more, &back).unwrap_err().to_string();
    assert!(
        e.contains("'Sequential#0/Linear#2/weight' is not in the file"),
        "{e}"
    );
    // Lengths that do not fit the model are refused when writing.
    assert!(matches!(
        ModelContents::model(model, vec![0.0; 10], Vec::new()),
        Err(Error::BufferSize {
            expected: 11,
            actual: 10,
            ..
        })
    ));
}

#[test]
fn batch_normalization_state_is_exactly_its_buffers() {
    // A model trained in f32 and one rebuilt from its weights and buffers evaluate bit for bit
    // alike (with running statistics kept beyond f32, about one model in six differed by an ulp).
    let node = Node::new("Sequential")
        .child(linear(6, 8))
        .child(n("BatchNormalization", &[("nOutput", 8)]))
        .child(Node::new("ReLU"))
        .child(linear(8, 3))
        .child(Node::new("LogSoftMax"));
    for seed in 0..60u64 {
        let x = Activity::Tensor(Tensor::from_shape_fn(IxDyn(&[4, 6]), |i| {
            let k = (i[0] * 6 + i[1]) as u64 * 2_654_435_761 + seed * 97;
            (k % 1000) as f32 / 250.0 - 2.0
        }));
        let mut before = trained(&node, &x, seed);
        let y = output(&mut before, &x);
        let block = build_block::<f32>(&node).expect("build");
        let mut after = Model::from_block(block, seed + 1000).expect("model");
        after.set_weights(before.weights()).expect("weights");
        after.set_buffers(&before.buffers()).expect("buffers");
        after.set_training(false);
        let z = output(&mut after, &x);
        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&y), bits(&z), "seed {seed}: {y:?} vs {z:?}");
    }
}
