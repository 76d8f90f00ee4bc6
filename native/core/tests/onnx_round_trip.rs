//! ONNX export then import gives back a model that computes the same outputs (LeNet-5, an MLP
//! with BatchNormalization, branches, LSTM, GRU, RnnCell, MultiRNNCell, transposed and
//! dilated convolutions); layers and operators without an equivalent are all named in one error.

use ferrodl_core::onnx::{decode_model, encode_model, export_onnx, import_onnx};
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Model;

fn lin(i: i64, o: i64) -> Node {
    Node::new("Linear")
        .ints("inputSize", &[i])
        .ints("outputSize", &[o])
}

fn conv(i: i64, o: i64, k: i64) -> Node {
    Node::new("SpatialConvolution")
        .ints("nInputPlane", &[i])
        .ints("nOutputPlane", &[o])
        .ints("kernelW", &[k])
        .ints("kernelH", &[k])
}

fn pool(k: i64, ceil: i64) -> Node {
    Node::new("SpatialMaxPooling")
        .ints("kW", &[k])
        .ints("kH", &[k])
        .ints("dW", &[k])
        .ints("dH", &[k])
        .ints("ceilMode", &[ceil])
}

fn seq(children: Vec<Node>) -> Node {
    let mut s = Node::new("Sequential");
    s.children = children;
    s
}

/// A model with random weights and (positive) random buffers.
fn model(spec: &Node, seed: u64) -> Model<f32> {
    let mut m = Model::from_block(build_block::<f32>(spec).expect("build"), seed).expect("model");
    let mut rng = Rng::new(seed + 1);
    let bufs: Vec<f32> = m
        .buffers()
        .iter()
        .map(|_| rng.uniform(0.5, 1.5) as f32)
        .collect();
    m.set_buffers(&bufs).expect("buffers");
    m.set_training(false);
    m
}

/// Exports, checks the bytes decode and re-encode identically, imports and compares outputs.
fn round_trip(spec: Node, input_shape: &[usize]) {
    let mut m = model(&spec, 7);
    let bytes = export_onnx(&spec, m.weights(), &m.buffers()).expect("export");
    assert_eq!(encode_model(&decode_model(&bytes).expect("decode")), bytes);
    let imp = import_onnx(&bytes).expect("import");
    let mut back = model(&imp.spec, 3);
    back.set_weights(&imp.weights).expect("weights");
    back.set_buffers(&imp.buffers).expect("buffers");
    let mut rng = Rng::new(11);
    let n: usize = input_shape.iter().product();
    let x: Vec<f32> = (0..n).map(|_| rng.uniform(-1.0, 1.0) as f32).collect();
    let x = from_vec("x", input_shape, x).expect("input");
    let want = m.forward(x.clone()).expect("forward").clone();
    let got = back.forward(x).expect("forward imported").clone();
    assert_eq!(want.shape(), got.shape(), "{}", imp.spec.kind);
    let diff = want
        .iter()
        .zip(got.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(diff < 1e-5, "max difference {diff} for {:?}", spec.kind);
}

#[test]
fn lenet_and_mlp_round_trip() {
    round_trip(
        seq(vec![
            Node::new("Reshape").ints("size", &[1, 28, 28]),
            conv(1, 6, 5),
            Node::new("Tanh"),
            pool(2, 0),
            conv(6, 12, 5),
            Node::new("Tanh"),
            pool(2, 0),
            Node::new("Reshape").ints("size", &[192]),
            lin(192, 100),
            Node::new("Tanh"),
            lin(100, 10),
            Node::new("LogSoftMax"),
        ]),
        &[3, 784],
    );
    round_trip(
        seq(vec![
            lin(6, 8),
            Node::new("BatchNormalization")
                .ints("nOutput", &[8])
                .floats("eps", &[1e-3]),
            Node::new("ReLU"),
            Node::new("Dropout").floats("initP", &[0.3]),
            lin(8, 5).ints("withBias", &[0]),
            Node::new("Sigmoid"),
            Node::new("CMul").ints("size", &[5]),
            Node::new("CAdd").ints("size", &[5]),
            Node::new("HardTanh"),
            Node::new("SoftMax"),
        ]),
        &[4, 6],
    );
}

#[test]
fn convolutions_pooling_and_normalisation_round_trip() {
    round_trip(
        seq(vec![
            conv(2, 4, 3)
                .ints("padW", &[1])
                .ints("padH", &[1])
                .ints("nGroup", &[2]),
            Node::new("SpatialBatchNormalization").ints("nOutput", &[4]),
            Node::new("ReLU6"),
            Node::new("SpatialDilatedConvolution")
                .ints("nInputPlane", &[4])
                .ints("nOutputPlane", &[3])
                .ints("kW", &[3])
                .ints("kH", &[3])
                .ints("dilationW", &[2])
                .ints("dilationH", &[2]),
            Node::new("SpatialFullConvolution")
                .ints("nInputPlane", &[3])
                .ints("nOutputPlane", &[2])
                .ints("kW", &[3])
                .ints("kH", &[3])
                .ints("dW", &[2])
                .ints("dH", &[2])
                .ints("padW", &[1])
                .ints("padH", &[1])
                .ints("adjW", &[1])
                .ints("adjH", &[1]),
            Node::new("SpatialAveragePooling")
                .ints("kW", &[3])
                .ints("kH", &[3])
                .ints("dW", &[2])
                .ints("dH", &[2])
                .ints("padW", &[1])
                .ints("padH", &[1])
                .ints("countIncludePad", &[0]),
            Node::new("SpatialAveragePooling").ints("globalPooling", &[1]),
            Node::new("View")
                .ints("sizes", &[2])
                .ints("numInputDims", &[3]),
        ]),
        &[2, 2, 11, 11],
    );
}

#[test]
fn branches_and_graphs_round_trip() {
    let branch = |o: i64| seq(vec![lin(6, o), Node::new("Tanh")]);
    round_trip(
        seq(vec![
            lin(4, 6),
            Node::new("ConcatTable").child(branch(3)).child(branch(3)),
            Node::new("CAddTable"),
            Node::new("LogSoftMax"),
        ]),
        &[5, 4],
    );
    // Graph: input -> a; a -> b, c; join(b, c) -> out.
    let g = Node::new("Graph")
        .ints("preds", &[0, 1, 0, 1, 1, 1, 1, 2, 2, 3])
        .ints("inputs", &[0])
        .ints("outputs", &[4])
        .child(Node::new("Input"))
        .child(lin(4, 6))
        .child(branch(2))
        .child(seq(vec![lin(6, 3), Node::new("Sigmoid")]))
        .child(Node::new("JoinTable").ints("dimension", &[2]));
    round_trip(g, &[5, 4]);
}

#[test]
fn recurrent_cells_round_trip() {
    let rec = |cell: Node| {
        seq(vec![
            Node::new("Recurrent").child(cell),
            Node::new("Select").ints("dim", &[2]).ints("index", &[-1]),
            lin(5, 3),
            Node::new("LogSoftMax"),
        ])
    };
    let lstm = || {
        Node::new("LSTM")
            .ints("inputSize", &[4])
            .ints("hiddenSize", &[5])
    };
    round_trip(rec(lstm()), &[2, 6, 4]);
    round_trip(
        rec(Node::new("GRU")
            .ints("inputSize", &[4])
            .ints("outputSize", &[5])),
        &[2, 6, 4],
    );
    round_trip(
        rec(Node::new("LSTMPeephole")
            .ints("inputSize", &[4])
            .ints("hiddenSize", &[5])),
        &[2, 6, 4],
    );
    round_trip(
        rec(Node::new("RnnCell")
            .ints("inputSize", &[4])
            .ints("hiddenSize", &[5])
            .child(Node::new("ReLU"))),
        &[2, 6, 4],
    );
    let multi = Node::new("MultiRNNCell").child(lstm()).child(
        Node::new("GRU")
            .ints("inputSize", &[5])
            .ints("outputSize", &[5]),
    );
    round_trip(rec(multi), &[3, 4, 4]);
}

#[test]
fn export_lists_every_layer_without_an_onnx_equivalent() {
    let spec = seq(vec![
        Node::new("Euclidean")
            .ints("inputSize", &[4])
            .ints("outputSize", &[3]),
        Node::new("Tanh"),
        Node::new("Masking"),
    ]);
    let m = model(&spec, 1);
    let e = export_onnx(&spec, m.weights(), &m.buffers())
        .unwrap_err()
        .to_string();
    assert!(e.contains("no ONNX equivalent: Euclidean, Masking"), "{e}");
    let e = export_onnx(&spec, &[1.0], &[]).unwrap_err().to_string();
    assert!(e.contains("weight buffer has 1 elements"), "{e}");
}
