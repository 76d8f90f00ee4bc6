//! The plain functions behind the ONNX exports: export, import of the description and of the
//! flat weights and buffers, and the Java exception class of their errors.

use ferrodl::error::{FERRODL_EXCEPTION, ILLEGAL_ARGUMENT};
use ferrodl::exports::onnx::{export, import_floats, import_spec};
use ferrodl_core::spec::{build_block, decode, encode, Node};
use ferrodl_core::Model;

#[test]
fn export_then_import_gives_the_description_weights_and_buffers() {
    let spec = Node::new("Sequential")
        .child(
            Node::new("Linear")
                .ints("inputSize", &[3])
                .ints("outputSize", &[2]),
        )
        .child(Node::new("BatchNormalization").ints("nOutput", &[2]));
    let m = Model::from_block(build_block::<f32>(&spec).expect("build"), 5).expect("model");
    let bytes = export(&encode(&spec), m.weights(), &m.buffers()).expect("export");
    let back = decode(&import_spec(&bytes).expect("spec")).expect("decode");
    assert_eq!(back.children.len(), 2);
    assert_eq!(import_floats(&bytes, false).expect("weights"), m.weights());
    assert_eq!(import_floats(&bytes, true).expect("buffers"), m.buffers());
}

#[test]
fn errors_map_to_java_exceptions() {
    let spec = encode(
        &Node::new("Linear")
            .ints("inputSize", &[3])
            .ints("outputSize", &[2]),
    );
    let e = export(&spec, &[0.0; 3], &[]).unwrap_err();
    assert_eq!(e.java_class(), ILLEGAL_ARGUMENT);
    let e = import_spec(&[0x3a, 0x7f, 1]).unwrap_err();
    assert_eq!(e.java_class(), FERRODL_EXCEPTION);
    assert!(e.to_string().contains("truncated"), "{e}");
}
