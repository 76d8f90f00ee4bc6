//! ONNX files exported by PyTorch (`fixtures/gen_onnx_torch.py`: a LeNet-5 and an MLP trained
//! for a few steps) import into ferrodl and give PyTorch's outputs within 1e-5; unsupported
//! operators are all named; broken files fail with an error.

mod common;

use ferrodl_core::onnx::{
    encode_model, import_model, import_onnx, GraphProto, ModelProto, NodeProto, ValueInfoProto,
};
use ferrodl_core::spec::build_block;
use ferrodl_core::{Error, Model};

const REF: &str = include_str!("fixtures/onnx_torch_reference.txt");

fn check(file: &[u8], name: &str, kind: &str) {
    let imp = import_onnx(file).expect("import");
    assert_eq!(imp.spec.kind, kind);
    let mut m = Model::from_block(build_block::<f32>(&imp.spec).expect("build"), 1).expect("model");
    m.set_weights(&imp.weights).expect("weights");
    m.set_buffers(&imp.buffers).expect("buffers");
    m.set_training(false);
    let f = common::parse(REF);
    let x = common::get(&f, &format!("{name}_input")).mapv(|v| v as f32);
    let want = common::get(&f, &format!("{name}_output"));
    let got = m.forward(x).expect("forward");
    assert_eq!(got.shape(), want.shape());
    let diff = got
        .iter()
        .zip(want.iter())
        .map(|(a, b)| (f64::from(*a) - b).abs())
        .fold(0f64, f64::max);
    assert!(diff < 1e-5, "{name}: max difference {diff} from PyTorch");
}

#[test]
fn pytorch_lenet5_matches() {
    check(
        include_bytes!("fixtures/onnx_lenet.onnx"),
        "lenet",
        "Sequential",
    );
}

#[test]
fn pytorch_mlp_with_batchnorm_and_matmul_add_matches() {
    let bytes = include_bytes!("fixtures/onnx_mlp.onnx");
    check(bytes, "mlp", "Sequential");
    // MatMul + Add became one Linear with bias.
    let imp = import_onnx(bytes).expect("import");
    let kinds: Vec<&str> = imp.spec.children.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Linear",
            "BatchNormalization",
            "ReLU",
            "Linear",
            "Tanh",
            "Linear",
            "LogSoftMax"
        ]
    );
}

#[test]
fn truncated_files_fail_cleanly() {
    let bytes = include_bytes!("fixtures/onnx_mlp.onnx");
    for cut in (0..bytes.len()).step_by(97) {
        assert!(import_onnx(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn unsupported_operators_are_all_named() {
    let node = |op: &str, name: &str, i: &str, o: &str| NodeProto {
        inputs: vec![i.into()],
        outputs: vec![o.into()],
        name: name.into(),
        op_type: op.into(),
        ..Default::default()
    };
    let value = |n: &str| ValueInfoProto {
        name: n.into(),
        elem_type: 1,
        shape: Some(vec![None, Some(4)]),
    };
    let m = ModelProto {
        ir_version: 7,
        opset_imports: vec![(String::new(), 13)],
        graph: GraphProto {
            nodes: vec![
                node("Erf", "first", "x", "a"),
                node("Relu", "ok", "a", "b"),
                node("Einsum", "second", "b", "y"),
            ],
            inputs: vec![value("x")],
            outputs: vec![value("y")],
            ..Default::default()
        },
        ..Default::default()
    };
    let e = import_model(&m).unwrap_err().to_string();
    assert!(
        e.contains("Erf 'first'") && e.contains("Einsum 'second'"),
        "{e}"
    );
    assert!(!e.contains("Relu"), "{e}");
    assert!(matches!(
        import_onnx(&encode_model(&m)[..10]),
        Err(Error::Corrupt { .. })
    ));
}
