//! TransformerCriterion with BigDL's semantics: the transformers run with the weights they were
//! given (sent in their descriptions), are not trained, and the gradient reaches the input
//! through the input transformer only.

use ferrodl_core::spec::{build_activity_criterion, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Activity;

fn criterion(weights: &[f64]) -> Node {
    Node::new("TransformerCriterion")
        .ints("inputTransformer", &[1])
        .child(Node::new("MSECriterion").ints("sizeAverage", &[0]))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[2])
                .ints("outputSize", &[2])
                .floats("transformerWeights", weights),
        )
}

#[test]
fn the_transformer_uses_the_given_weights() {
    // W = [[2, 0], [1, -1]], b = [0.5, 0]: y = (2·x1 + 0.5, x1 - x2).
    let c = build_activity_criterion::<f64>(&criterion(&[2.0, 0.0, 1.0, -1.0, 0.5, 0.0]))
        .expect("build");
    let x = Activity::Tensor(from_vec("x", &[1, 2], vec![1.0, 3.0]).expect("x"));
    let t = Activity::Tensor(from_vec("t", &[1, 2], vec![2.0, -1.0]).expect("t"));
    // y = (2.5, -2): loss = 0.5² + 1² = 1.25 (summed).
    let l = c.loss_sum(&x, &t).expect("loss");
    assert!((l.sum - 1.25).abs() < 1e-12, "{}", l.sum);
    // dL/dy = 2(y - t) = (1, -2); dL/dx = Wᵀ·(1, -2) = (2·1 + 1·(-2), 0·1 + (-1)(-2)) = (0, 2).
    let g = match c.grad_sum(&x, &t).expect("grad") {
        Activity::Tensor(g) => g.iter().copied().collect::<Vec<_>>(),
        Activity::Table(_) => panic!("a tensor gradient"),
    };
    assert!(
        (g[0] - 0.0).abs() < 1e-12 && (g[1] - 2.0).abs() < 1e-12,
        "{g:?}"
    );
}

#[test]
fn weights_that_do_not_fit_are_refused() {
    let Err(err) = build_activity_criterion::<f64>(&criterion(&[1.0, 2.0])) else {
        panic!("weights of the wrong length accepted");
    };
    assert!(
        err.to_string()
            .contains("inputTransformer has 6 parameters"),
        "{err}"
    );
}
