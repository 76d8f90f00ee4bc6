//! Model files name each weight and bias with its real shape; files written before that (one
//! 1-D tensor per layer, named by the layer's path) still load, as models and as weights.

use ferrodl_core::modelfile::{
    decode, encode, layout, legacy_layout, match_weights, ModelContents, TensorEntry,
};
use ferrodl_core::spec::Node;

fn n(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |node, (k, v)| node.ints(k, &[*v]))
}

fn model() -> Node {
    Node::new("Sequential")
        .child(n("Linear", &[("inputSize", 3), ("outputSize", 2)]))
        .child(Node::new("Tanh"))
        .child(n(
            "SpatialConvolution",
            &[
                ("nInputPlane", 1),
                ("nOutputPlane", 2),
                ("kernelW", 1),
                ("kernelH", 1),
            ],
        ))
        .child(n("SpatialBatchNormalization", &[("nOutput", 2)]))
}

fn entries(c: &[TensorEntry]) -> Vec<(&str, Vec<usize>, usize)> {
    c.iter()
        .map(|t| (t.name.as_str(), t.shape.clone(), t.offset))
        .collect()
}

/// A file as the format wrote it before per-tensor shapes.
fn legacy_file(graph: Option<Node>, weights: Vec<f32>, buffers: Vec<f32>) -> Vec<u8> {
    let tensors = legacy_layout(&model()).expect("layout").tensors;
    let c = ModelContents {
        graph,
        weights,
        tensors,
        buffers,
        ..ModelContents::default()
    };
    encode(&c).expect("encode")
}

#[test]
fn new_files_name_weight_and_bias_with_their_shapes() {
    let l = layout(&model()).expect("layout");
    assert_eq!(
        entries(&l.tensors),
        vec![
            ("Sequential#0/Linear#0/weight", vec![2, 3], 0),
            ("Sequential#0/Linear#0/bias", vec![2], 6),
            (
                "Sequential#0/SpatialConvolution#2/weight",
                vec![1, 2, 1, 1, 1],
                8
            ),
            ("Sequential#0/SpatialConvolution#2/bias", vec![2], 10),
            (
                "Sequential#0/SpatialBatchNormalization#3/weight",
                vec![2],
                12
            ),
            ("Sequential#0/SpatialBatchNormalization#3/bias", vec![2], 14),
        ]
    );
    assert_eq!(
        entries(&legacy_layout(&model()).expect("legacy").tensors),
        vec![
            ("Sequential#0/Linear#0", vec![8], 0),
            ("Sequential#0/SpatialConvolution#2", vec![4], 8),
            ("Sequential#0/SpatialBatchNormalization#3", vec![4], 12),
        ]
    );
    let w: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let c = ModelContents::model(model(), w, vec![0.0; 4]).expect("contents");
    let back = decode(&encode(&c).expect("encode")).expect("decode");
    assert_eq!(back.tensors, l.tensors);
}

#[test]
fn old_model_files_with_one_tensor_per_layer_still_load() {
    let w: Vec<f32> = (0..16).map(|i| i as f32 * 0.5).collect();
    let b = vec![0.25; 4];
    let bytes = legacy_file(Some(model()), w.clone(), b.clone());
    let c = decode(&bytes).expect("an old model file loads");
    assert_eq!(c.weights, w);
    assert_eq!(c.buffers, b);
    assert_eq!(c.graph, Some(model()));
    // Its weights load into the model by the old names too.
    assert_eq!(match_weights(&model(), &c).expect("weights"), w);
}

#[test]
fn old_weights_files_still_load_and_mismatches_name_the_new_tensors() {
    let w: Vec<f32> = (0..16).map(|i| i as f32 - 3.0).collect();
    let file = decode(&legacy_file(None, w.clone(), vec![0.0; 4])).expect("decode");
    assert!(file.graph.is_none());
    assert_eq!(match_weights(&model(), &file).expect("old weights file"), w);
    // A model of other sizes fits neither table; the error names the current tensors.
    let other = Node::new("Sequential")
        .child(n("Linear", &[("inputSize", 4), ("outputSize", 2)]))
        .child(Node::new("Tanh"))
        .child(n(
            "SpatialConvolution",
            &[
                ("nInputPlane", 1),
                ("nOutputPlane", 2),
                ("kernelW", 1),
                ("kernelH", 1),
            ],
        ))
        .child(n("SpatialBatchNormalization", &[("nOutput", 2)]));
    let e = match_weights(&other, &file).unwrap_err().to_string();
    assert!(
        e.contains("the model's tensor 'Sequential#0/Linear#0/weight' is not in the file"),
        "{e}"
    );
}

#[test]
fn a_table_that_is_neither_layout_is_refused() {
    let w = vec![1.0f32; 16];
    let mut tensors = layout(&model()).expect("layout").tensors;
    tensors[0].shape = vec![3, 2]; // right size, wrong shape
    let c = ModelContents {
        graph: Some(model()),
        weights: w,
        tensors,
        buffers: vec![0.0; 4],
        ..ModelContents::default()
    };
    let e = decode(&encode(&c).expect("encode"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("do not match the graph's"), "{e}");
}
