//! Hostile inputs to the criterions over tables, CTCCriterion and SoftmaxWithCriterion: wrong
//! table sizes, shapes, labels out of range, CTC targets longer than the input, bad parameters.
//! Every one is an error naming the criterion, never a panic.

use ferrodl_core::activity::Activity;
use ferrodl_core::spec::{build_activity_criterion, Node};
use ferrodl_core::tensor::from_vec;

fn t(shape: &[usize], v: &[f64]) -> Activity<f64> {
    Activity::Tensor(from_vec("test", shape, v.to_vec()).expect("shape"))
}

fn z(shape: &[usize]) -> Activity<f64> {
    t(shape, &vec![0.5; shape.iter().product()])
}

fn tab(v: Vec<Activity<f64>>) -> Activity<f64> {
    Activity::Table(v)
}

/// Loss and gradient both fail, with the criterion's name in the message.
fn refused(node: &Node, input: &Activity<f64>, target: &Activity<f64>) {
    let name = node.kind.clone();
    let c = build_activity_criterion::<f64>(node).expect("criterion builds");
    let e = c.forward(input, target).expect_err("loss refused");
    assert!(e.to_string().contains(&name), "{name}: {e}");
    let e = c.backward(input, target).expect_err("gradient refused");
    assert!(e.to_string().contains(&name), "{name}: {e}");
}

fn build_refused(node: &Node) {
    let e = build_activity_criterion::<f64>(node)
        .err()
        .expect("refused");
    assert!(e.to_string().contains(&node.kind), "{}: {e}", node.kind);
}

#[test]
fn pair_criterions_refuse_bad_tables() {
    for name in [
        "MarginRankingCriterion",
        "CosineEmbeddingCriterion",
        "L1HingeEmbeddingCriterion",
    ] {
        let n = Node::new(name);
        let y = t(&[2], &[1.0, -1.0]);
        refused(&n, &z(&[2, 3]), &y);
        refused(&n, &tab(vec![z(&[2, 3])]), &y);
        refused(&n, &tab(vec![z(&[2, 3]), z(&[2, 3]), z(&[2, 3])]), &y);
        refused(&n, &tab(vec![z(&[2, 3]), z(&[3, 2])]), &y);
        refused(&n, &tab(vec![z(&[2, 3]), tab(vec![z(&[2, 3])])]), &y);
        refused(
            &n,
            &tab(vec![z(&[2, 3]), z(&[2, 3])]),
            &t(&[3], &[1.0, 1.0, 1.0]),
        );
        refused(
            &n,
            &tab(vec![z(&[2, 3]), z(&[2, 3])]),
            &tab(vec![y.clone(), y.clone()]),
        );
        build_refused(&Node::new(name).floats("margin", &[f64::INFINITY]));
        build_refused(&Node::new(name).child(Node::new("MSECriterion")));
    }
    for name in ["CosineEmbeddingCriterion", "L1HingeEmbeddingCriterion"] {
        let x = tab(vec![z(&[2, 3]), z(&[2, 3])]);
        refused(&Node::new(name), &x, &t(&[2], &[1.0, 0.0]));
        refused(
            &Node::new(name),
            &tab(vec![z(&[1, 2, 3]), z(&[1, 2, 3])]),
            &t(&[1], &[1.0]),
        );
    }
}

#[test]
fn gaussian_smooth_l1_and_transformer_refuse_bad_input() {
    for name in ["GaussianCriterion", "KLDCriterion"] {
        refused(&Node::new(name), &z(&[2, 3]), &z(&[2, 3]));
        refused(
            &Node::new(name),
            &tab(vec![z(&[2, 3]), z(&[2, 2])]),
            &z(&[2, 3]),
        );
    }
    refused(
        &Node::new("GaussianCriterion"),
        &tab(vec![z(&[2, 3]), z(&[2, 3])]),
        &z(&[3, 2]),
    );
    let n = Node::new("SmoothL1CriterionWithWeights").floats("sigma", &[1.0]);
    refused(&n, &z(&[2, 3]), &tab(vec![z(&[2, 3]), z(&[2, 3])]));
    refused(
        &n,
        &z(&[2, 3]),
        &tab(vec![z(&[2, 3]), z(&[2, 3]), z(&[3, 2])]),
    );
    refused(&n, &tab(vec![z(&[2, 3])]), &z(&[2, 3]));
    build_refused(&Node::new("SmoothL1CriterionWithWeights"));
    build_refused(&Node::new("SmoothL1CriterionWithWeights").floats("sigma", &[0.0]));
    build_refused(
        &Node::new("SmoothL1CriterionWithWeights")
            .floats("sigma", &[1.0])
            .ints("num", &[-1]),
    );
    build_refused(&Node::new("TransformerCriterion"));
    build_refused(
        &Node::new("TransformerCriterion")
            .ints("inputTransformer", &[1])
            .child(Node::new("MSECriterion")),
    );
    let n = Node::new("TransformerCriterion")
        .ints("inputTransformer", &[1])
        .child(Node::new("MSECriterion"))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[4])
                .ints("outputSize", &[2]),
        );
    let c = build_activity_criterion::<f64>(&n).expect("builds");
    assert!(c.forward(&z(&[2, 3]), &z(&[2, 2])).is_err());
    assert!(c.backward(&z(&[2, 4]), &z(&[3, 3])).is_err());
}

#[test]
fn ctc_refuses_bad_targets() {
    let n = Node::new("CTCCriterion");
    let x = z(&[2, 3, 4]);
    // Longer than the input: 4 labels in 3 steps; 2 repeated labels need 3 steps, 2 given.
    refused(
        &n,
        &x,
        &t(&[2, 4], &[2.0, 3.0, 4.0, 2.0, 2.0, 0.0, 0.0, 0.0]),
    );
    refused(&n, &z(&[1, 2, 4]), &t(&[1, 2], &[3.0, 3.0]));
    // Blank (1), out of range, fractional, negative, padding in the middle.
    for bad in [1.0, 5.0, 2.5, -1.0] {
        refused(&n, &x, &t(&[2, 2], &[2.0, bad, 3.0, 0.0]));
    }
    refused(&n, &x, &t(&[2, 2], &[0.0, 2.0, 3.0, 0.0]));
    // A lattice too large to hold: 40000 steps x 2001 label positions.
    let long_x = z(&[1, 40_000, 2]);
    refused(&n, &long_x, &t(&[1, 1000], &[2.0; 1000]));
    // Shapes: batch mismatch, 4-d input, one class, NaN.
    refused(&n, &x, &t(&[3, 1], &[2.0, 2.0, 2.0]));
    refused(&n, &z(&[1, 2, 3, 4]), &t(&[1, 1], &[2.0]));
    refused(&n, &z(&[1, 3, 1]), &t(&[1, 1], &[2.0]));
    refused(&n, &z(&[1, 0, 3]), &t(&[1, 1], &[2.0]));
    refused(&n, &t(&[1, 1, 2], &[f64::NAN, 0.0]), &t(&[1, 1], &[2.0]));
}

#[test]
fn softmax_with_refuses_bad_labels() {
    let n = Node::new("SoftmaxWithCriterion");
    let x = z(&[2, 3, 2, 2]);
    refused(
        &n,
        &x,
        &t(&[2, 1, 2, 2], &[1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 1.0, 1.0]),
    );
    refused(
        &n,
        &x,
        &t(&[2, 1, 2, 2], &[1.0, 2.0, 3.0, 0.0, 1.0, 1.0, 1.0, 1.0]),
    );
    refused(&n, &x, &t(&[2, 1, 2, 1], &[1.0, 2.0, 3.0, 1.0]));
    refused(&n, &z(&[3]), &t(&[1], &[1.0]));
    refused(&n, &t(&[1, 2], &[f64::NAN, 0.0]), &t(&[1], &[1.0]));
    build_refused(&Node::new("SoftmaxWithCriterion").string("normalizeMode", "HALF"));
    build_refused(&Node::new("SoftmaxWithCriterion").floats("normalizeMode", &[1.0]));
    // An ignored label may be out of range.
    let c = build_activity_criterion::<f64>(&n.clone().ints("ignoreLabel", &[-1])).expect("c");
    let loss = c
        .forward(&z(&[1, 3]), &t(&[1], &[-1.0]))
        .expect("all ignored");
    assert_eq!(loss, 0.0);
}
