//! L-BFGS with the strong Wolfe line search (`LBFGS(lineSearch = lswolfe)`), driven as the
//! training loop drives it (begin, evaluate where asked, feed, finish), against PyTorch's
//! `LBFGS(line_search_fn = "strong_wolfe")` (fixtures/gen_lbfgs_wolfe_reference.py), plus the
//! description, the state's carry-over between steps and misuse.

use ferrodl_core::optim::{Ask, OptimMethod, OptimState, Rule};
use ferrodl_core::spec::{build_optim, Node};
use std::collections::HashMap;

fn reference() -> HashMap<String, Vec<f64>> {
    let text = include_str!("fixtures/lbfgs_wolfe_reference.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (head, vals) = l.split_once(": ").expect("record");
            let name = head.split(' ').next().expect("name").to_string();
            let v = vals
                .split(' ')
                .map(|x| x.parse().expect("number"))
                .collect();
            (name, v)
        })
        .collect()
}

fn lbfgs(lr: f64, max_iter: i64, max_eval: f64, history: i64) -> OptimMethod {
    // Zero tolerances as in the reference; the search's own evaluation cap is lifted so that
    // maxEval alone bounds it (PyTorch's max_ls = max_eval - evaluations so far).
    build_optim(
        &Node::new("LBFGS")
            .string("lineSearch", "lswolfe")
            .floats("learningRate", &[lr])
            .floats("maxEval", &[max_eval])
            .floats("tolFun", &[0.0])
            .floats("tolX", &[0.0])
            .ints("maxIter", &[max_iter])
            .ints("nCorrection", &[history])
            .ints("lineSearchMaxIter", &[1_000_000]),
    )
    .expect("LBFGS with lswolfe")
}

type Objective = fn(&[f32]) -> (f64, Vec<f32>);

/// One training step: returns the new state, the evaluations it used and the last loss seen.
fn step(
    m: &OptimMethod,
    f: Objective,
    w: &mut [f32],
    state: &OptimState,
) -> (OptimState, usize, f64) {
    let (loss, mut g) = f(w);
    let (mut run, mut ask) = m.begin_search(w, loss, &mut g, 1, state).expect("begin");
    let (mut evals, mut last) = (1, loss);
    while ask == Ask::Evaluate {
        let (loss, mut g) = f(w);
        evals += 1;
        last = loss;
        ask = m.feed_search(&mut run, w, loss, &mut g).expect("feed");
    }
    (m.finish_search(run), evals, last)
}

/// 0.5·Σ a·(w - c)², in f32 as PyTorch computes it.
fn quad(w: &[f32]) -> (f64, Vec<f32>) {
    const A: [f32; 6] = [1.0, 0.5, 2.0, 3.0, 0.1, 1.5];
    const C: [f32; 6] = [0.5, -1.0, 2.0, 0.0, 3.0, -0.5];
    let r: Vec<f32> = w.iter().zip(C).map(|(w, c)| w - c).collect();
    let f: f32 = r.iter().zip(A).map(|(r, a)| a * r * r).sum();
    let g = r.iter().zip(A).map(|(r, a)| a * r).collect();
    ((0.5 * f) as f64, g)
}

/// (1 - x)² + 100 (y - x²)², in f32.
fn rosen(w: &[f32]) -> (f64, Vec<f32>) {
    let (x, y) = (w[0], w[1]);
    let r = y - x * x;
    let f = (1.0 - x) * (1.0 - x) + 100.0 * r * r;
    let g = vec![-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r];
    (f as f64, g)
}

/// Five records for the MLP, as in the fixture script.
const X: [[f32; 3]; 5] = [
    [0.5, -1.0, 0.2],
    [1.5, 0.3, -0.7],
    [-0.4, 0.8, 1.1],
    [0.0, -0.6, 0.9],
    [1.2, 1.0, -1.3],
];
const T: [[f32; 2]; 5] = [
    [0.3, -0.2],
    [0.8, 0.1],
    [-0.5, 0.6],
    [0.0, 0.4],
    [0.9, -0.7],
];

/// A 3-4-2 tanh MLP (W1 4x3, b1, W2 2x4, b2, flat) with the mean squared error, in f32.
fn mlp(w: &[f32]) -> (f64, Vec<f32>) {
    let (w1, b1, w2, b2) = (&w[..12], &w[12..16], &w[16..24], &w[24..26]);
    let mut g = vec![0f32; 26];
    let n = (X.len() * 2) as f32;
    let mut loss = 0f32;
    for (x, t) in X.iter().zip(T) {
        let h: Vec<f32> = b1
            .iter()
            .zip(w1.chunks(3))
            .map(|(b, row)| (b + row.iter().zip(x).map(|(a, v)| a * v).sum::<f32>()).tanh())
            .collect();
        for (k, (row, tk)) in w2.chunks(4).zip(t).enumerate() {
            let y = b2[k] + row.iter().zip(&h).map(|(a, v)| a * v).sum::<f32>();
            let d = y - tk;
            loss += d * d;
            let dy = 2.0 * d / n;
            g[24 + k] += dy;
            for (j, (hj, wkj)) in h.iter().zip(row).enumerate() {
                g[16 + k * 4 + j] += dy * hj;
                let dh = dy * wkj * (1.0 - hj * hj);
                g[12 + j] += dh;
                for (i, xi) in x.iter().enumerate() {
                    g[j * 3 + i] += dh * xi;
                }
            }
        }
    }
    ((loss / n) as f64, g)
}

fn check_case(case: &str, f: Objective, m: &OptimMethod, steps: usize, tol: &dyn Fn(usize) -> f64) {
    let r = reference();
    let mut w: Vec<f32> = r[&format!("{case}/w0")].iter().map(|x| *x as f32).collect();
    let mut state = OptimState::default();
    for k in 1..=steps {
        let (next, evals, last) = step(m, f, &mut w, &state);
        state = next;
        let tol = tol(k);
        let want = &r[&format!("{case}/w{k}")];
        for (g, e) in w.iter().zip(want) {
            assert!(
                (*g as f64 - e).abs() <= tol * (1.0 + e.abs()),
                "{case} step {k}: weights {w:?}, PyTorch {want:?}"
            );
        }
        assert_eq!(
            evals as f64,
            r[&format!("{case}/evals{k}")][0],
            "{case} step {k}: evaluations"
        );
        let want_loss = r[&format!("{case}/loss{k}")][0];
        assert!(
            (last - want_loss).abs() <= tol * (1.0 + want_loss.abs()),
            "{case} step {k}: last loss {last}, PyTorch {want_loss}"
        );
        assert_eq!(state.step, k as u64, "one optimiser step per training step");
    }
}

#[test]
fn quadratic_matches_pytorch_strong_wolfe() {
    check_case("quad", quad, &lbfgs(1.0, 2, 10.0, 3), 3, &|_| 1e-5);
}

#[test]
fn rosenbrock_matches_pytorch_strong_wolfe() {
    // Rosenbrock's valley amplifies rounding: PyTorch's own float32 and float64 runs part by
    // 1.7e-4 at step 4 and 4e-3 at step 6, so the weights are held to 5e-3 (relative) while
    // the evaluation counts, which follow every branch of the search, must match exactly.
    check_case("rosen", rosen, &lbfgs(1.0, 4, 12.0, 5), 6, &|_| 5e-3);
    check_case("rosen_lr", rosen, &lbfgs(0.5, 3, 8.0, 100), 4, &|_| 1e-4);
}

#[test]
fn a_small_mlp_over_20_steps_matches_pytorch_strong_wolfe() {
    // The trajectory is sensitive to rounding: PyTorch's own float32 and float64 runs part by
    // 7e-5 at step 7 and 3e-3 at step 13 (relative). Steps 1-12 are held to PyTorch's weights
    // (1e-4 for 6 steps, then 5e-2) and evaluation counts exactly; from step 13 the float32
    // roundings of the two implementations make single searches take a different number of
    // trial points, so steps 13-20 are held to steady descent and PyTorch's final loss.
    check_case("mlp", mlp, &lbfgs(1.0, 2, 6.0, 5), 12, &|k| {
        if k <= 6 {
            1e-4
        } else {
            5e-2
        }
    });
    let r = reference();
    let m = lbfgs(1.0, 2, 6.0, 5);
    let mut w: Vec<f32> = r["mlp/w0"].iter().map(|x| *x as f32).collect();
    let (mut state, mut prev) = (OptimState::default(), f64::INFINITY);
    for k in 1..=20 {
        state = step(&m, mlp, &mut w, &state).0;
        let loss = mlp(&w).0;
        assert!(loss <= prev, "step {k}: loss rose from {prev} to {loss}");
        prev = loss;
    }
    // PyTorch ends at 2.3e-4 in float32 and 3.8e-4 in float64: the last steps converge fast, and
    // rounding moves the final loss by a factor of 1.6 even within PyTorch. Held to a factor 3.
    let want = r["mlp/loss20"][0];
    assert!(
        prev <= 3.0 * want && prev >= want / 3.0,
        "final loss {prev}, PyTorch {want}"
    );
}

#[test]
fn many_steps_reach_the_rosenbrock_minimum() {
    // BigDL's defaults (tolerances, the search's 20 evaluations) from (-1.5, 2).
    let m = build_optim(&Node::new("LBFGS").string("lineSearch", "lswolfe")).expect("lbfgs");
    let mut w = vec![-1.5f32, 2.0];
    let mut state = OptimState::default();
    let mut total = 0;
    for _ in 0..10 {
        let (next, evals, _) = step(&m, rosen, &mut w, &state);
        state = next;
        total += evals;
    }
    assert!(
        (w[0] - 1.0).abs() < 1e-3 && (w[1] - 1.0).abs() < 2e-3,
        "{w:?} after {total} evaluations"
    );
    // The state round-trips through its bytes like any method's.
    let back = OptimState::from_bytes(&state.to_bytes()).expect("decode");
    assert_eq!(back, state);
}

#[test]
fn description_defaults_and_errors() {
    let m = build_optim(&Node::new("LBFGS").string("lineSearch", "lswolfe")).expect("lbfgs");
    assert!(m.searches());
    match &m.rule {
        Rule::LbfgsWolfe(l) => {
            assert_eq!((l.search.c1, l.search.c2), (1e-4, 0.9));
            assert_eq!((l.search.tol_x, l.search.max_iter), (1e-9, 20));
            assert_eq!(l.lbfgs.max_iter, 20);
        }
        other => panic!("not LBFGS with a line search: {other:?}"),
    }
    assert!(!build_optim(&Node::new("LBFGS")).expect("plain").searches());
    let err = build_optim(&Node::new("LBFGS").string("lineSearch", "armijo"))
        .expect_err("unknown search");
    assert!(err.to_string().contains("armijo"), "{err}");
    for (k, v) in [
        ("lineSearchC1", 0.95),
        ("lineSearchC2", 1.5),
        ("lineSearchC1", 0.0),
    ] {
        assert!(
            build_optim(
                &Node::new("LBFGS")
                    .string("lineSearch", "lswolfe")
                    .floats(k, &[v])
            )
            .is_err(),
            "{k} = {v} accepted"
        );
    }
    // The one-gradient step refuses it; feeding after the end, or a wrong size, is an error.
    let mut w = vec![1.0f32, 1.0];
    let err = m
        .step(&mut w, &mut [1.0, 1.0], 1, OptimState::default())
        .expect_err("step");
    assert!(err.to_string().contains("line search"), "{err}");
    let (loss, mut g) = quad(&[0.5, -1.0, 2.0, 0.0, 3.0, -0.5]);
    let mut w = vec![0.5f32, -1.0, 2.0, 0.0, 3.0, -0.5];
    let (mut run, ask) = m
        .begin_search(&mut w, loss, &mut g, 1, &OptimState::default())
        .expect("begin");
    assert_eq!(ask, Ask::Done, "at the minimum the step ends at once");
    assert!(m.feed_search(&mut run, &mut w, 0.0, &mut g).is_err());
    let mut w = vec![0.0f32; 6];
    let (loss, mut g) = quad(&w);
    let (mut run, ask) = m
        .begin_search(&mut w, loss, &mut g, 1, &OptimState::default())
        .expect("begin");
    assert_eq!(ask, Ask::Evaluate);
    assert!(m.feed_search(&mut run, &mut w, 1.0, &mut [0.0; 3]).is_err());
    assert!(m
        .begin_search(&mut w, f64::NAN, &mut g, 1, &OptimState::default())
        .is_err());
}
