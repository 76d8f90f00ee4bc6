//! CTCCriterion with per-sample input lengths (`inputLengths`: the target's first column) and
//! target lengths (the 0 padding), against `torch.nn.functional.ctc_loss` with varying
//! `input_lengths` (fixtures/gen_ctc_lengths_reference.py), a finite-difference gradient check,
//! and the errors for bad lengths.

use ferrodl_core::criterion::Criterion;
use ferrodl_core::gradcheck::check_criterion;
use ferrodl_core::spec::{build_criterion, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use std::collections::HashMap;

fn reference() -> HashMap<String, (Vec<usize>, Vec<f64>)> {
    include_str!("fixtures/ctc_lengths_reference.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (head, vals) = l.split_once(": ").expect("record");
            let (name, dims) = head.split_once(' ').expect("dims");
            let dims = dims.split(',').map(|d| d.parse().expect("dim")).collect();
            let v = vals
                .split(' ')
                .map(|x| x.parse().expect("number"))
                .collect();
            (name.to_string(), (dims, v))
        })
        .collect()
}

fn tensor(r: &HashMap<String, (Vec<usize>, Vec<f64>)>, name: &str) -> Tensor<f64> {
    let (dims, v) = &r[name];
    from_vec(name, dims, v.clone()).expect("tensor")
}

fn ctc(average: bool) -> Box<dyn Criterion<f64>> {
    build_criterion::<f64>(
        &Node::new("CTCCriterion")
            .ints("sizeAverage", &[average as i64])
            .ints("inputLengths", &[1]),
    )
    .expect("CTCCriterion(inputLengths)")
}

#[test]
fn losses_and_gradients_match_pytorch_with_varying_lengths() {
    let r = reference();
    let (x, t) = (tensor(&r, "input"), tensor(&r, "target"));
    let losses = &r["loss"].1;
    let sum: f64 = losses.iter().sum();
    let c = ctc(false);
    let got = c.forward(&x, &t).expect("forward");
    assert!((got - sum).abs() < 1e-10, "{got} != {sum}");
    let mean = ctc(true).forward(&x, &t).expect("forward");
    assert!(
        (mean - sum / 4.0).abs() < 1e-10,
        "size-averaged over the batch"
    );
    // Each sample alone (a one-row target) gives its own loss.
    for (b, want) in losses.iter().enumerate() {
        let xs: Vec<f64> = x.iter().skip(b * 35).take(35).copied().collect();
        let ts: Vec<f64> = t.iter().skip(b * 5).take(5).copied().collect();
        let l = c
            .forward(
                &from_vec("x", &[1, 7, 5], xs).expect("x"),
                &from_vec("t", &[1, 5], ts).expect("t"),
            )
            .expect("one sample");
        assert!((l - want).abs() < 1e-10, "sample {b}: {l} != {want}");
    }
    // The exact gradient with respect to the log-probabilities, taken through log_softmax, is
    // PyTorch's; past each input length it is zero.
    let g = c.backward(&x, &t).expect("backward");
    let (g, x, want) = (
        g.iter().copied().collect::<Vec<_>>(),
        x.iter().copied().collect::<Vec<_>>(),
        &r["grad"].1,
    );
    let lengths = [7, 4, 6, 3];
    for (b, &len) in lengths.iter().enumerate() {
        for s in 0..7 {
            let at = (b * 7 + s) * 5;
            let row = &g[at..at + 5];
            if s >= len {
                assert!(
                    row.iter().all(|v| *v == 0.0),
                    "sample {b} step {s}: {row:?}"
                );
            }
            let total: f64 = row.iter().sum();
            for (k, v) in row.iter().enumerate() {
                let through = v - x[at + k].exp() * total;
                assert!(
                    (through - want[at + k]).abs() < 1e-9,
                    "sample {b} step {s} class {k}: {through} != {}",
                    want[at + k]
                );
            }
        }
    }
}

#[test]
fn gradient_check_with_lengths() {
    let r = reference();
    let (x, t) = (tensor(&r, "input"), tensor(&r, "target"));
    for avg in [false, true] {
        let err = check_criterion(ctc(avg).as_ref(), &x, &t).expect("gradcheck");
        assert!(err < 1e-6, "CTC with input lengths: {err}");
    }
}

#[test]
fn bad_lengths_are_refused() {
    let r = reference();
    let x = tensor(&r, "input");
    let c = ctc(false);
    let bad = |first: f64| {
        let mut t: Vec<f64> = r["target"].1.clone();
        t[5] = first;
        c.forward(&x, &from_vec("t", &[4, 5], t).expect("t"))
            .expect_err("bad length")
            .to_string()
    };
    for v in [0.0, 8.0, 2.5, -1.0] {
        let e = bad(v);
        assert!(e.contains("input length") && e.contains("sample 2"), "{e}");
    }
    // Sample 2 has two labels; one step is too few for them.
    let e = bad(1.0);
    assert!(e.contains("need at least 2 time steps"), "{e}");
    // A target without room for labels after the length column.
    let e = c
        .forward(&x, &from_vec("t", &[4, 1], vec![7.0; 4]).expect("t"))
        .expect_err("no labels")
        .to_string();
    assert!(e.contains("1 + maxLength"), "{e}");
}
