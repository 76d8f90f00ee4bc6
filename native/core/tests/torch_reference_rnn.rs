//! The recurrent layers against PyTorch (fixtures/torch_reference_rnn.txt, made by
//! fixtures/gen_torch_reference_rnn.py): nn.RNN (tanh, relu), nn.LSTM, nn.GRU, a bidirectional
//! LSTM (BiRecurrent with JoinTable), a two-layer GRU (MultiRNNCell) and LSTMPeephole written
//! out in torch. Outputs, input gradients and parameter gradients, in f64 to 1e-10 and in f32
//! (the training type, with its fast tanh) to 1e-4.

use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};

mod common;
use common::Fixtures;

fn fixtures() -> Fixtures {
    common::parse(include_str!("fixtures/torch_reference_rnn.txt"))
}

fn get<T: ferrodl_core::Element>(f: &Fixtures, key: &str) -> Tensor<T> {
    let (dims, values) = f
        .get(key)
        .unwrap_or_else(|| panic!("fixture {key} missing"));
    let v = values.iter().map(|x| T::lit(*x)).collect();
    from_vec(key, dims, v).expect("fixture shape")
}

fn assert_close<T: ferrodl_core::Element>(what: &str, want: &Tensor<T>, got: &[T], tol: f64) {
    assert_eq!(want.len(), got.len(), "{what}: length");
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        let (w, g) = (w.as_f64(), g.as_f64());
        assert!(
            (w - g).abs() <= tol * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

fn check_as<T: ferrodl_core::Element>(f: &Fixtures, case: &str, node: &Node, tol: f64) {
    let mut m = build_module::<T>(node).expect("builds");
    let x: Tensor<T> = get(f, &format!("{case}/input"));
    let params: Tensor<T> = get(f, &format!("{case}/params"));
    let params = params.as_slice().expect("flat").to_vec();
    assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
    let y = m.forward(&params, &x).expect("forward");
    let want_y: Tensor<T> = get(f, &format!("{case}/output"));
    assert_eq!(y.shape(), want_y.shape(), "{case}: output shape");
    assert_close(
        &format!("{case} output"),
        &want_y,
        y.as_slice().expect("flat"),
        tol,
    );
    let gy: Tensor<T> = get(f, &format!("{case}/grad_output"));
    let mut gp = vec![T::zero(); params.len()];
    let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    let want_gx: Tensor<T> = get(f, &format!("{case}/grad_input"));
    assert_eq!(gx.shape(), want_gx.shape(), "{case}: grad_input shape");
    let gxs: Vec<T> = gx.iter().copied().collect();
    assert_close(&format!("{case} grad_input"), &want_gx, &gxs, tol);
    let want_gp: Tensor<T> = get(f, &format!("{case}/grad_params"));
    assert_close(&format!("{case} grad_params"), &want_gp, &gp, tol);
}

fn check(case: &str, node: Node) {
    let f = fixtures();
    check_as::<f64>(&f, case, &node, 1e-10);
    check_as::<f32>(&f, case, &node, 1e-4);
}

const I: i64 = 4;
const H: i64 = 6;

fn cell(kind: &str) -> Node {
    let key = if kind == "GRU" {
        "outputSize"
    } else {
        "hiddenSize"
    };
    Node::new(kind).ints("inputSize", &[I]).ints(key, &[H])
}

fn recurrent(cell: Node) -> Node {
    Node::new("Recurrent").child(cell)
}

#[test]
fn rnn_tanh() {
    check(
        "rnn_tanh",
        recurrent(cell("RnnCell").child(Node::new("Tanh"))),
    );
}

#[test]
fn rnn_relu() {
    check(
        "rnn_relu",
        recurrent(cell("RnnCell").child(Node::new("ReLU"))),
    );
}

#[test]
fn lstm() {
    check("lstm", recurrent(cell("LSTM")));
    check("lstm_one_step", recurrent(cell("LSTM")));
}

#[test]
fn gru() {
    check("gru", recurrent(cell("GRU")));
}

#[test]
fn lstm_peephole() {
    check("lstm_peephole", recurrent(cell("LSTMPeephole")));
}

#[test]
fn bidirectional_lstm_is_birecurrent_with_join() {
    let node = Node::new("BiRecurrent")
        .string("merge", "JoinTable")
        .child(cell("LSTM"));
    check("bilstm_join", node);
}

#[test]
fn two_layer_gru_is_multi_rnn_cell() {
    let second = Node::new("GRU")
        .ints("inputSize", &[H])
        .ints("outputSize", &[H]);
    let node = recurrent(Node::new("MultiRNNCell").child(cell("GRU")).child(second));
    check("gru_two_layers", node);
}

#[test]
fn unbatched_input_is_one_sequence() {
    let f = fixtures();
    let mut m = build_module::<f64>(&recurrent(cell("LSTM"))).expect("builds");
    let x: Tensor<f64> = get(&f, "lstm/input");
    let p: Tensor<f64> = get(&f, "lstm/params");
    let p = p.as_slice().expect("flat").to_vec();
    let want: Tensor<f64> = get(&f, "lstm/output");
    let x1 = x.index_axis(ndarray::Axis(0), 1).to_owned();
    let y = m.forward(&p, &x1).expect("forward");
    assert_eq!(y.shape(), &[5, 6]);
    let w1 = want.index_axis(ndarray::Axis(0), 1).to_owned();
    assert_close("unbatched", &w1, y.as_slice().expect("flat"), 1e-10);
}
