//! Convolutional LSTM cells stacked (`Recurrent(MultiRNNCell(ConvLSTMPeephole, ..))`) and run in
//! both directions (`BiRecurrent(ConvLSTMPeephole)`): finite-difference gradient checks in f64,
//! the composition against single-cell Recurrents (whose cell is checked against the PyTorch
//! fixture in `torch_reference_conv_lstm.rs`), and the hidden state of every cell.

use ferrodl_core::gradcheck::check_module;
use ferrodl_core::module::Module;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::Tensor;
use ndarray::Axis;

const TOL: f64 = 1e-6;

mod common;
use common::{perturbed_params as params, random};

fn conv(kind: &str, (input, output): (i64, i64), (ki, kc): (i64, i64)) -> Node {
    Node::new(kind)
        .ints("inputSize", &[input])
        .ints("outputSize", &[output])
        .ints("kernelI", &[ki])
        .ints("kernelC", &[kc])
}

fn multi(cells: &[Node]) -> Node {
    cells
        .iter()
        .fold(Node::new("MultiRNNCell"), |m, c| m.child(c.clone()))
}

fn bi(cell: Node, merge: &str) -> Node {
    Node::new("BiRecurrent").string("merge", merge).child(cell)
}

fn build(node: &Node) -> Box<dyn Module<f64>> {
    build_module::<f64>(node).expect("builds")
}

fn check(node: &Node, shape: &[usize], seed: u64) {
    let mut m = build(node);
    let p = params(&*m, seed);
    let x = random(shape, seed + 1);
    let r = check_module(&mut *m, &p, &x, seed + 2).expect("gradcheck runs");
    assert!(
        r.input_error < TOL && r.param_error < TOL,
        "{} at {shape:?}: {r:?}",
        m.describe()
    );
}

fn max_diff(a: &Tensor<f64>, b: &Tensor<f64>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn reversed(x: &Tensor<f64>) -> Tensor<f64> {
    let mut r = x.clone();
    r.invert_axis(Axis(1));
    r.as_standard_layout().to_owned()
}

#[test]
fn stacked_conv_cells_gradients() {
    let a = conv("ConvLSTMPeephole", (2, 3), (3, 3));
    let b = conv("ConvLSTMPeephole", (3, 2), (3, 3));
    let node = Node::new("Recurrent").child(multi(&[a.clone(), b.clone()]));
    for (k, time) in [1usize, 3].into_iter().enumerate() {
        check(&node, &[2, time, 2, 4, 3], 10 + k as u64);
    }
    check(&node, &[2, 2, 4, 3], 12);
    let strided = conv("ConvLSTMPeephole", (2, 2), (3, 3)).ints("stride", &[2]);
    let c = conv("ConvLSTMPeephole", (2, 2), (1, 3)).ints("withPeephole", &[0]);
    let b = conv("ConvLSTMPeephole", (2, 2), (3, 3));
    check(
        &Node::new("Recurrent").child(multi(&[strided, c, b.clone()])),
        &[1, 2, 2, 5, 4],
        13,
    );
    let three = multi(&[
        conv("ConvLSTMPeephole3D", (1, 2), (3, 3)),
        conv("ConvLSTMPeephole3D", (2, 2), (3, 1)),
    ]);
    check(
        &Node::new("Recurrent").child(three),
        &[2, 2, 1, 2, 3, 3],
        14,
    );
}

#[test]
fn birecurrent_conv_gradients() {
    let cell = conv("ConvLSTMPeephole", (2, 2), (3, 3));
    for merge in ["CAddTable", "JoinTable"] {
        for (k, time) in [1usize, 3].into_iter().enumerate() {
            check(&bi(cell.clone(), merge), &[2, time, 2, 3, 4], 20 + k as u64);
        }
        check(&bi(cell.clone(), merge), &[2, 2, 3, 3], 22);
        let stacked = multi(&[
            conv("ConvLSTMPeephole", (2, 3), (3, 3)).ints("stride", &[2]),
            conv("ConvLSTMPeephole", (3, 2), (3, 3)),
        ]);
        check(&bi(stacked, merge), &[1, 3, 2, 4, 5], 23);
        let three = conv("ConvLSTMPeephole3D", (1, 2), (3, 3));
        check(&bi(three, merge), &[1, 2, 1, 2, 3, 3], 24);
    }
}

#[test]
fn stack_is_the_composition_of_single_cells() {
    let a = conv("ConvLSTMPeephole", (2, 3), (3, 3)).ints("stride", &[2]);
    let b = conv("ConvLSTMPeephole", (3, 2), (3, 3));
    let mut whole = build(&Node::new("Recurrent").child(multi(&[a.clone(), b.clone()])));
    let mut ma = build(&Node::new("Recurrent").child(a));
    let mut mb = build(&Node::new("Recurrent").child(b));
    let p = params(&*whole, 3);
    let (pa, pb) = p.split_at(ma.num_params());
    assert_eq!(pb.len(), mb.num_params());
    let x = random(&[2, 3, 2, 5, 6], 4);
    let y = whole.forward(&p, &x).expect("forward");
    let h = ma.forward(pa, &x).expect("first");
    let want = mb.forward(pb, &h).expect("second");
    assert_eq!(y.shape(), &[2, 3, 2, 3, 3]);
    assert!(max_diff(&y, &want) < 1e-12);
    let states = whole.hidden_state_at(&[]).expect("state").hidden_state();
    assert_eq!(states.len(), 2);
    assert_eq!(
        states[0],
        ma.hidden_state_at(&[]).expect("a").hidden_state()[0]
    );
    assert_eq!(
        states[1],
        mb.hidden_state_at(&[]).expect("b").hidden_state()[0]
    );
    let shapes = whole
        .hidden_state_at(&[])
        .expect("state")
        .state_image_shape();
    assert_eq!(
        shapes,
        vec![3, 3, 3, 2, 3, 3],
        "each cell's h shape in turn"
    );
}

#[test]
fn birecurrent_is_forward_plus_reversed_backward() {
    let cell = conv("ConvLSTMPeephole", (2, 3), (3, 3));
    let single = Node::new("Recurrent").child(cell.clone());
    let x = random(&[2, 4, 2, 3, 4], 5);
    for merge in ["CAddTable", "JoinTable"] {
        let mut m = build(&bi(cell.clone(), merge));
        let p = params(&*m, 6);
        let (pf, pb) = p.split_at(p.len() / 2);
        let y = m.forward(&p, &x).expect("forward");
        let yf = build(&single).forward(pf, &x).expect("forward direction");
        let yb = reversed(&build(&single).forward(pb, &reversed(&x)).expect("backward"));
        let want = if merge == "CAddTable" {
            &yf + &yb
        } else {
            ndarray::concatenate(Axis(2), &[yf.view(), yb.view()]).expect("join")
        };
        assert!(max_diff(&y, &want) < 1e-12, "{merge}");
        let hs = m.hidden_state_at(&[]).expect("state");
        assert_eq!(hs.hidden_state().len(), 2);
        assert_eq!(hs.state_sizes(), vec![72, 72], "2 * 3 channels * 3 * 4");
    }
}

#[test]
fn hidden_states_of_every_cell_continue_a_sequence() {
    let stacked = multi(&[
        conv("ConvLSTMPeephole", (2, 3), (3, 3)),
        conv("ConvLSTMPeephole", (3, 2), (3, 3)),
    ]);
    let node = Node::new("Recurrent").child(stacked.clone());
    let x = random(&[2, 4, 2, 3, 3], 7);
    let half = |t0: usize| x.slice_axis(Axis(1), (t0..t0 + 2).into()).to_owned();
    let mut whole = build(&node);
    let p = params(&*whole, 8);
    let y = whole.forward(&p, &x).expect("forward");
    let mut m = build(&node);
    m.forward(&p, &half(0)).expect("first half");
    let hs = m.hidden_state_at(&[]).expect("state");
    let state = hs.hidden_state();
    hs.set_hidden_state(Some(state)).expect("set");
    let y2 = m.forward(&p, &half(2)).expect("second half");
    let tail = y.slice_axis(Axis(1), (2..4).into()).to_owned();
    assert!(max_diff(&tail, &y2) < 1e-12);
    let r = check_module(&mut *m, &p, &half(2), 9).expect("gradcheck runs");
    assert!(r.input_error < TOL && r.param_error < TOL, "{r:?}");
    let hs = m.hidden_state_at(&[]).expect("state");
    let e = hs
        .set_hidden_state(Some(vec![vec![0.0; 36]]))
        .expect_err("one state for two cells")
        .to_string();
    assert!(e.contains("1 hidden states") && e.contains("2 cell"), "{e}");
    hs.set_hidden_state(Some(vec![vec![0.0; 108], vec![0.0; 5]]))
        .expect("checked at forward");
    let e = m.forward(&p, &half(0)).expect_err("wrong size").to_string();
    assert!(e.contains("hidden state") && e.contains("[2, 36]"), "{e}");
    let mut b = build(&bi(stacked, "CAddTable"));
    let pb = params(&*b, 10);
    b.forward(&pb, &half(0)).expect("bi forward");
    let hs = b.hidden_state_at(&[]).expect("state");
    let state = hs.hidden_state();
    assert_eq!(state.len(), 4);
    hs.set_hidden_state(Some(state)).expect("set");
    b.forward(&pb, &half(2)).expect("continues");
    let e = b
        .hidden_state_at(&[])
        .expect("state")
        .set_hidden_state(Some(vec![vec![0.0; 36]; 2]))
        .expect_err("2 of 4")
        .to_string();
    assert!(e.contains("2 x 2"), "{e}");
}
