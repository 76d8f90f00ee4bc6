//! ONNX export of the layers that need the input rank or several nodes (Transpose, reductions,
//! multi-plane PReLU, SAME convolutions, BiRecurrent, TimeDistributed, padding, cropping,
//! upsampling, LRN, Normalize and the composed element-wise layers): the operators, their
//! attributes and the graph's input and output ranks (which `onnx.checker` needs), and a round
//! trip through import where ferrodl imports the operators. `python/tests/test_onnx.py` runs
//! the same models in onnxruntime against ferrodl's outputs.

use ferrodl_core::onnx::{decode_model, export_model, export_onnx, import_onnx, ModelProto};
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

fn seq(children: Vec<Node>) -> Node {
    let mut s = Node::new("Sequential");
    s.children = children;
    s
}

fn model(spec: &Node) -> Model<f32> {
    let mut m = Model::from_block(build_block::<f32>(spec).expect("build"), 5).expect("model");
    m.set_training(false);
    m
}

/// Exports `spec`; checks the input and output ranks and that every op in `ops` is used.
fn export(spec: &Node, in_rank: usize, out_rank: usize, ops: &[&str]) -> ModelProto {
    let m = model(spec);
    let onnx = export_model(spec, m.weights(), &m.buffers()).expect("export");
    let g = &onnx.graph;
    let rank = |v: &ferrodl_core::onnx::ValueInfoProto| v.shape.as_ref().map(Vec::len);
    assert_eq!(rank(&g.inputs[0]), Some(in_rank), "input of {spec:?}");
    assert_eq!(rank(&g.outputs[0]), Some(out_rank), "output of {spec:?}");
    for op in ops {
        assert!(
            g.nodes.iter().any(|n| n.op_type == *op),
            "no {op} in {:?}",
            g.nodes.iter().map(|n| &n.op_type).collect::<Vec<_>>()
        );
    }
    onnx
}

fn node<'a>(m: &'a ModelProto, op: &str) -> &'a ferrodl_core::onnx::NodeProto {
    m.graph
        .nodes
        .iter()
        .find(|n| n.op_type == op)
        .expect("node")
}

#[test]
fn transpose_exports_with_a_full_permutation_and_round_trips() {
    // The rank comes from the convolution after the Transpose (the first pass binds it).
    let spec = seq(vec![
        Node::new("Transpose").ints("permutations", &[2, 4, 3, 4]),
        conv(3, 2, 1),
    ]);
    let m = export(&spec, 4, 4, &["Transpose", "Conv"]);
    // (2 4) then (3 4) on [0 1 2 3]: [0 3 1 2].
    assert_eq!(
        node(&m, "Transpose").attr("perm").expect("perm").ints,
        [0, 3, 1, 2]
    );
    let src = model(&spec);
    let bytes = export_onnx(&spec, src.weights(), &src.buffers()).expect("bytes");
    let imp = import_onnx(&bytes).expect("import");
    let mut back = Model::from_block(build_block::<f32>(&imp.spec).expect("build"), 1).expect("m");
    back.set_weights(&imp.weights).expect("weights");
    let mut rng = Rng::new(3);
    let x: Vec<f32> = (0..2 * 5 * 4 * 3)
        .map(|_| rng.uniform(-1.0, 1.0) as f32)
        .collect();
    let x = from_vec("x", &[2, 5, 4, 3], x).expect("x");
    let mut src = src;
    let want = src.forward(x.clone()).expect("forward").clone();
    let got = back.forward(x).expect("forward").clone();
    assert_eq!(want.shape(), got.shape());
    let diff = want
        .iter()
        .zip(got.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(diff < 1e-5, "{diff}");
}

#[test]
fn reductions_map_dimensions_and_keepdims() {
    let spec = seq(vec![
        conv(2, 3, 1),
        Node::new("Sum")
            .ints("dimension", &[2])
            .ints("nInputDims", &[3])
            .ints("squeeze", &[0]),
        Node::new("Max").ints("dim", &[-1]),
        Node::new("Mean").ints("dimension", &[2]),
        Node::new("Min")
            .ints("dim", &[1])
            .ints("numInputDims", &[1]),
    ]);
    // [N,3,H,W] -Sum(keep)-> rank 4 -Max-> 3 -Mean-> 2 -Min-> 1.
    let m = export(
        &spec,
        4,
        1,
        &["ReduceSum", "ReduceMax", "ReduceMean", "ReduceMin"],
    );
    // Sum's dimension 2 of 3 input dimensions is axis 2 of the batch (opset 13: an input).
    let sum = node(&m, "ReduceSum");
    assert_eq!(sum.inputs.len(), 2);
    assert_eq!(sum.attr("keepdims").and_then(|a| a.i), Some(1));
    // Max(-1) on rank 4: the last axis.
    assert_eq!(node(&m, "ReduceMax").attr("axes").expect("axes").ints, [3]);
    assert_eq!(node(&m, "ReduceMean").attr("axes").expect("axes").ints, [1]);
    assert_eq!(
        node(&m, "ReduceMean").attr("keepdims").and_then(|a| a.i),
        Some(0)
    );
    // Min's dim 1 of 1 input dimension, on a [N, k] input: axis 1.
    assert_eq!(node(&m, "ReduceMin").attr("axes").expect("axes").ints, [1]);
    let avg = seq(vec![lin(4, 6), Node::new("Sum").ints("sizeAverage", &[1])]);
    export(&avg, 2, 1, &["ReduceMean"]);
}

#[test]
fn prelu_planes_same_padding_and_spatial_layers() {
    let m = export(
        &seq(vec![
            conv(2, 3, 1),
            Node::new("PReLU").ints("nOutputPlane", &[3]),
        ]),
        4,
        4,
        &["PRelu"],
    );
    let slope = &node(&m, "PRelu").inputs[1];
    let t = m
        .graph
        .initializers
        .iter()
        .find(|t| &t.name == slope)
        .expect("slope");
    assert_eq!(t.dims, [3, 1, 1]);
    let same = seq(vec![
        conv(2, 3, 3)
            .ints("strideW", &[2])
            .ints("strideH", &[2])
            .ints("padW", &[-1])
            .ints("padH", &[-1]),
        Node::new("SpatialMaxPooling")
            .ints("kW", &[2])
            .ints("kH", &[2])
            .ints("dW", &[2])
            .ints("dH", &[2])
            .ints("padW", &[-1])
            .ints("padH", &[-1]),
    ]);
    let m = export(&same, 4, 4, &["Conv", "MaxPool"]);
    for op in ["Conv", "MaxPool"] {
        let n = node(&m, op);
        assert_eq!(
            n.attr("auto_pad").and_then(|a| a.s.clone()).as_deref(),
            Some("SAME_UPPER")
        );
        assert!(n.attr("pads").is_none());
    }
    let spatial = seq(vec![
        conv(2, 2, 1),
        Node::new("SpatialZeroPadding")
            .ints("padLeft", &[1])
            .ints("padRight", &[2])
            .ints("padTop", &[0])
            .ints("padBottom", &[3]),
        Node::new("Cropping2D")
            .ints("heightCrop", &[1, 2])
            .ints("widthCrop", &[0, 1]),
        Node::new("UpSampling2D").ints("size", &[2, 3]),
        Node::new("SpatialCrossMapLRN").ints("size", &[3]),
        Node::new("Normalize").floats("p", &[2.0]),
    ]);
    export(
        &spatial,
        4,
        4,
        &["Pad", "Slice", "Resize", "LRN", "ReduceSum"],
    );
}

#[test]
fn composed_element_wise_and_shape_layers() {
    let spec = seq(vec![
        lin(4, 5),
        Node::new("LogSigmoid"),
        Node::new("TanhShrink"),
        Node::new("Threshold").floats("th", &[0.1]),
        Node::new("SoftShrink"),
        Node::new("HardShrink"),
        Node::new("SoftPlus").floats("beta", &[2.0]),
        Node::new("Padding")
            .ints("dim", &[1])
            .ints("pad", &[-2])
            .ints("nInputDim", &[1]),
        Node::new("Replicate")
            .ints("nFeatures", &[3])
            .ints("nDim", &[1]),
    ]);
    let m = export(
        &spec,
        2,
        3,
        &[
            "Softplus",
            "Tanh",
            "Sub",
            "Where",
            "Shrink",
            "Pad",
            "Unsqueeze",
            "Tile",
        ],
    );
    let shrinks: Vec<_> = m
        .graph
        .nodes
        .iter()
        .filter(|n| n.op_type == "Shrink")
        .collect();
    assert_eq!(shrinks[0].attr("bias").and_then(|a| a.f), Some(0.5));
    assert_eq!(shrinks[1].attr("bias").and_then(|a| a.f), Some(0.0));
}

#[test]
fn birecurrent_and_time_distributed() {
    let lstm = Node::new("LSTM")
        .ints("inputSize", &[4])
        .ints("hiddenSize", &[5]);
    let m = export(
        &Node::new("BiRecurrent").child(lstm),
        3,
        3,
        &["LSTM", "Sum"],
    );
    let dirs: Vec<_> = m
        .graph
        .nodes
        .iter()
        .filter(|n| n.op_type == "LSTM")
        .map(|n| {
            n.attr("direction")
                .and_then(|a| a.s.clone())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(dirs, ["forward", "reverse"]);
    let stack = Node::new("MultiRNNCell")
        .child(
            Node::new("GRU")
                .ints("inputSize", &[4])
                .ints("outputSize", &[5]),
        )
        .child(
            Node::new("RnnCell")
                .ints("inputSize", &[5])
                .ints("hiddenSize", &[3]),
        );
    let bi = Node::new("BiRecurrent")
        .string("merge", "JoinTable")
        .child(stack);
    let m = export(&bi, 3, 3, &["GRU", "RNN", "Concat"]);
    assert_eq!(
        m.graph.nodes.iter().filter(|n| n.op_type == "GRU").count(),
        2
    );
    // TimeDistributed: the input rank follows from the layer inside (Linear: 2, so 3).
    let td = seq(vec![
        Node::new("TimeDistributed").child(lin(4, 3)),
        Node::new("Tanh"),
    ]);
    export(&td, 3, 3, &["Shape", "Reshape", "Gemm"]);
    let td4 = Node::new("TimeDistributed").child(seq(vec![conv(2, 3, 3), Node::new("ReLU")]));
    export(&td4, 5, 5, &["Conv"]);
}

#[test]
fn inputs_whose_rank_no_layer_fixes_are_batches_of_vectors() {
    // Reshape accepts any rank with the right element count: the input is declared [N, d].
    let spec = seq(vec![
        Node::new("Reshape").ints("size", &[1, 4, 4]),
        conv(1, 2, 3),
    ]);
    export(&spec, 2, 4, &["Reshape", "Conv"]);
    export(&seq(vec![Node::new("Tanh")]), 2, 2, &["Tanh"]);
    // After a Squeeze of every size-1 dimension the rank is unknown: a layer that needs it says so.
    let t = seq(vec![
        lin(4, 4),
        Node::new("Squeeze"),
        Node::new("Transpose").ints("permutations", &[1, 2]),
    ]);
    let m = model(&t);
    let e = export_onnx(&t, m.weights(), &m.buffers())
        .unwrap_err()
        .to_string();
    assert!(e.contains("needs the rank"), "{e}");
    assert!(decode_model(&export_onnx(&spec, model(&spec).weights(), &[]).expect("bytes")).is_ok());
}

#[test]
fn inference_forms_reverse_and_scale() {
    let spec = seq(vec![
        lin(4, 6),
        Node::new("RReLU")
            .floats("lower", &[0.1])
            .floats("upper", &[0.3]),
        Node::new("GaussianDropout").floats("rate", &[0.3]),
        Node::new("GaussianNoise").floats("stddev", &[0.2]),
        Node::new("Reverse").ints("dimension", &[2]),
        Node::new("Scale").ints("size", &[6]),
        Node::new("Reshape").ints("size", &[6, 1, 1]),
        Node::new("SpatialDropout2D").floats("initP", &[0.4]),
    ]);
    let m = export(
        &spec,
        2,
        4,
        &["LeakyRelu", "Identity", "Slice", "Mul", "Add"],
    );
    let alpha = node(&m, "LeakyRelu").attr("alpha").and_then(|a| a.f);
    assert!((alpha.expect("alpha") - 0.2).abs() < 1e-7);
    let steps = &node(&m, "Slice").inputs[4];
    let t = m
        .graph
        .initializers
        .iter()
        .find(|t| &t.name == steps)
        .expect("steps");
    assert_eq!(t.dims, [1]);
}
