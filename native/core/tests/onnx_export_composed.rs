//! ONNX export of the layers composed from several operators (`onnx/export_composed.rs`):
//! Maxout, Cosine, SpatialAveragePooling without `divide`, Padding in the middle of a dimension,
//! NHWC Cropping2D and UpSampling2D. The operators and their attributes and constants, and for
//! Maxout the output computed from the exported weights against ferrodl's forward.
//! `python/tests/test_onnx.py` runs the same layers in onnxruntime against ferrodl's outputs.

use ferrodl_core::onnx::{export_model, export_onnx, ModelProto, NodeProto, TensorData};
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Model;

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

fn export(spec: &Node) -> ModelProto {
    let m = model(spec);
    export_model(spec, m.weights(), &m.buffers()).expect("export")
}

fn ops(m: &ModelProto) -> Vec<&str> {
    m.graph.nodes.iter().map(|n| n.op_type.as_str()).collect()
}

fn nodes<'a>(m: &'a ModelProto, op: &str) -> Vec<&'a NodeProto> {
    m.graph.nodes.iter().filter(|n| n.op_type == op).collect()
}

fn ints_of(m: &ModelProto, name: &str) -> Vec<i64> {
    match m.graph.initializers.iter().find(|t| t.name == name) {
        Some(t) => match &t.data {
            TensorData::Ints(v) => v.clone(),
            TensorData::Floats(_) => panic!("{name} holds floats"),
        },
        None => panic!("no initializer {name}"),
    }
}

fn floats_of(m: &ModelProto, name: &str) -> Vec<f32> {
    match m.graph.initializers.iter().find(|t| t.name == name) {
        Some(t) => match &t.data {
            TensorData::Floats(v) => v.clone(),
            TensorData::Ints(_) => panic!("{name} holds ints"),
        },
        None => panic!("no initializer {name}"),
    }
}

fn rank(m: &ModelProto, output: bool) -> Option<usize> {
    let v = if output {
        &m.graph.outputs[0]
    } else {
        &m.graph.inputs[0]
    };
    v.shape.as_ref().map(Vec::len)
}

fn unsupported(spec: &Node) -> String {
    let m = model(spec);
    export_onnx(spec, m.weights(), &m.buffers())
        .unwrap_err()
        .to_string()
}

#[test]
fn maxout_is_gemm_reshape_reduce_max_in_ferrodls_piece_order() {
    let spec = Node::new("Maxout")
        .ints("inputSize", &[3])
        .ints("outputSize", &[2])
        .ints("maxoutNumber", &[4]);
    let m = export(&spec);
    assert_eq!(ops(&m), ["Gemm", "Reshape", "ReduceMax"]);
    assert_eq!((rank(&m, false), rank(&m, true)), (Some(2), Some(2)));
    let gemm = &nodes(&m, "Gemm")[0];
    let reshape = &nodes(&m, "Reshape")[0];
    assert_eq!(ints_of(&m, &reshape.inputs[1]), [0, 4, 2]);
    let max = &nodes(&m, "ReduceMax")[0];
    assert_eq!(max.attr("axes").map(|a| a.ints.clone()), Some(vec![1]));
    assert_eq!(max.attr("keepdims").and_then(|a| a.i), Some(0));
    // The graph's arithmetic, from the exported weights, gives ferrodl's output.
    let w = floats_of(&m, &gemm.inputs[1]);
    let bias = floats_of(&m, &gemm.inputs[2]);
    let mut rng = Rng::new(7);
    let x: Vec<f32> = (0..5 * 3).map(|_| rng.uniform(-2.0, 2.0) as f32).collect();
    let mut src = model(&spec);
    let want = src
        .forward(from_vec("x", &[5, 3], x.clone()).expect("x"))
        .expect("forward")
        .clone();
    for (r, row) in x.chunks(3).enumerate() {
        let lin: Vec<f32> = (0..8)
            .map(|j| bias[j] + (0..3).map(|i| w[j * 3 + i] * row[i]).sum::<f32>())
            .collect();
        for o in 0..2 {
            let got = (0..4).map(|k| lin[k * 2 + o]).fold(f32::MIN, f32::max);
            assert!(
                (got - want[[r, o]]).abs() < 1e-5,
                "{got} vs {}",
                want[[r, o]]
            );
        }
    }
    // Without a bias, Gemm has two inputs.
    let m = export(&spec.clone().ints("withBias", &[0]));
    assert_eq!(nodes(&m, "Gemm")[0].inputs.len(), 2);
}

#[test]
fn cosine_normalises_input_and_weight_rows_with_torchs_epsilon() {
    let spec = seq(vec![
        Node::new("Cosine")
            .ints("inputSize", &[4])
            .ints("outputSize", &[3]),
        Node::new("Tanh"),
    ]);
    let m = export(&spec);
    assert_eq!((rank(&m, false), rank(&m, true)), (Some(2), Some(2)));
    let l2 = nodes(&m, "ReduceL2");
    assert_eq!(l2.len(), 2);
    for n in &l2 {
        assert_eq!(n.attr("axes").map(|a| a.ints.clone()), Some(vec![1]));
        assert_eq!(n.attr("keepdims").and_then(|a| a.i), Some(1));
    }
    // The weight initializer is ferrodl's [outputSize, inputSize] weight, normalised in the graph.
    let src = model(&spec);
    assert_eq!(floats_of(&m, &l2[0].inputs[0]), src.weights());
    for add in nodes(&m, "Add") {
        assert_eq!(floats_of(&m, &add.inputs[1]), [1e-12]);
    }
    assert_eq!(nodes(&m, "Div").len(), 2);
    let gemm = &nodes(&m, "Gemm")[0];
    assert_eq!(gemm.attr("transB").and_then(|a| a.i), Some(1));
}

fn avg(k: i64, s: i64, pad: i64) -> Node {
    Node::new("SpatialAveragePooling")
        .ints("kW", &[k])
        .ints("kH", &[k])
        .ints("dW", &[s])
        .ints("dH", &[s])
        .ints("padW", &[pad])
        .ints("padH", &[pad])
        .ints("divide", &[0])
}

#[test]
fn average_pooling_without_divide_sums_the_window() {
    let m = export(&avg(3, 2, 1).ints("kH", &[2]));
    assert_eq!(ops(&m), ["AveragePool", "Mul"]);
    let pool = &nodes(&m, "AveragePool")[0];
    assert_eq!(pool.attr("count_include_pad").and_then(|a| a.i), Some(1));
    assert_eq!(pool.attr("ceil_mode").and_then(|a| a.i), Some(0));
    assert_eq!(
        pool.attr("pads").map(|a| a.ints.clone()),
        Some(vec![1, 1, 1, 1])
    );
    assert_eq!(floats_of(&m, &nodes(&m, "Mul")[0].inputs[1]), [6.0]);
    // Ceil mode: stride - 1 zeros appended to height and width, then floor mode.
    let ceil = avg(3, 2, 1).ints("ceilMode", &[1]);
    let m = export(&ceil);
    assert_eq!(ops(&m), ["Pad", "AveragePool", "Mul"]);
    let pad = &nodes(&m, "Pad")[0];
    assert_eq!(ints_of(&m, &pad.inputs[1]), [0, 0, 0, 0, 0, 0, 1, 1]);
    let pool = &nodes(&m, "AveragePool")[0];
    assert_eq!(pool.attr("ceil_mode").and_then(|a| a.i), Some(0));
    // ... unless ceil mode may drop a last window starting in the end padding (pad + stride
    // > kernel).
    // No padding in one dimension.
    let m = export(&avg(3, 2, 1).ints("padH", &[0]).ints("dW", &[3]));
    let pool = &nodes(&m, "AveragePool")[0];
    assert_eq!(
        pool.attr("pads").map(|a| a.ints.clone()),
        Some(vec![0, 1, 0, 1])
    );
    assert_eq!(
        pool.attr("strides").map(|a| a.ints.clone()),
        Some(vec![2, 3])
    );
    let drop = avg(2, 2, 1).ints("ceilMode", &[1]);
    let e = unsupported(&drop);
    assert!(
        e.contains("no ONNX equivalent: SpatialAveragePooling"),
        "{e}"
    );
    // Global pooling sums the planes.
    let global = Node::new("SpatialAveragePooling")
        .ints("globalPooling", &[1])
        .ints("divide", &[0]);
    let m = export(&global);
    assert_eq!(ops(&m), ["ReduceSum"]);
    let sum = &nodes(&m, "ReduceSum")[0];
    assert_eq!(ints_of(&m, &sum.inputs[1]), [2, 3]);
    assert_eq!(sum.attr("keepdims").and_then(|a| a.i), Some(1));
}

#[test]
fn nhwc_cropping_and_upsampling_work_on_axes_1_and_2() {
    let spec = seq(vec![
        Node::new("Cropping2D")
            .ints("heightCrop", &[1, 0])
            .ints("widthCrop", &[2, 1])
            .string("dataFormat", "NHWC"),
        Node::new("UpSampling2D")
            .ints("size", &[2, 3])
            .string("format", "NHWC"),
    ]);
    let m = export(&spec);
    assert_eq!((rank(&m, false), rank(&m, true)), (Some(4), Some(4)));
    let slice = &nodes(&m, "Slice")[0];
    assert_eq!(ints_of(&m, &slice.inputs[1]), [1, 2]);
    assert_eq!(ints_of(&m, &slice.inputs[2]), [i64::MAX, -1]);
    assert_eq!(ints_of(&m, &slice.inputs[3]), [1, 2]);
    let resize = &nodes(&m, "Resize")[0];
    assert_eq!(floats_of(&m, &resize.inputs[2]), [1.0, 2.0, 3.0, 1.0]);
    // NCHW keeps axes 2 and 3.
    let nchw = Node::new("Cropping2D").ints("heightCrop", &[1, 0]);
    let m = export(&nchw);
    assert_eq!(ints_of(&m, &nodes(&m, "Slice")[0].inputs[3]), [2, 3]);
}

fn padding(pad: i64, n_index: i64) -> Node {
    seq(vec![
        Node::new("Linear")
            .ints("inputSize", &[4])
            .ints("outputSize", &[5]),
        Node::new("Padding")
            .ints("dim", &[1])
            .ints("pad", &[pad])
            .ints("nInputDim", &[1])
            .floats("value", &[0.5])
            .ints("nIndex", &[n_index]),
    ])
}

#[test]
fn padding_in_the_middle_slices_pads_one_part_and_concatenates() {
    // pad < 0: two elements before element 3 (two elements first).
    let m = export(&padding(-2, 3));
    assert_eq!(ops(&m), ["Gemm", "Slice", "Slice", "Pad", "Concat"]);
    let slices = nodes(&m, "Slice");
    assert_eq!(ints_of(&m, &slices[0].inputs[1]), [0]);
    assert_eq!(ints_of(&m, &slices[0].inputs[2]), [2]);
    assert_eq!(ints_of(&m, &slices[1].inputs[1]), [2]);
    assert_eq!(ints_of(&m, &slices[0].inputs[3]), [1]);
    let pad = &nodes(&m, "Pad")[0];
    assert_eq!(pad.inputs[0], slices[0].outputs[0]);
    assert_eq!(ints_of(&m, &pad.inputs[1]), [0, 0, 0, 2]);
    assert_eq!(floats_of(&m, &pad.inputs[2]), [0.5]);
    let concat = &nodes(&m, "Concat")[0];
    assert_eq!(
        concat.inputs,
        [pad.outputs[0].clone(), slices[1].outputs[0].clone()]
    );
    assert_eq!(concat.attr("axis").and_then(|a| a.i), Some(1));
    // pad > 0: three elements after element 2 from the end (two elements last).
    let m = export(&padding(3, 3));
    let slices = nodes(&m, "Slice");
    assert_eq!(ints_of(&m, &slices[0].inputs[2]), [-2]);
    let pad = &nodes(&m, "Pad")[0];
    assert_eq!(pad.inputs[0], slices[1].outputs[0]);
    assert_eq!(ints_of(&m, &pad.inputs[1]), [0, 3, 0, 0]);
    // nIndex = 1 stays one Pad.
    let m = export(&padding(3, 1));
    assert_eq!(ops(&m), ["Gemm", "Pad"]);
}

#[test]
fn masked_recurrent_layers_are_still_refused() {
    let spec = Node::new("Recurrent").ints("maskZero", &[1]).child(
        Node::new("LSTM")
            .ints("inputSize", &[3])
            .ints("hiddenSize", &[4]),
    );
    let e = unsupported(&spec);
    assert!(e.contains("no ONNX equivalent: Recurrent"), "{e}");
}
