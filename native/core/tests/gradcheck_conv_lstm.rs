//! ConvLSTMPeephole and ConvLSTMPeephole3D inside Recurrent (built through the factory):
//! finite-difference gradient checks in f64 for the input and every parameter over several
//! sequence lengths, batch sizes and geometries; the hidden state; hostile inputs.

use ferrodl_core::gradcheck::check_module;
use ferrodl_core::module::Module;
use ferrodl_core::spec::{build_module, Node};

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

fn recurrent(cell: Node) -> Node {
    Node::new("Recurrent").child(cell)
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

#[test]
fn conv_lstm_2d_over_sequence_lengths() {
    let node = recurrent(conv("ConvLSTMPeephole", (2, 3), (3, 3)));
    for (k, time) in [1usize, 2, 4].into_iter().enumerate() {
        check(&node, &[2, time, 2, 4, 5], 10 + k as u64);
    }
    check(&node, &[3, 2, 3, 3], 20);
}

#[test]
fn conv_lstm_2d_geometries() {
    let even = conv("ConvLSTMPeephole", (1, 2), (2, 4));
    check(&recurrent(even), &[1, 3, 1, 5, 4], 30);
    let strided = conv("ConvLSTMPeephole", (2, 2), (3, 3)).ints("stride", &[2]);
    check(&recurrent(strided), &[2, 2, 2, 5, 6], 31);
    let padded = conv("ConvLSTMPeephole", (2, 2), (3, 3)).ints("padding", &[1]);
    check(&recurrent(padded), &[1, 3, 2, 3, 4], 32);
    let valid = conv("ConvLSTMPeephole", (2, 2), (3, 1)).ints("padding", &[0]);
    let m = build(&recurrent(valid.clone()));
    let y = {
        let mut m = m;
        let p = params(&*m, 1);
        m.forward(&p, &random(&[1, 2, 2, 5, 6], 2))
            .expect("forward")
    };
    assert_eq!(y.shape(), &[1, 2, 2, 3, 4]);
    check(&recurrent(valid), &[1, 2, 2, 5, 6], 33);
}

#[test]
fn conv_lstm_2d_options() {
    let no_peep = recurrent(conv("ConvLSTMPeephole", (2, 2), (3, 3)).ints("withPeephole", &[0]));
    let m = build(&no_peep);
    let with = build(&recurrent(conv("ConvLSTMPeephole", (2, 2), (3, 3))));
    assert_eq!(
        with.num_params() - m.num_params(),
        6,
        "peepholes are [3, outputSize]"
    );
    check(&no_peep, &[2, 3, 2, 3, 3], 40);
    let acts = conv("ConvLSTMPeephole", (2, 2), (3, 3))
        .child(Node::new("Tanh"))
        .child(Node::new("Tanh"));
    check(&recurrent(acts), &[1, 3, 2, 3, 3], 41);
}

#[test]
fn conv_lstm_3d_over_sequence_lengths() {
    let node = recurrent(conv("ConvLSTMPeephole3D", (2, 2), (3, 3)));
    for (k, time) in [1usize, 2, 3].into_iter().enumerate() {
        check(&node, &[2, time, 2, 3, 3, 4], 50 + k as u64);
    }
    let kc1 = recurrent(conv("ConvLSTMPeephole3D", (1, 2), (3, 1)).ints("withPeephole", &[0]));
    check(&kc1, &[2, 3, 1, 2, 3, 3], 55);
    let strided = recurrent(conv("ConvLSTMPeephole3D", (1, 2), (1, 3)).ints("stride", &[2]));
    check(&strided, &[1, 2, 1, 3, 4, 5], 56);
}

#[test]
fn hidden_state_continues_a_sequence() {
    for (kind, shape) in [
        ("ConvLSTMPeephole", vec![2, 4, 2, 3, 4]),
        ("ConvLSTMPeephole3D", vec![2, 4, 2, 2, 3, 3]),
    ] {
        let node = recurrent(conv(kind, (2, 3), (3, 3)));
        let mut whole = build(&node);
        let p = params(&*whole, 7);
        let x = random(&shape, 8);
        let y = whole.forward(&p, &x).expect("forward");
        let half = |t0: usize| {
            x.slice_axis(ndarray::Axis(1), (t0..t0 + 2).into())
                .to_owned()
        };
        let mut m = build(&node);
        m.forward(&p, &half(0)).expect("first half");
        let hs = m.hidden_state_at(&[]).expect("state");
        let state = hs.hidden_state();
        assert_eq!(state.len(), 1);
        assert_eq!(hs.state_sizes(), vec![state[0].len() / 2]);
        hs.set_hidden_state(Some(state)).expect("set");
        let y2 = m.forward(&p, &half(2)).expect("second half");
        let tail = y.slice_axis(ndarray::Axis(1), (2..4).into());
        let err = tail
            .iter()
            .zip(y2.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            err < 1e-12,
            "{kind}: continuing from the state differs by {err}"
        );
        let whole_state = whole.hidden_state_at(&[]).expect("state").hidden_state();
        let m_state = m.hidden_state_at(&[]).expect("state").hidden_state();
        assert_eq!(whole_state, m_state);
        // The gradient check holds from a non-zero initial state too.
        let r = check_module(&mut *m, &p, &half(2), 9).expect("gradcheck runs");
        assert!(r.input_error < TOL && r.param_error < TOL, "{kind}: {r:?}");
        // A state of the wrong size is refused at the next forward, naming the layer.
        let hs = m.hidden_state_at(&[]).expect("state");
        hs.set_hidden_state(Some(vec![vec![0.0; 5]]))
            .expect("checked at forward");
        let e = m
            .forward(&p, &half(0))
            .expect_err("wrong state size")
            .to_string();
        assert!(e.contains(kind) && e.contains("hidden state"), "{e}");
    }
}

fn error(node: &Node, shape: &[usize]) -> String {
    let mut m = build(node);
    let p = params(&*m, 1);
    m.forward(&p, &random(shape, 2))
        .expect_err("refused")
        .to_string()
}

#[test]
fn hostile_inputs_name_the_layer_and_shapes() {
    let two = recurrent(conv("ConvLSTMPeephole", (2, 3), (3, 3)));
    let e = error(&two, &[1, 2, 5, 4, 4]);
    assert!(
        e.contains("ConvLSTMPeephole") && e.contains("[batch, time, 2, H, W]") && e.contains("5"),
        "{e}"
    );
    let e = error(&two, &[1, 2, 2, 4, 4, 4]);
    assert!(
        e.contains("ConvLSTMPeephole") && e.contains("[1, 2, 2, 4, 4, 4]"),
        "{e}"
    );
    let e = error(&two, &[2, 8]);
    assert!(
        e.contains("ConvLSTMPeephole") && e.contains("[2, 8]"),
        "{e}"
    );
    let three = recurrent(conv("ConvLSTMPeephole3D", (2, 3), (3, 3)));
    let e = error(&three, &[1, 2, 3, 4, 4, 4]);
    assert!(
        e.contains("ConvLSTMPeephole3D")
            && e.contains("[batch, time, 2, D, H, W]")
            && e.contains("[1, 2, 3, 4, 4, 4]"),
        "{e}"
    );
    let e = error(&three, &[2, 2, 4, 4]);
    assert!(
        e.contains("ConvLSTMPeephole3D") && e.contains("[2, 2, 4, 4]"),
        "{e}"
    );
    let e = error(&two, &[0, 2, 2, 4, 4]);
    assert!(e.contains("at least one"), "{e}");
    let big = recurrent(conv("ConvLSTMPeephole", (1, 1), (5, 3)).ints("padding", &[0]));
    let e = error(&big, &[1, 1, 1, 3, 3]);
    assert!(e.contains("ConvLSTMPeephole") && e.contains("5x5"), "{e}");
    let shrink = recurrent(conv("ConvLSTMPeephole", (1, 1), (3, 5)).ints("padding", &[1]));
    let e = error(&shrink, &[1, 1, 1, 6, 6]);
    assert!(e.contains("kernelC=5"), "{e}");
    let even3 = recurrent(conv("ConvLSTMPeephole3D", (1, 1), (2, 3)));
    let e = error(&even3, &[1, 1, 1, 3, 3, 3]);
    assert!(
        e.contains("ConvLSTMPeephole3D") && e.contains("uneven"),
        "{e}"
    );
    for bad in [
        Node::new("RecurrentDecoder")
            .ints("outputLength", &[2])
            .child(conv("ConvLSTMPeephole", (1, 1), (3, 3))),
        Node::new("Recurrent").ints("maskZero", &[1]).child(conv(
            "ConvLSTMPeephole",
            (1, 1),
            (3, 3),
        )),
        Node::new("BiRecurrent").ints("maskZero", &[1]).child(conv(
            "ConvLSTMPeephole",
            (1, 1),
            (3, 3),
        )),
        Node::new("Recurrent").child(
            Node::new("MultiRNNCell")
                .child(conv("ConvLSTMPeephole", (1, 1), (3, 3)))
                .child(
                    Node::new("LSTM")
                        .ints("inputSize", &[1])
                        .ints("hiddenSize", &[1]),
                ),
        ),
        Node::new("Recurrent").child(
            Node::new("MultiRNNCell")
                .child(conv("ConvLSTMPeephole", (1, 2), (3, 3)))
                .child(conv("ConvLSTMPeephole", (1, 2), (3, 3))),
        ),
        Node::new("Recurrent").child(
            Node::new("MultiRNNCell")
                .child(conv("ConvLSTMPeephole", (1, 2), (3, 3)))
                .child(conv("ConvLSTMPeephole3D", (2, 2), (3, 3))),
        ),
        recurrent(conv("ConvLSTMPeephole", (1, 1), (3, 3)).ints("padding", &[-2])),
        recurrent(conv("ConvLSTMPeephole", (0, 1), (3, 3))),
        recurrent(conv("ConvLSTMPeephole3D", (1, 1), (3, 3)).child(Node::new("Tanh"))),
        conv("ConvLSTMPeephole", (1, 1), (3, 3)),
    ] {
        let e = build_module::<f64>(&bad)
            .err()
            .expect("refused")
            .to_string();
        assert!(e.contains("ConvLSTMPeephole"), "{e}");
    }
}

#[test]
fn regularizers_apply_to_their_parameters() {
    // W_x [8, 1, 3, 3], b [8], W_h [8, 2, 3, 3], peepholes [6]: l2 = 1, 3, 2, 4 on each.
    for kind in ["ConvLSTMPeephole", "ConvLSTMPeephole3D"] {
        let cell = conv(kind, (1, 2), (3, 3))
            .floats("wRegularizer", &[0.0, 1.0])
            .floats("bRegularizer", &[0.0, 3.0])
            .floats("uRegularizer", &[0.0, 2.0])
            .floats("cRegularizer", &[0.0, 4.0]);
        let m = build(&recurrent(cell));
        let k = if kind == "ConvLSTMPeephole3D" { 27 } else { 9 };
        let lens = [8 * k, 8, 8 * 2 * k, 6];
        assert_eq!(m.num_params(), lens.iter().sum::<usize>());
        let p = params(&*m, 3);
        let mut g = vec![0.0; p.len()];
        m.add_regularization(&p, &mut g, 0.5);
        let mut at = 0;
        for (len, l2) in lens.into_iter().zip([1.0, 3.0, 2.0, 4.0]) {
            for i in at..at + len {
                assert!(
                    (g[i] - 0.5 * l2 * p[i]).abs() < 1e-12,
                    "{kind}: parameter {i}"
                );
            }
            at += len;
        }
        let plain = build(&recurrent(conv(kind, (1, 2), (3, 3))));
        let mut g = vec![0.0; p.len()];
        plain.add_regularization(&p, &mut g, 0.5);
        assert!(
            g.iter().all(|v| *v == 0.0),
            "{kind}: no regulariser, no gradient"
        );
    }
}
