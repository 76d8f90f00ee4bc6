//! `frozenModule` (the Scala API's `freeze()`): a frozen module computes the same output and
//! input gradient, but its parameter gradients stay zero, in tensor-only models and inside
//! table containers; the rest of the model's gradients do not change.

use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::{Activity, Model};

fn linear(i: i64, o: i64) -> Node {
    Node::new("Linear")
        .ints("inputSize", &[i])
        .ints("outputSize", &[o])
}

fn frozen(n: Node) -> Node {
    n.ints("frozenModule", &[1])
}

/// Output, input gradient and parameter gradients of `node` at fixed weights and data.
fn run(node: &Node) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut m = Model::<f64>::from_block(build_block(node).expect("build"), 7).expect("model");
    let w: Vec<f64> = (0..m.num_params())
        .map(|i| ((i * 7 % 11) as f64 - 5.0) / 10.0)
        .collect();
    m.set_weights(&w).expect("weights");
    let x = from_vec("x", &[2, 3], vec![0.1, -0.4, 0.9, 1.2, 0.3, -0.7]).expect("x");
    let y = m
        .forward_activity(Activity::Tensor(x))
        .expect("forward")
        .clone();
    let yt = match &y {
        Activity::Tensor(t) => t.clone(),
        Activity::Table(_) => panic!("a tensor output"),
    };
    let go = from_vec(
        "go",
        yt.shape(),
        (0..yt.len()).map(|i| 0.3 * i as f64 - 0.5).collect(),
    )
    .expect("grad");
    m.zero_grad();
    let gx = match m
        .backward_activity(&Activity::Tensor(go))
        .expect("backward")
    {
        Activity::Tensor(t) => t.iter().copied().collect(),
        Activity::Table(_) => panic!("a tensor gradient"),
    };
    (yt.iter().copied().collect(), gx, m.grads().to_vec())
}

#[test]
fn a_frozen_layer_has_zero_gradient_and_passes_the_input_gradient() {
    let plain = Node::new("Sequential")
        .child(linear(3, 4))
        .child(Node::new("Tanh"))
        .child(linear(4, 2));
    let with_frozen = Node::new("Sequential")
        .child(frozen(linear(3, 4)))
        .child(Node::new("Tanh"))
        .child(linear(4, 2));
    let (y0, gx0, gp0) = run(&plain);
    let (y1, gx1, gp1) = run(&with_frozen);
    assert_eq!(y0, y1);
    assert_eq!(gx0, gx1, "the input gradient still flows through");
    assert_eq!(gp0.len(), 16 + 10);
    assert!(
        gp1[..16].iter().all(|g| *g == 0.0),
        "frozen: {:?}",
        &gp1[..16]
    );
    assert!(gp0[..16].iter().any(|g| *g != 0.0));
    assert_eq!(gp0[16..], gp1[16..], "the unfrozen layer's gradients");
    // A frozen container freezes everything in it.
    let (_, _, all) = run(&frozen(plain.clone()));
    assert!(all.iter().all(|g| *g == 0.0));
}

#[test]
fn a_frozen_branch_inside_a_table_container() {
    let branch = |f: bool| {
        let l = linear(3, 2);
        Node::new("ConcatTable")
            .child(if f { frozen(l) } else { l })
            .child(linear(3, 2))
    };
    let model = |f: bool| {
        Node::new("Sequential")
            .child(branch(f))
            .child(Node::new("CAddTable"))
    };
    let (y0, gx0, gp0) = run(&model(false));
    let (y1, gx1, gp1) = run(&model(true));
    assert_eq!((y0, gx0), (y1, gx1));
    assert!(gp1[..8].iter().all(|g| *g == 0.0) && gp0[..8].iter().any(|g| *g != 0.0));
    assert_eq!(gp0[8..], gp1[8..]);
    // The same, frozen as a whole table container.
    let (_, _, all) = run(&frozen(model(false)));
    assert!(all.iter().all(|g| *g == 0.0));
}
