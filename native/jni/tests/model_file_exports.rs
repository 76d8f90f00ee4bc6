//! The plain functions behind the model-file exports: encode, the parts read back, weights by
//! name, and the Java exception class of their errors.

use ferrodl::error::FERRODL_EXCEPTION;
use ferrodl::exports::model_file::{
    encode_file, file_bytes, file_floats, file_weights_for, tensor_layout, PART_METADATA,
    PART_OPTIM, PART_SPEC,
};
use ferrodl_core::spec::{decode, encode, Attr, Node};

fn mlp() -> Node {
    Node::new("Sequential")
        .child(
            Node::new("Linear")
                .ints("inputSize", &[3])
                .ints("outputSize", &[2]),
        )
        .child(Node::new("BatchNormalization").ints("nOutput", &[2]))
}

#[test]
fn a_file_gives_back_its_parts() {
    let tags = encode(&Node::new("Tags").string("run", "42"));
    let w: Vec<f32> = (0..12).map(|i| i as f32).collect();
    let b = vec![0.0, 0.0, 1.0, 1.0];
    let file = encode_file(
        &encode(&mlp()),
        w.clone(),
        b.clone(),
        vec![7, 8],
        &tags,
        false,
    )
    .expect("encode");
    assert_eq!(
        decode(&file_bytes(&file, PART_SPEC).expect("spec")).expect("node"),
        mlp()
    );
    assert_eq!(file_bytes(&file, PART_OPTIM).expect("optim"), vec![7, 8]);
    let meta = decode(&file_bytes(&file, PART_METADATA).expect("meta")).expect("node");
    assert_eq!(meta.children[0].name, "run");
    assert_eq!(meta.children[0].attrs["value"], Attr::Str("42".into()));
    assert_eq!(file_floats(&file, false).expect("weights"), w);
    assert_eq!(file_floats(&file, true).expect("buffers"), b);
    let weights_only =
        encode_file(&encode(&mlp()), w.clone(), b, Vec::new(), &tags, true).expect("encode");
    assert!(file_bytes(&weights_only, PART_SPEC)
        .expect("spec")
        .is_empty());
    assert!(file_bytes(&weights_only, PART_OPTIM)
        .expect("optim")
        .is_empty());
    assert_eq!(
        file_weights_for(&encode(&mlp()), &weights_only).expect("weights"),
        w
    );
}

#[test]
fn the_tensor_layout_names_each_weight_and_bias_with_its_shape() {
    let l = decode(&tensor_layout(&encode(&mlp())).expect("layout")).expect("node");
    let got: Vec<(String, Attr, Attr)> = l
        .children
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.attrs["shape"].clone(),
                t.attrs["offset"].clone(),
            )
        })
        .collect();
    let row = |name: &str, shape: Vec<i64>, offset: i64| {
        (
            name.to_string(),
            Attr::Ints(shape),
            Attr::Ints(vec![offset]),
        )
    };
    assert_eq!(
        got,
        vec![
            row("Sequential#0/Linear#0/weight", vec![2, 3], 0),
            row("Sequential#0/Linear#0/bias", vec![2], 6),
            row("Sequential#0/BatchNormalization#1/weight", vec![2], 8),
            row("Sequential#0/BatchNormalization#1/bias", vec![2], 10),
        ]
    );
    assert!(tensor_layout(&encode(&Node::new("NoSuchLayer"))).is_err());
}

#[test]
fn errors_map_to_java_exceptions() {
    let tags = encode(&Node::new("Tags"));
    let file = encode_file(
        &encode(&mlp()),
        vec![0.0; 12],
        vec![0.0; 4],
        Vec::new(),
        &tags,
        false,
    )
    .expect("encode");
    let e = file_floats(&file[..file.len() - 3], false).unwrap_err();
    assert_eq!(e.java_class(), FERRODL_EXCEPTION);
    assert!(e.to_string().contains("truncated at byte"), "{e}");
    assert!(file_bytes(&file, 9).is_err());
}
