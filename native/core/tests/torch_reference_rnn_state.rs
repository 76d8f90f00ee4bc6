//! Hidden state and RecurrentDecoder against PyTorch (fixtures/torch_reference_rnn_state.txt,
//! made by fixtures/gen_torch_reference_rnn_state.py):
//! - `setHiddenState` / `getHiddenState`: nn.LSTM from `(h0, c0)` and nn.GRU from `h0`, with
//!   the Recurrent inside a Sequential reached by its child path through `Model`; outputs, all
//!   gradients and the final state `(h_n, c_n)`;
//! - RecurrentDecoder (each step's output is the next step's input) as an unrolled loop of
//!   nn.LSTMCell / nn.GRUCell / nn.RNNCell, from zeros and from a set state;
//! - finite-difference gradient checks (f64) of RecurrentDecoder over several lengths, cells and
//!   a MultiRNNCell, from zeros and from a set state.

use ferrodl_core::gradcheck::check_module;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use ferrodl_core::{Element, Model};

mod common;
use common::Fixtures;

fn fixtures() -> Fixtures {
    common::parse(include_str!("fixtures/torch_reference_rnn_state.txt"))
}

fn get<T: Element>(f: &Fixtures, key: &str) -> Tensor<T> {
    let (dims, values) = f
        .get(key)
        .unwrap_or_else(|| panic!("fixture {key} missing"));
    let v = values.iter().map(|x| T::lit(*x)).collect();
    from_vec(key, dims, v).expect("fixture shape")
}

fn values<T: Element>(f: &Fixtures, key: &str) -> Vec<T> {
    get::<T>(f, key).iter().copied().collect()
}

fn assert_close<T: Element>(what: &str, want: &[T], got: &[T], tol: f64) {
    assert_eq!(want.len(), got.len(), "{what}: length");
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        let (w, g) = (w.as_f64(), g.as_f64());
        assert!(
            (w - g).abs() <= tol * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

/// The engine's state layout (per sample `h`, then `c`) from torch's `h0` (and `c0`).
fn interleave<T: Element>(h: &[T], c: Option<&[T]>, hidden: usize) -> Vec<T> {
    h.chunks(hidden)
        .enumerate()
        .flat_map(|(b, hb)| {
            let mut v = hb.to_vec();
            if let Some(c) = c {
                v.extend_from_slice(&c[b * hidden..][..hidden]);
            }
            v
        })
        .collect()
}

fn cell(kind: &str, input: i64, hidden: i64) -> Node {
    let key = if kind == "GRU" {
        "outputSize"
    } else {
        "hiddenSize"
    };
    Node::new(kind)
        .ints("inputSize", &[input])
        .ints(key, &[hidden])
}

fn initial_state<T: Element>(f: &Fixtures, case: &str, hidden: usize) -> Vec<T> {
    let h0 = values::<T>(f, &format!("{case}/h0"));
    let c0 = f
        .contains_key(&format!("{case}/c0"))
        .then(|| values::<T>(f, &format!("{case}/c0")));
    interleave(&h0, c0.as_deref(), hidden)
}

/// Recurrent inside Sequential(Linear-free), state set through the model's child path [1].
fn state_case<T: Element>(case: &str, kind: &str, tol: f64) {
    let f = fixtures();
    let h = 6;
    let node = Node::new("Sequential")
        .child(Node::new("Identity"))
        .child(Node::new("Recurrent").child(cell(kind, 4, h as i64)));
    let mut model =
        Model::<T>::from_block(build_block::<T>(&node).expect("builds"), 1).expect("model");
    model
        .set_weights(&values::<T>(&f, &format!("{case}/params")))
        .expect("weights");
    let init = initial_state::<T>(&f, case, h);
    model
        .hidden_state_at(&[1])
        .expect("the Recurrent at child 1")
        .set_hidden_state(Some(vec![init]))
        .expect("state");
    let y = model
        .forward(get::<T>(&f, &format!("{case}/input")))
        .expect("forward")
        .clone();
    let yv: Vec<T> = y.iter().copied().collect();
    assert_close(
        &format!("{case} output"),
        &values::<T>(&f, &format!("{case}/output")),
        &yv,
        tol,
    );
    let gx = model
        .backward(&get::<T>(&f, &format!("{case}/grad_output")))
        .expect("backward");
    let gxv: Vec<T> = gx.iter().copied().collect();
    assert_close(
        &format!("{case} grad_input"),
        &values::<T>(&f, &format!("{case}/grad_input")),
        &gxv,
        tol,
    );
    assert_close(
        &format!("{case} grad_params"),
        &values::<T>(&f, &format!("{case}/grad_params")),
        model.grads(),
        tol,
    );
    let hn = values::<T>(&f, &format!("{case}/hn"));
    let cn = f
        .contains_key(&format!("{case}/cn"))
        .then(|| values::<T>(&f, &format!("{case}/cn")));
    let state = model.hidden_state_at(&[1]).expect("layer").hidden_state();
    assert_eq!(state.len(), 1);
    assert_close(
        &format!("{case} final state"),
        &interleave(&hn, cn.as_deref(), h),
        &state[0],
        tol,
    );
    // The state is kept for the next forward; None goes back to zeros (a different output).
    let again = model
        .forward(get::<T>(&f, &format!("{case}/input")))
        .expect("forward")
        .clone();
    assert_eq!(again, y);
    model
        .hidden_state_at(&[1])
        .expect("layer")
        .set_hidden_state(None)
        .expect("reset");
    let zeros = model
        .forward(get::<T>(&f, &format!("{case}/input")))
        .expect("forward")
        .clone();
    assert_ne!(zeros, y);
}

#[test]
fn lstm_from_a_set_state_matches_torch() {
    state_case::<f64>("lstm_state", "LSTM", 1e-10);
    state_case::<f32>("lstm_state", "LSTM", 1e-4);
}

#[test]
fn gru_from_a_set_state_matches_torch() {
    state_case::<f64>("gru_state", "GRU", 1e-10);
    state_case::<f32>("gru_state", "GRU", 1e-4);
}

#[test]
fn hidden_state_paths_are_checked() {
    let node = Node::new("Sequential")
        .child(Node::new("Identity"))
        .child(Node::new("Recurrent").child(cell("LSTM", 3, 3)));
    let mut model =
        Model::<f64>::from_block(build_block::<f64>(&node).expect("builds"), 1).expect("model");
    for bad in [&[0][..], &[2], &[1, 0], &[]] {
        let e = model
            .hidden_state_at(bad)
            .err()
            .expect("no recurrent there")
            .to_string();
        assert!(
            e.contains("no Recurrent") && e.contains("Sequential"),
            "{e}"
        );
    }
    let layer = model.hidden_state_at(&[1]).expect("layer");
    assert_eq!(layer.state_sizes(), vec![6]);
    assert!(layer.set_hidden_state(Some(vec![vec![0.0; 5]])).is_err());
    assert!(layer
        .set_hidden_state(Some(vec![vec![0.0; 6], vec![0.0; 6]]))
        .is_err());
    // A BiRecurrent takes the forward cells' states, then the backward ones'.
    let bi = Node::new("BiRecurrent").child(cell("GRU", 3, 2));
    let mut model =
        Model::<f64>::from_block(build_block::<f64>(&bi).expect("builds"), 1).expect("model");
    let layer = model.hidden_state_at(&[]).expect("root");
    assert_eq!(layer.state_sizes(), vec![2, 2]);
    assert!(layer.set_hidden_state(Some(vec![vec![0.0; 2]])).is_err());
    layer
        .set_hidden_state(Some(vec![vec![0.5; 2], vec![-0.5; 2]]))
        .expect("both directions");
    model
        .forward(from_vec("x", &[1, 4, 3], vec![0.1; 12]).expect("x"))
        .expect("forward");
    let s = model.hidden_state_at(&[]).expect("root").hidden_state();
    assert_eq!((s.len(), s[0].len(), s[1].len()), (2, 2, 2));
}

fn decoder(cell: Node, length: i64) -> Node {
    Node::new("RecurrentDecoder")
        .ints("outputLength", &[length])
        .child(cell)
}

fn decoder_case<T: Element>(case: &str, cell: Node, length: i64, tol: f64) {
    let f = fixtures();
    let mut m = build_module::<T>(&decoder(cell, length)).expect("builds");
    let p = values::<T>(&f, &format!("{case}/params"));
    assert_eq!(p.len(), m.num_params(), "{case}: parameter count");
    let x = get::<T>(&f, &format!("{case}/input"));
    if f.contains_key(&format!("{case}/h0")) {
        let hidden = x.shape()[1];
        m.hidden_state_at(&[])
            .expect("decoder")
            .set_hidden_state(Some(vec![initial_state::<T>(&f, case, hidden)]))
            .expect("state");
    }
    let y = m.forward(&p, &x).expect("forward");
    let want: Tensor<T> = get(&f, &format!("{case}/output"));
    assert_eq!(y.shape(), want.shape(), "{case}: output shape");
    let yv: Vec<T> = y.iter().copied().collect();
    assert_close(
        &format!("{case} output"),
        &values::<T>(&f, &format!("{case}/output")),
        &yv,
        tol,
    );
    let gy = get::<T>(&f, &format!("{case}/grad_output"));
    let mut gp = vec![T::zero(); p.len()];
    let gx = m.backward(&p, &mut gp, &x, &y, &gy).expect("backward");
    let gxv: Vec<T> = gx.iter().copied().collect();
    assert_close(
        &format!("{case} grad_input"),
        &values::<T>(&f, &format!("{case}/grad_input")),
        &gxv,
        tol,
    );
    assert_close(
        &format!("{case} grad_params"),
        &values::<T>(&f, &format!("{case}/grad_params")),
        &gp,
        tol,
    );
}

#[test]
fn recurrent_decoder_matches_an_unrolled_torch_loop() {
    for (case, c, len) in [
        ("decoder_lstm", cell("LSTM", 5, 5), 4),
        ("decoder_lstm_state", cell("LSTM", 5, 5), 3),
        ("decoder_gru", cell("GRU", 4, 4), 5),
        (
            "decoder_rnn",
            cell("RnnCell", 4, 4).child(Node::new("Tanh")),
            3,
        ),
    ] {
        decoder_case::<f64>(case, c.clone(), len, 1e-10);
        decoder_case::<f32>(case, c, len, 1e-4);
    }
}

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    from_vec("x", shape, (0..n).map(|_| rng.uniform(-1.5, 1.5)).collect()).expect("shape")
}

#[test]
fn recurrent_decoder_gradcheck() {
    let multi = Node::new("MultiRNNCell")
        .child(cell("GRU", 3, 4))
        .child(cell("LSTM", 4, 3));
    let cases = [
        (cell("LSTM", 3, 3), 1, &[2, 3][..]),
        (cell("LSTM", 3, 3), 4, &[3][..]),
        (cell("LSTMPeephole", 2, 2), 3, &[2, 2][..]),
        (cell("GRU", 4, 4), 5, &[1, 4][..]),
        (
            cell("RnnCell", 3, 3).child(Node::new("Tanh")),
            6,
            &[2, 3][..],
        ),
        (multi, 3, &[2, 3][..]),
    ];
    for (k, (c, len, shape)) in cases.into_iter().enumerate() {
        let seed = 700 + 10 * k as u64;
        let mut m = build_module::<f64>(&decoder(c, len)).expect("builds");
        let mut p = vec![0.0; m.num_params()];
        m.init_params(&mut p, &mut Rng::new(seed));
        let x = random(shape, seed + 1);
        let r = check_module(&mut *m, &p, &x, seed + 2).expect("gradcheck");
        assert!(
            r.input_error < 1e-6 && r.param_error < 1e-6,
            "{}: {r:?}",
            m.describe()
        );
        // From a set initial state too.
        let batch = if shape.len() == 2 { shape[0] } else { 1 };
        let sizes = m.hidden_state_at(&[]).expect("decoder").state_sizes();
        let states = sizes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                random(&[batch * s], seed + 3 + i as u64)
                    .iter()
                    .copied()
                    .collect()
            })
            .collect();
        m.hidden_state_at(&[])
            .expect("decoder")
            .set_hidden_state(Some(states))
            .expect("state");
        let r = check_module(&mut *m, &p, &x, seed + 5).expect("gradcheck");
        assert!(
            r.input_error < 1e-6 && r.param_error < 1e-6,
            "{} from a state: {r:?}",
            m.describe()
        );
    }
}

#[test]
fn recurrent_decoder_rejects_bad_sizes() {
    let e = build_module::<f64>(&decoder(cell("LSTM", 3, 4), 2))
        .err()
        .expect("3 -> 4 cannot feed itself")
        .to_string();
    assert!(
        e.contains("RecurrentDecoder") && e.contains("takes 3"),
        "{e}"
    );
    assert!(build_module::<f64>(&decoder(cell("LSTM", 3, 3), 0)).is_err());
    let mut m = build_module::<f64>(&decoder(cell("GRU", 3, 3), 2)).expect("builds");
    let p = vec![0.1; m.num_params()];
    let e = m
        .forward(&p, &random(&[2, 4], 1))
        .expect_err("4 features")
        .to_string();
    assert!(e.contains("[batch, 3]"), "{e}");
    let y = m.forward(&p, &random(&[3], 1)).expect("one sample");
    assert_eq!(y.shape(), &[2, 3]);
}
