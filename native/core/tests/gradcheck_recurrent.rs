//! Finite-difference gradient checks, in f64, for the recurrent layers (built through the
//! factory from their descriptions): every cell inside Recurrent, BiRecurrent (both merges),
//! MultiRNNCell and masking, over several sequence lengths and batch sizes; plus hostile inputs.

use ferrodl_core::gradcheck::check_module;
use ferrodl_core::module::Module;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};

const TOL: f64 = 1e-6;

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    from_vec(
        "test",
        shape,
        (0..n).map(|_| rng.uniform(-1.5, 1.5)).collect(),
    )
    .expect("shape")
}

fn params(m: &dyn Module<f64>, seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(seed));
    let mut rng = Rng::new(seed + 100);
    p.iter_mut().for_each(|v| *v += rng.uniform(-0.3, 0.3));
    p
}

fn sizes(kind: &str, input: i64, hidden: i64) -> Node {
    let hidden_key = if kind == "GRU" {
        "outputSize"
    } else {
        "hiddenSize"
    };
    Node::new(kind)
        .ints("inputSize", &[input])
        .ints(hidden_key, &[hidden])
}

fn rnn(input: i64, hidden: i64, act: &str) -> Node {
    sizes("RnnCell", input, hidden).child(Node::new(act))
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

/// Every (batch, time) the checks run over, batched and not.
const SHAPES: [(usize, usize); 4] = [(1, 1), (1, 2), (2, 5), (3, 2)];

fn check_shapes(node: &Node, input: usize, seed: u64) {
    for (k, (b, t)) in SHAPES.iter().enumerate() {
        check(node, &[*b, *t, input], seed + 10 * k as u64);
    }
    check(node, &[5, input], seed + 99);
}

fn recurrent(cell: Node) -> Node {
    Node::new("Recurrent").child(cell)
}

#[test]
fn rnn_cell_activations() {
    for (i, act) in ["Tanh", "Sigmoid", "ReLU"].iter().enumerate() {
        check_shapes(&recurrent(rnn(3, 4, act)), 3, 10 + i as u64 * 1000);
    }
}

#[test]
fn rnn_cell_without_biases() {
    let cell = rnn(2, 3, "Tanh")
        .ints("isInputWithBias", &[0])
        .ints("isHiddenWithBias", &[0]);
    let m = build(&recurrent(cell.clone()));
    assert_eq!(m.num_params(), 3 * 2 + 3 * 3);
    check_shapes(&recurrent(cell), 2, 20);
    let one = rnn(2, 3, "Tanh").ints("isHiddenWithBias", &[0]);
    assert_eq!(build(&recurrent(one.clone())).num_params(), 6 + 3 + 9);
    check_shapes(&recurrent(one), 2, 25);
}

#[test]
fn lstm() {
    let m = build(&recurrent(sizes("LSTM", 3, 4)));
    assert_eq!(m.num_params(), 16 * 3 + 16 + 16 * 4);
    check_shapes(&recurrent(sizes("LSTM", 3, 4)), 3, 30);
}

#[test]
fn lstm_with_other_activations() {
    let cell = sizes("LSTM", 2, 3)
        .child(Node::new("Sigmoid"))
        .child(Node::new("Tanh"));
    check_shapes(&recurrent(cell), 2, 35);
}

#[test]
fn lstm_peephole() {
    let m = build(&recurrent(sizes("LSTMPeephole", 3, 4)));
    assert_eq!(m.num_params(), 16 * 3 + 16 + 16 * 4 + 3 * 4);
    check_shapes(&recurrent(sizes("LSTMPeephole", 3, 4)), 3, 40);
}

#[test]
fn gru() {
    let m = build(&recurrent(sizes("GRU", 3, 4)));
    assert_eq!(m.num_params(), 12 * 3 + 12 + 12 * 4 + 4);
    check_shapes(&recurrent(sizes("GRU", 3, 4)), 3, 50);
}

#[test]
fn multi_rnn_cell() {
    let stack = Node::new("MultiRNNCell")
        .child(sizes("LSTM", 3, 4))
        .child(sizes("GRU", 4, 2))
        .child(rnn(2, 3, "Tanh"));
    let m = build(&recurrent(stack.clone()));
    assert_eq!(
        m.describe(),
        "Recurrent(MultiRNNCell(LSTM(3 -> 4), GRU(4 -> 2), RnnCell(2 -> 3, Tanh)))"
    );
    check_shapes(&recurrent(stack), 3, 60);
}

#[test]
fn birecurrent_add_and_join() {
    for (k, cell) in [sizes("LSTM", 3, 4), sizes("GRU", 3, 2), rnn(3, 2, "Tanh")]
        .into_iter()
        .enumerate()
    {
        let add = Node::new("BiRecurrent").child(cell.clone());
        let join = Node::new("BiRecurrent")
            .string("merge", "JoinTable")
            .child(cell);
        check_shapes(&add, 3, 70 + 1000 * k as u64);
        check_shapes(&join, 3, 75 + 1000 * k as u64);
    }
    let stack = Node::new("MultiRNNCell")
        .child(sizes("LSTMPeephole", 3, 2))
        .child(sizes("LSTM", 2, 2));
    check_shapes(&Node::new("BiRecurrent").child(stack), 3, 80);
}

#[test]
fn birecurrent_shapes_and_directions() {
    let cell = sizes("GRU", 2, 3);
    let mut join = build(
        &Node::new("BiRecurrent")
            .string("merge", "JoinTable")
            .child(cell.clone()),
    );
    let mut one = build(&recurrent(cell));
    let p = params(&*join, 5);
    let x = random(&[2, 4, 2], 6);
    let y = join.forward(&p, &x).expect("forward");
    assert_eq!(y.shape(), &[2, 4, 6]);
    // The forward half is a plain Recurrent with the first half of the parameters.
    let half = one.num_params();
    let y1 = one.forward(&p[..half], &x).expect("forward");
    for b in 0..2 {
        for t in 0..4 {
            for j in 0..3 {
                assert!((y[[b, t, j]] - y1[[b, t, j]]).abs() < 1e-12);
            }
        }
    }
    // The backward half is a Recurrent over the reversed sequence.
    let mut xr = x.clone();
    for b in 0..2 {
        for t in 0..4 {
            for f in 0..2 {
                xr[[b, t, f]] = x[[b, 3 - t, f]];
            }
        }
    }
    let y2 = one.forward(&p[half..], &xr).expect("forward");
    for b in 0..2 {
        for t in 0..4 {
            for j in 0..3 {
                assert!((y[[b, t, 3 + j]] - y2[[b, 3 - t, j]]).abs() < 1e-12);
            }
        }
    }
}

/// Zero-padded input: sample 0 has 2 real steps of 4, sample 1 has 4, sample 2 has 1.
fn padded(seed: u64) -> (Tensor<f64>, Vec<bool>) {
    let mut x = random(&[3, 4, 3], seed);
    let lengths = [2, 4, 1];
    let mut pad = vec![false; x.len()];
    for (b, len) in lengths.iter().enumerate() {
        for t in *len..4 {
            for f in 0..3 {
                x[[b, t, f]] = 0.0;
                pad[(b * 4 + t) * 3 + f] = true;
            }
        }
    }
    (x, pad)
}

/// Gradient check with the padded input elements held fixed (moving them would unmask the
/// step); their analytic gradient must be exactly zero.
fn check_masked(node: &Node, seed: u64) {
    let mut m = build(node);
    let p = params(&*m, seed);
    let (x, pad) = padded(seed + 1);
    let y = m.forward(&p, &x).expect("forward");
    let r = random(y.shape(), seed + 2);
    let mut gp = vec![0.0; p.len()];
    let gx = m.backward(&p, &mut gp, &x, &y, &r).expect("backward");
    let loss = |m: &mut Box<dyn Module<f64>>, p: &[f64], x: &Tensor<f64>| -> f64 {
        let y = m.forward(p, x).expect("forward");
        y.iter().zip(r.iter()).map(|(a, b)| a * b).sum()
    };
    let eps = 1e-6;
    let rel = |a: f64, n: f64| (a - n).abs() / 1f64.max(a.abs()).max(n.abs());
    let gxs = gx.as_slice().expect("contiguous");
    for (i, padded) in pad.iter().enumerate() {
        if *padded {
            assert_eq!(gxs[i], 0.0, "{}: gradient at a masked step", m.describe());
            continue;
        }
        let mut xp = x.clone();
        xp.as_slice_mut().expect("contiguous")[i] += eps;
        let mut xm = x.clone();
        xm.as_slice_mut().expect("contiguous")[i] -= eps;
        let n = (loss(&mut m, &p, &xp) - loss(&mut m, &p, &xm)) / (2.0 * eps);
        assert!(rel(gxs[i], n) < TOL, "{} input {i}", m.describe());
    }
    for i in 0..p.len() {
        let mut pp = p.clone();
        pp[i] += eps;
        let mut pm = p.clone();
        pm[i] -= eps;
        let n = (loss(&mut m, &pp, &x) - loss(&mut m, &pm, &x)) / (2.0 * eps);
        assert!(rel(gp[i], n) < TOL, "{} param {i}", m.describe());
    }
}

#[test]
fn masking_gradients() {
    for (k, cell) in [
        sizes("LSTM", 3, 2),
        sizes("GRU", 3, 2),
        sizes("LSTMPeephole", 3, 2),
        rnn(3, 2, "Tanh"),
    ]
    .into_iter()
    .enumerate()
    {
        let seed = 200 + 10 * k as u64;
        check_masked(&recurrent(cell.clone()).ints("maskZero", &[1]), seed);
        let bi = Node::new("BiRecurrent")
            .string("merge", "JoinTable")
            .ints("maskZero", &[1])
            .child(cell);
        check_masked(&bi, seed + 5);
    }
}

#[test]
fn masked_steps_match_the_shorter_sequence() {
    let node = recurrent(sizes("LSTM", 3, 2)).ints("maskZero", &[1]);
    let mut m = build(&node);
    let p = params(&*m, 300);
    let (x, _) = padded(301);
    let y = m.forward(&p, &x).expect("forward");
    // Sample 0 alone, cut to its 2 real steps.
    let mut short = Tensor::<f64>::zeros(vec![1, 2, 3]);
    for t in 0..2 {
        for f in 0..3 {
            short[[0, t, f]] = x[[0, t, f]];
        }
    }
    let ys = m.forward(&p, &short).expect("forward");
    for t in 0..4 {
        for j in 0..2 {
            let want = if t < 2 { ys[[0, t, j]] } else { 0.0 };
            assert!((y[[0, t, j]] - want).abs() < 1e-12, "step {t}");
        }
    }
    // Without maskZero the padded steps do produce output.
    let mut plain = build(&recurrent(sizes("LSTM", 3, 2)));
    let yp = plain.forward(&p, &x).expect("forward");
    assert!(yp[[0, 3, 0]] != 0.0);
}

#[test]
fn regularizers_add_to_their_parameters() {
    let cell = sizes("LSTMPeephole", 2, 3)
        .floats("wRegularizer", &[0.0, 1.0])
        .floats("uRegularizer", &[0.0, 2.0])
        .floats("bRegularizer", &[0.0, 3.0]);
    let m = build(&recurrent(cell));
    let p = params(&*m, 400);
    let mut g = vec![0.0; p.len()];
    m.add_regularization(&p, &mut g, 1.0);
    let (wi, b, wh) = (12 * 2, 12, 12 * 3);
    for (i, (gv, pv)) in g.iter().zip(&p).enumerate() {
        let coef = if i < wi {
            1.0
        } else if i < wi + b {
            3.0
        } else if i < wi + b + wh {
            2.0
        } else {
            0.0
        };
        assert!((gv - coef * pv).abs() < 1e-12, "parameter {i}");
    }
}

fn error_of(node: &Node, shape: &[usize]) -> String {
    let mut m = build(node);
    let p = params(&*m, 1);
    let x = random(shape, 2);
    m.forward(&p, &x).expect_err("must fail").to_string()
}

#[test]
fn hostile_inputs() {
    let e = error_of(&recurrent(sizes("LSTM", 3, 4)), &[2, 5, 7]);
    assert!(e.contains("Recurrent(LSTM(3 -> 4))"), "{e}");
    assert!(
        e.contains("[batch, time, 3] or [time, 3]") && e.contains("[2, 5, 7]"),
        "{e}"
    );
    let e = error_of(&Node::new("BiRecurrent").child(sizes("GRU", 3, 4)), &[2, 4]);
    assert!(
        e.contains("BiRecurrent(GRU(3 -> 4)") && e.contains("[2, 4]"),
        "{e}"
    );
    let e = error_of(&recurrent(sizes("GRU", 3, 4)), &[4]);
    assert!(e.contains("[4]"), "{e}");
    let e = error_of(&recurrent(sizes("GRU", 3, 4)), &[2, 0, 3]);
    assert!(e.contains("at least one"), "{e}");

    let fails = |n: Node| {
        build_module::<f64>(&n)
            .err()
            .map(|e| e.to_string())
            .expect("fails")
    };
    assert!(fails(recurrent(sizes("LSTM", 3, 4).floats("p", &[1.0]))).contains("dropout"));
    assert!(fails(recurrent(rnn(3, 4, "Tanh").floats("p", &[0.2]))).contains("dropout"));
    assert!(fails(Node::new("Recurrent")).contains("exactly one cell"));
    assert!(fails(sizes("LSTM", 3, 4)).contains("inside Recurrent"));
    assert!(fails(recurrent(Node::new("Linear"))).contains("not a cell"));
    assert!(fails(recurrent(sizes("LSTM", 0, 4))).contains("inputSize"));
    assert!(fails(recurrent(rnn(3, 4, "Linear"))).contains("activation"));
    let bad = Node::new("MultiRNNCell")
        .child(sizes("LSTM", 3, 4))
        .child(sizes("LSTM", 5, 4));
    assert!(fails(recurrent(bad)).contains("input size must be 4"));
    assert!(fails(
        Node::new("BiRecurrent")
            .string("merge", "CMulTable")
            .child(sizes("GRU", 1, 1))
    )
    .contains("merge"));

    // Backward with a gradient of the wrong shape, and backward before any forward.
    let mut m = build(&recurrent(sizes("GRU", 3, 4)));
    let p = params(&*m, 3);
    let x = random(&[2, 3, 3], 4);
    let y = m.forward(&p, &x).expect("forward");
    let mut g = vec![0.0; p.len()];
    let bad = random(&[2, 3, 5], 5);
    assert!(m.backward(&p, &mut g, &x, &y, &bad).is_err());
    let mut bi = build(
        &Node::new("BiRecurrent")
            .string("merge", "JoinTable")
            .child(sizes("GRU", 3, 4)),
    );
    let pb = params(&*bi, 6);
    bi.forward(&pb, &x).expect("forward");
    let odd = random(&[2, 3, 5], 7);
    let mut gb = vec![0.0; pb.len()];
    assert!(bi.backward(&pb, &mut gb, &x, &odd, &odd).is_err());
    let mut fresh = build(&recurrent(sizes("GRU", 3, 4)));
    assert!(fresh.backward(&p, &mut g, &x, &y, &y).is_err());
    // Non-finite input propagates without panicking.
    let mut xn = x.clone();
    xn[[0, 0, 0]] = f64::NAN;
    assert!(m.forward(&p, &xn).is_ok());
}

#[test]
fn time_distributed() {
    let linear = Node::new("Linear")
        .ints("inputSize", &[3])
        .ints("outputSize", &[4]);
    let td = Node::new("TimeDistributed").child(linear.clone());
    for (k, shape) in [[1usize, 1, 3], [2, 5, 3], [3, 2, 3]].iter().enumerate() {
        check(&td, shape, 500 + k as u64);
    }
    let seq = Node::new("Sequential")
        .child(linear.clone())
        .child(Node::new("Tanh"))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[4])
                .ints("outputSize", &[2]),
        );
    check(&Node::new("TimeDistributed").child(seq), &[2, 3, 3], 510);
    // Recurrent then TimeDistributed(Linear), BigDL's sequence-labelling pattern.
    let model = Node::new("Sequential")
        .child(recurrent(sizes("GRU", 2, 3)))
        .child(
            Node::new("TimeDistributed").child(
                Node::new("Linear")
                    .ints("inputSize", &[3])
                    .ints("outputSize", &[2]),
            ),
        );
    for (k, (b, t)) in SHAPES.iter().enumerate() {
        check(&model, &[*b, *t, 2], 520 + k as u64);
    }
    // It computes the layer on every step.
    let mut m = build(&td);
    let mut l = build(&linear);
    let p = params(&*m, 530);
    let x = random(&[2, 4, 3], 531);
    let y = m.forward(&p, &x).expect("forward");
    assert_eq!(y.shape(), &[2, 4, 4]);
    let step = x.index_axis(ndarray::Axis(1), 2).to_owned();
    let ys = l.forward(&p, &step).expect("forward");
    for b in 0..2 {
        for j in 0..4 {
            assert!((y[[b, 2, j]] - ys[[b, j]]).abs() < 1e-12);
        }
    }
    let e = m
        .forward(&p, &random(&[4, 3], 1))
        .expect_err("2-D input")
        .to_string();
    assert!(
        e.contains("TimeDistributed(Linear(3 -> 4))") && e.contains("[4, 3]"),
        "{e}"
    );
}

#[test]
fn hidden_state_carries_over_between_forwards() {
    use ferrodl_core::nn::recurrent::{Cell, CellKind, HiddenState, Recurrent};
    use ferrodl_core::nn::PointwiseFn;
    let lstm = CellKind::Lstm {
        activation: PointwiseFn::Tanh,
        inner: PointwiseFn::Sigmoid,
        peephole: false,
    };
    let cell = || Cell::new(lstm.clone(), 3, 2).expect("cell");
    let mut whole = Recurrent::<f64>::new(vec![cell()], false).expect("recurrent");
    let p = params(&whole, 600);
    let x = random(&[2, 5, 3], 601);
    let y = whole.forward(&p, &x).expect("forward");
    let final_state = whole.hidden_state();
    assert_eq!(final_state[0].len(), 2 * 4);
    // Feeding the first 3 steps, then the last 2 from the carried state, gives the same outputs.
    let mut parts = Recurrent::<f64>::new(vec![cell()], false).expect("recurrent");
    let head = x.slice(ndarray::s![.., 0..3, ..]).to_owned().into_dyn();
    let tail = x.slice(ndarray::s![.., 3..5, ..]).to_owned().into_dyn();
    parts.forward(&p, &head).expect("forward");
    let carried = parts.hidden_state();
    parts.set_hidden_state(Some(carried)).expect("set");
    let y2 = parts.forward(&p, &tail).expect("forward");
    for b in 0..2 {
        for t in 0..2 {
            for j in 0..2 {
                assert!((y[[b, 3 + t, j]] - y2[[b, t, j]]).abs() < 1e-12);
            }
        }
    }
    assert_eq!(parts.hidden_state(), final_state);
    // The gradient check holds from a non-zero initial state too.
    let r = check_module(&mut parts, &p, &tail, 602).expect("gradcheck");
    assert!(r.input_error < TOL && r.param_error < TOL, "{r:?}");
    // A state for another batch size is refused at the next forward; None resets to zeros.
    let e = parts
        .forward(&p, &random(&[3, 2, 3], 603))
        .expect_err("batch 3 with a batch-2 state")
        .to_string();
    assert!(e.contains("hidden state") && e.contains("[3, 4]"), "{e}");
    assert!(parts.set_hidden_state(Some(vec![vec![0.0; 3]])).is_err());
    assert!(parts.set_hidden_state(Some(vec![])).is_err());
    parts.set_hidden_state(None).expect("reset");
    let y3 = parts.forward(&p, &head).expect("forward");
    for t in 0..3 {
        assert!((y3[[1, t, 1]] - y[[1, t, 1]]).abs() < 1e-12);
    }
}

/// Gradient check in training mode with dropout: every forward re-seeds the stream, so all of
/// them draw the same masks.
fn check_dropout(node: &Node, shape: &[usize], seed: u64) {
    let mut m = build(node);
    m.set_training(true);
    let p = params(&*m, seed);
    let x = random(shape, seed + 1);
    m.reseed(seed);
    let y = m.forward(&p, &x).expect("forward");
    let r = random(y.shape(), seed + 2);
    let mut gp = vec![0.0; p.len()];
    let gx = m.backward(&p, &mut gp, &x, &y, &r).expect("backward");
    let mut loss = |p: &[f64], x: &Tensor<f64>| -> f64 {
        m.reseed(seed);
        let y = m.forward(p, x).expect("forward");
        y.iter().zip(r.iter()).map(|(a, b)| a * b).sum()
    };
    let eps = 1e-6;
    let rel = |a: f64, n: f64| (a - n).abs() / 1f64.max(a.abs()).max(n.abs());
    let gxs = gx.as_slice().expect("contiguous");
    for (i, g) in gxs.iter().enumerate() {
        let (mut xp, mut xm) = (x.clone(), x.clone());
        xp.as_slice_mut().expect("contiguous")[i] += eps;
        xm.as_slice_mut().expect("contiguous")[i] -= eps;
        let n = (loss(&p, &xp) - loss(&p, &xm)) / (2.0 * eps);
        assert!(rel(*g, n) < TOL, "input {i}: {g} vs {n}");
    }
    for (i, g) in gp.iter().enumerate() {
        let (mut pp, mut pm) = (p.clone(), p.clone());
        pp[i] += eps;
        pm[i] -= eps;
        let n = (loss(&pp, &x) - loss(&pm, &x)) / (2.0 * eps);
        assert!(rel(*g, n) < TOL, "parameter {i}: {g} vs {n}");
    }
}

#[test]
fn dropout_gradients_in_training() {
    for (k, kind) in ["LSTM", "GRU", "LSTMPeephole"].iter().enumerate() {
        let cell = sizes(kind, 3, 4).floats("p", &[0.4]);
        let seed = 700 + 10 * k as u64;
        check_dropout(&recurrent(cell.clone()), &[2, 3, 3], seed);
        check_dropout(&recurrent(cell.clone()), &[1, 1, 3], seed + 1);
        check_dropout(
            &Node::new("BiRecurrent").child(cell.clone()),
            &[2, 2, 3],
            seed + 2,
        );
        let stack = Node::new("MultiRNNCell")
            .child(cell)
            .child(sizes("GRU", 4, 2).floats("p", &[0.3]));
        check_dropout(
            &recurrent(stack).ints("maskZero", &[1]),
            &[3, 2, 3],
            seed + 3,
        );
    }
}

#[test]
fn dropout_draws_masks_in_training_only() {
    let with = recurrent(sizes("LSTM", 3, 4).floats("p", &[0.5]));
    let mut m = build(&with);
    let mut plain = build(&recurrent(sizes("LSTM", 3, 4)));
    let p = params(&*m, 800);
    let x = random(&[4, 6, 3], 801);
    m.reseed(1);
    let a = m.forward(&p, &x).expect("forward");
    m.reseed(1);
    let b = m.forward(&p, &x).expect("forward");
    let c = m.forward(&p, &x).expect("forward");
    let y0 = plain.forward(&p, &x).expect("forward");
    assert_eq!(a, b, "same seed, same masks");
    assert_ne!(a, c, "the stream moves on");
    assert_ne!(a, y0, "training drops");
    m.set_training(false);
    let e = m.forward(&p, &x).expect("forward");
    assert_eq!(e, y0, "evaluation is the plain cell");
    let mut g = vec![0.0; p.len()];
    m.backward(&p, &mut g, &x, &e, &e)
        .expect("backward in evaluation");
    let mut g0 = vec![0.0; p.len()];
    plain.backward(&p, &mut g0, &x, &y0, &y0).expect("backward");
    assert_eq!(g, g0);
}

#[test]
fn highway() {
    let hw = |bias: i64| {
        Node::new("Highway")
            .ints("size", &[4])
            .ints("withBias", &[bias])
    };
    assert_eq!(build(&hw(1)).num_params(), 2 * (16 + 4));
    assert_eq!(build(&hw(0)).num_params(), 2 * 16);
    for (k, shape) in [vec![1usize, 4], vec![3, 4], vec![4]].iter().enumerate() {
        check(&hw(1), shape, 900 + k as u64);
        check(&hw(0), shape, 910 + k as u64);
        check(&hw(1).child(Node::new("Tanh")), shape, 920 + k as u64);
    }
    // y = t*h + (1-t)*x by hand, identity transform, no bias.
    let mut m = build(&hw(0));
    let p = params(&*m, 930);
    let x = random(&[2, 4], 931);
    let y = m.forward(&p, &x).expect("forward");
    for b in 0..2 {
        for j in 0..4 {
            let dot = |off: usize| (0..4).map(|k| p[off + j * 4 + k] * x[[b, k]]).sum::<f64>();
            let t = 1.0 / (1.0 + (-dot(0)).exp());
            let want = t * dot(16) + (1.0 - t) * x[[b, j]];
            assert!((y[[b, j]] - want).abs() < 1e-12);
        }
    }
    let e = m
        .forward(&p, &random(&[2, 5], 1))
        .expect_err("size")
        .to_string();
    assert!(e.contains("Highway(4") && e.contains("[2, 5]"), "{e}");
}
