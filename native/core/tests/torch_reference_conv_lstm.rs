//! ConvLSTMPeephole and ConvLSTMPeephole3D inside Recurrent against the cell written out in
//! plain torch ops (fixtures/torch_reference_conv_lstm.txt, made by
//! fixtures/gen_torch_reference_conv_lstm.py): outputs, final states, input gradients and
//! parameter gradients, in f64 to 1e-10 and in f32 to 1e-4; SAME padding (also uneven, with
//! stride 2), explicit padding, no peepholes, other activations, a given initial state, 3-D;
//! MultiRNNCell of convolutional cells and BiRecurrent (both merges) over them.

use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};

mod common;
use common::Fixtures;

fn fixtures() -> Fixtures {
    common::parse(include_str!("fixtures/torch_reference_conv_lstm.txt"))
}

fn get<T: ferrodl_core::Element>(f: &Fixtures, key: &str) -> Tensor<T> {
    let (dims, values) = f
        .get(key)
        .unwrap_or_else(|| panic!("fixture {key} missing"));
    let v = values.iter().map(|x| T::lit(*x)).collect();
    from_vec(key, dims, v).expect("fixture shape")
}

fn flat<T: ferrodl_core::Element>(t: &Tensor<T>) -> Vec<T> {
    t.iter().copied().collect()
}

fn assert_close<T: ferrodl_core::Element>(what: &str, want: &[T], got: &[T], tol: f64) {
    assert_eq!(want.len(), got.len(), "{what}: length");
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        let (w, g) = (w.as_f64(), g.as_f64());
        assert!(
            (w - g).abs() <= tol * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

/// The engine's state layout from torch's `h`, `c` (`[batch, O, ..]` each): per sample h then c.
fn interleave<T: ferrodl_core::Element>(h: &Tensor<T>, c: &Tensor<T>) -> Vec<T> {
    let batch = h.shape()[0];
    let n = h.len() / batch;
    let (h, c) = (flat(h), flat(c));
    (0..batch)
        .flat_map(|b| h[b * n..][..n].iter().chain(&c[b * n..][..n]).copied())
        .collect()
}

fn check_as<T: ferrodl_core::Element>(f: &Fixtures, case: &str, node: &Node, tol: f64) {
    let key = |k: &str| format!("{case}/{k}");
    let mut m = build_module::<T>(node).expect("builds");
    let x: Tensor<T> = get(f, &key("input"));
    let params = flat(&get::<T>(f, &key("params")));
    assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
    if f.get(&key("initial_h")).is_some() {
        let s = interleave(&get::<T>(f, &key("initial_h")), &get(f, &key("initial_c")));
        let hs = m.hidden_state_at(&[]).expect("hidden state");
        hs.set_hidden_state(Some(vec![s])).expect("set state");
    }
    let y = m.forward(&params, &x).expect("forward");
    let want_y: Tensor<T> = get(f, &key("output"));
    assert_eq!(y.shape(), want_y.shape(), "{case}: output shape");
    assert_close(&key("output"), &flat(&want_y), &flat(&y), tol);
    let state = m.hidden_state_at(&[]).expect("hidden state").hidden_state();
    let want_state = interleave(&get::<T>(f, &key("final_h")), &get(f, &key("final_c")));
    assert_close(&key("final state"), &want_state, &state[0], tol);
    let gy: Tensor<T> = get(f, &key("grad_output"));
    let mut gp = vec![T::zero(); params.len()];
    let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    let want_gx: Tensor<T> = get(f, &key("grad_input"));
    assert_eq!(gx.shape(), want_gx.shape(), "{case}: grad_input shape");
    assert_close(&key("grad_input"), &flat(&want_gx), &flat(&gx), tol);
    assert_close(
        &key("grad_params"),
        &flat(&get::<T>(f, &key("grad_params"))),
        &gp,
        tol,
    );
}

fn check(case: &str, cell: Node) {
    check_node(case, &Node::new("Recurrent").child(cell));
}

fn check_node(case: &str, node: &Node) {
    let f = fixtures();
    check_as::<f64>(&f, case, node, 1e-10);
    check_as::<f32>(&f, case, node, 1e-4);
}

fn conv(kind: &str, (input, output): (i64, i64), (ki, kc): (i64, i64)) -> Node {
    Node::new(kind)
        .ints("inputSize", &[input])
        .ints("outputSize", &[output])
        .ints("kernelI", &[ki])
        .ints("kernelC", &[kc])
}

#[test]
fn conv_lstm_matches_torch() {
    check("conv_lstm", conv("ConvLSTMPeephole", (2, 3), (3, 3)));
}

#[test]
fn uneven_same_padding_with_stride_matches_torch() {
    let cell = conv("ConvLSTMPeephole", (2, 2), (2, 4)).ints("stride", &[2]);
    check("conv_lstm_stride_even", cell);
}

#[test]
fn explicit_padding_without_peepholes_and_other_activations_match_torch() {
    let cell = conv("ConvLSTMPeephole", (1, 2), (3, 3))
        .ints("padding", &[1])
        .ints("withPeephole", &[0])
        .child(Node::new("Sigmoid"))
        .child(Node::new("Tanh"));
    check("conv_lstm_plain", cell);
}

#[test]
fn initial_state_matches_torch() {
    check("conv_lstm_state", conv("ConvLSTMPeephole", (2, 2), (3, 3)));
}

#[test]
fn conv_lstm_3d_matches_torch() {
    check("conv_lstm_3d", conv("ConvLSTMPeephole3D", (2, 2), (3, 3)));
    check(
        "conv_lstm_3d_one_step",
        conv("ConvLSTMPeephole3D", (1, 3), (1, 3)),
    );
}

#[test]
fn multi_rnn_cell_of_conv_cells_matches_torch() {
    let cells = Node::new("MultiRNNCell")
        .child(conv("ConvLSTMPeephole", (2, 3), (3, 3)).ints("stride", &[2]))
        .child(conv("ConvLSTMPeephole", (3, 2), (3, 3)));
    check_node("conv_lstm_stack", &Node::new("Recurrent").child(cells));
}

#[test]
fn birecurrent_conv_matches_torch() {
    let add = Node::new("BiRecurrent").child(conv("ConvLSTMPeephole", (2, 3), (3, 3)));
    check_node("conv_lstm_bi_add", &add);
    let cells = Node::new("MultiRNNCell")
        .child(conv("ConvLSTMPeephole3D", (1, 2), (3, 3)))
        .child(conv("ConvLSTMPeephole3D", (2, 2), (1, 3)));
    let join = Node::new("BiRecurrent")
        .string("merge", "JoinTable")
        .child(cells);
    check_node("conv_lstm_bi_join_stack_3d", &join);
}
