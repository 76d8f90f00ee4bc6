//! Criterions given wrong shapes, out-of-range labels, bad arguments and random garbage: every
//! outcome is a value or a typed error naming the criterion, never a panic.

use ferrodl_core::criterion::Criterion;
use ferrodl_core::error::Error;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_criterion, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn tensor(shape: &[usize], values: &[f64]) -> Tensor<f64> {
    from_vec("test", shape, values.to_vec()).expect("shape")
}

fn filled(shape: &[usize], v: f64) -> Tensor<f64> {
    tensor(shape, &vec![v; shape.iter().product()])
}

fn build(node: &Node) -> Box<dyn Criterion<f64>> {
    build_criterion::<f64>(node).unwrap_or_else(|e| panic!("{}: {e}", node.kind))
}

/// Every criterion added with this file's tests, with non-default arguments where it has any.
fn all_criterions() -> Vec<Node> {
    vec![
        Node::new("CategoricalCrossEntropy"),
        Node::new("MultiLabelSoftMarginCriterion").floats("weights", &[0.5, 1.0, 2.0]),
        Node::new("MultiLabelMarginCriterion"),
        Node::new("MultiMarginCriterion")
            .ints("p", &[2])
            .floats("weights", &[1.0, 2.0, 3.0]),
        Node::new("ClassSimplexCriterion").ints("nClasses", &[3]),
        Node::new("L1Cost"),
        Node::new("KullbackLeiblerDivergenceCriterion"),
        Node::new("CosineDistanceCriterion"),
        Node::new("CosineProximityCriterion"),
        Node::new("HingeEmbeddingCriterion").floats("margin", &[0.5]),
        Node::new("DotProductCriterion").ints("sizeAverage", &[1]),
        Node::new("DiceCoefficientCriterion").floats("epsilon", &[0.0]),
        Node::new("MultiCriterion")
            .floats("weights", &[0.5, 2.0])
            .child(Node::new("MultiMarginCriterion"))
            .child(Node::new("ClassNLLCriterion")),
        Node::new("TimeDistributedCriterion")
            .ints("sizeAverage", &[1])
            .child(Node::new("CrossEntropyCriterion")),
        Node::new("TimeDistributedCriterion")
            .ints("dimension", &[3])
            .child(Node::new("MultiLabelMarginCriterion")),
    ]
}

fn shape_error(c: &dyn Criterion<f64>, x: &Tensor<f64>, t: &Tensor<f64>, name: &str) {
    for e in [
        c.forward(x, t).err(),
        c.backward(x, t).err(),
        c.loss_sum(x, t).err(),
    ] {
        match e {
            Some(Error::ShapeMismatch { layer, actual, .. }) => {
                assert!(layer.contains(name), "{layer} should name {name}");
                assert!(
                    actual == x.shape() || actual == t.shape(),
                    "{name}: {actual:?} is neither shape"
                );
            }
            other => panic!("{name} at {:?} / {:?}: {other:?}", x.shape(), t.shape()),
        }
    }
}

#[test]
fn wrong_shapes_are_shape_errors_naming_the_criterion() {
    let cases: Vec<(Node, Vec<usize>, Vec<usize>)> = vec![
        (Node::new("CategoricalCrossEntropy"), vec![2, 3], vec![2, 4]),
        (
            Node::new("CategoricalCrossEntropy"),
            vec![2, 3, 4],
            vec![2, 3, 4],
        ),
        (
            Node::new("MultiLabelSoftMarginCriterion"),
            vec![2, 3],
            vec![5],
        ),
        (
            Node::new("MultiLabelMarginCriterion"),
            vec![2, 3],
            vec![2, 2],
        ),
        (
            Node::new("MultiLabelMarginCriterion"),
            vec![2, 3, 1],
            vec![2, 3, 1],
        ),
        (Node::new("MultiMarginCriterion"), vec![2, 3], vec![3]),
        (Node::new("MultiMarginCriterion"), vec![2, 3], vec![2, 3]),
        (Node::new("MultiMarginCriterion"), vec![1, 2, 3], vec![1]),
        (
            Node::new("ClassSimplexCriterion").ints("nClasses", &[3]),
            vec![2, 4],
            vec![2],
        ),
        (
            Node::new("ClassSimplexCriterion").ints("nClasses", &[3]),
            vec![2, 3],
            vec![3],
        ),
        (
            Node::new("KullbackLeiblerDivergenceCriterion"),
            vec![2, 3],
            vec![3, 2],
        ),
        (Node::new("CosineDistanceCriterion"), vec![2, 3], vec![2, 4]),
        (
            Node::new("CosineDistanceCriterion"),
            vec![2, 3, 4],
            vec![2, 3, 4],
        ),
        (Node::new("CosineProximityCriterion"), vec![2, 3], vec![6]),
        (Node::new("HingeEmbeddingCriterion"), vec![2, 3], vec![2, 2]),
        (Node::new("DotProductCriterion"), vec![4], vec![2, 2]),
        (
            Node::new("DiceCoefficientCriterion"),
            vec![2, 3],
            vec![3, 2],
        ),
        (
            Node::new("TimeDistributedCriterion").child(Node::new("CrossEntropyCriterion")),
            vec![2, 3, 4],
            vec![2, 4],
        ),
        (
            Node::new("TimeDistributedCriterion")
                .ints("dimension", &[4])
                .child(Node::new("MSECriterion")),
            vec![2, 3, 4],
            vec![2, 3, 4],
        ),
        (
            Node::new("MultiCriterion").child(Node::new("CosineDistanceCriterion")),
            vec![2, 3],
            vec![2, 5],
        ),
    ];
    for (node, xs, ts) in cases {
        let c = build(&node);
        // A MultiCriterion's children check their own shapes, and say so.
        let name = match node.kind.as_str() {
            "MultiCriterion" => node.children[0].kind.clone(),
            _ => node.kind.clone(),
        };
        let (x, t) = (filled(&xs, 0.5), filled(&ts, 1.0));
        shape_error(c.as_ref(), &x, &t, &name);
    }
    // The message names the criterion, the expected and the actual shape.
    let c = build(&Node::new("MultiMarginCriterion"));
    let e = c
        .forward(&filled(&[2, 3], 0.0), &filled(&[3], 1.0))
        .expect_err("shape");
    let msg = e.to_string();
    assert!(
        msg.contains("MultiMarginCriterion (target)") && msg.contains("[2]") && msg.contains("[3]"),
        "{msg}"
    );
}

#[test]
fn out_of_range_labels_are_label_errors() {
    let x = filled(&[2, 4], 0.25);
    let labelled = [
        Node::new("MultiMarginCriterion"),
        Node::new("ClassSimplexCriterion").ints("nClasses", &[4]),
        Node::new("MultiCriterion").child(Node::new("MultiMarginCriterion")),
    ];
    for node in &labelled {
        let c = build(node);
        for bad in [0.0, 5.0, 1.5, -1.0, f64::NAN, f64::INFINITY, 1e300] {
            let t = tensor(&[2], &[1.0, bad]);
            for e in [c.forward(&x, &t).err(), c.backward(&x, &t).err()] {
                match e {
                    Some(Error::LabelOutOfRange {
                        layer,
                        index,
                        n_classes,
                        ..
                    }) => {
                        assert!(layer.contains(&node.children.first().unwrap_or(node).kind));
                        assert_eq!((index, n_classes), (1, 4), "{layer}");
                    }
                    other => panic!("{} with label {bad}: {other:?}", node.kind),
                }
            }
        }
    }
    let c = build(&Node::new("MultiLabelMarginCriterion"));
    for bad in [5.0, -1.0, 2.5, f64::NAN] {
        let t = tensor(&[2, 4], &[1.0, 2.0, 0.0, 0.0, 3.0, bad, 0.0, 0.0]);
        match c.forward(&x, &t) {
            Err(Error::LabelOutOfRange { index: 1, .. }) => {}
            other => panic!("MultiLabelMarginCriterion with label {bad}: {other:?}"),
        }
    }
    // A label after a row's first 0 is ignored, but must still be in range (as in BigDL).
    let ignored = tensor(&[1, 4], &[2.0, 0.0, 4.0, 0.0]);
    assert!(c.forward(&filled(&[1, 4], 0.0), &ignored).is_ok());
    let td = build(&Node::new("TimeDistributedCriterion").child(Node::new("ClassNLLCriterion")));
    let e = td
        .forward(
            &filled(&[2, 3, 4], -1.0),
            &tensor(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 9.0, 1.0]),
        )
        .expect_err("label 9");
    assert!(
        matches!(e, Error::LabelOutOfRange { n_classes: 4, .. }),
        "{e}"
    );
    // CategoricalCrossEntropy takes logarithms: its input must be positive.
    let cce = build(&Node::new("CategoricalCrossEntropy"));
    let one_hot = tensor(&[2, 2], &[1.0, 0.0, 0.0, 1.0]);
    for bad in [0.0, -0.5, f64::NAN, f64::INFINITY] {
        let e = cce
            .forward(&tensor(&[2, 2], &[0.5, 0.5, bad, 0.5]), &one_hot)
            .expect_err("non-positive");
        assert!(e.to_string().contains("CategoricalCrossEntropy"), "{e}");
    }
}

#[test]
fn bad_arguments_are_errors() {
    let bad = [
        Node::new("MultiMarginCriterion").ints("p", &[3]),
        Node::new("MultiMarginCriterion").floats("margin", &[f64::NAN]),
        Node::new("MultiMarginCriterion").floats("weights", &[1.0, f64::INFINITY]),
        Node::new("ClassSimplexCriterion").ints("nClasses", &[1]),
        Node::new("ClassSimplexCriterion").ints("nClasses", &[0]),
        Node::new("ClassSimplexCriterion").ints("nClasses", &[i64::MAX]),
        Node::new("ClassSimplexCriterion"),
        Node::new("MultiLabelSoftMarginCriterion").floats("weights", &[]),
        Node::new("HingeEmbeddingCriterion").floats("margin", &[f64::INFINITY]),
        Node::new("DiceCoefficientCriterion").floats("epsilon", &[f64::NAN]),
        Node::new("MultiCriterion")
            .floats("weights", &[1.0])
            .child(Node::new("L1Cost"))
            .child(Node::new("L1Cost")),
        Node::new("MultiCriterion").child(Node::new("NoSuchCriterion")),
        Node::new("TimeDistributedCriterion"),
        Node::new("TimeDistributedCriterion")
            .child(Node::new("L1Cost"))
            .child(Node::new("L1Cost")),
        Node::new("TimeDistributedCriterion")
            .ints("dimension", &[0])
            .child(Node::new("L1Cost")),
        Node::new("TimeDistributedCriterion")
            .ints("dimension", &[-2])
            .child(Node::new("L1Cost")),
        Node::new("L1Cost").child(Node::new("L1Cost")),
    ];
    for node in &bad {
        match build_criterion::<f32>(node) {
            Err(e) => assert!(!e.to_string().is_empty()),
            Ok(c) => panic!("{} built as {}", node.kind, c.describe()),
        }
    }
    // An L1Cost ignores the target and a MultiCriterion without children is 0.
    let empty = build(&Node::new("MultiCriterion"));
    let x = filled(&[2, 3], 1.5);
    assert_eq!(empty.forward(&x, &filled(&[1], 0.0)).expect("empty"), 0.0);
    assert_eq!(
        empty.backward(&x, &filled(&[1], 0.0)).expect("empty"),
        filled(&[2, 3], 0.0)
    );
}

/// A random shape of 0 to 4 dimensions of 0 to 4 each.
fn random_shape(rng: &mut Rng) -> Vec<usize> {
    (0..rng.below(5)).map(|_| rng.below(5) as usize).collect()
}

/// Random values, often labels, sometimes NaN, infinite, zero or huge.
fn random_values(shape: &[usize], rng: &mut Rng) -> Vec<f64> {
    let n: usize = shape.iter().product();
    (0..n)
        .map(|_| match rng.below(10) {
            0 => f64::NAN,
            1 => f64::INFINITY * if rng.below(2) == 0 { 1.0 } else { -1.0 },
            2 => 0.0,
            3 => 1e300,
            4..=6 => rng.below(6) as f64,
            _ => rng.uniform(-3.0, 3.0),
        })
        .collect()
}

#[test]
fn random_shapes_and_values_never_panic() {
    let mut rng = Rng::new(20261124);
    for node in all_criterions() {
        let c64 = build(&node);
        let c32 = build_criterion::<f32>(&node).expect("f32");
        for _ in 0..2000 {
            let xs = random_shape(&mut rng);
            // Half the time the target has the input's shape, as most criterions want.
            let ts = if rng.below(2) == 0 {
                xs.clone()
            } else {
                random_shape(&mut rng)
            };
            let x = tensor(&xs, &random_values(&xs, &mut rng));
            let t = tensor(&ts, &random_values(&ts, &mut rng));
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let _ = c64.forward(&x, &t);
                let _ = c64.backward(&x, &t);
                let (x, t) = (x.mapv(|v| v as f32), t.mapv(|v| v as f32));
                let _ = c32.forward(&x, &t);
                let _ = c32.backward(&x, &t);
            }));
            assert!(
                outcome.is_ok(),
                "{} panicked at input {xs:?}, target {ts:?}",
                node.kind
            );
        }
    }
}
