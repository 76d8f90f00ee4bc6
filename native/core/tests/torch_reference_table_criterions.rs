//! The criterions over tables, CTCCriterion and SoftmaxWithCriterion against PyTorch
//! (fixtures/torch_reference.txt, the `# tablecrit` section of fixtures/gen_torch_reference.py),
//! loss and input gradients to 1e-10 relative, in f64.

use ferrodl_core::activity::Activity;
use ferrodl_core::criterion::{ActivityCriterion, CriterionRef};
use ferrodl_core::spec::{build_activity_criterion, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use std::collections::HashMap;

type Fixtures = HashMap<String, (Vec<usize>, Vec<f64>)>;

const TOL: f64 = 1e-10;

fn fixtures() -> Fixtures {
    include_str!("fixtures/torch_reference.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (head, values) = l.split_once(": ").expect("record");
            let (name, dims) = head.split_once(' ').expect("name and dims");
            let dims = dims.split(',').map(|d| d.parse().expect("dim")).collect();
            let values = values
                .split(' ')
                .map(|v| v.parse().expect("value"))
                .collect();
            (name.to_string(), (dims, values))
        })
        .collect()
}

fn get(f: &Fixtures, key: &str) -> Tensor<f64> {
    let (dims, values) = f
        .get(key)
        .unwrap_or_else(|| panic!("fixture {key} missing"));
    from_vec(key, dims, values.clone()).expect("fixture shape")
}

/// `t` (element 1) or `T<n>` (a table of elements 1..=n) of `case/<what><i>`.
fn activity(f: &Fixtures, case: &str, what: &str, spec: &str) -> Activity<f64> {
    match spec.strip_prefix('T') {
        None => Activity::Tensor(get(f, &format!("{case}/{what}1"))),
        Some(n) => Activity::Table(
            (1..=n.parse::<usize>().expect("table size"))
                .map(|i| Activity::Tensor(get(f, &format!("{case}/{what}{i}"))))
                .collect(),
        ),
    }
}

fn flat(a: &Activity<f64>) -> Vec<f64> {
    let (mut layout, mut data) = (Vec::new(), Vec::new());
    a.encode(&mut layout, &mut data);
    data
}

fn assert_close(what: &str, want: &[f64], got: &[f64]) {
    assert_eq!(want.len(), got.len(), "{what}: length");
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        assert!(
            (w - g).abs() <= TOL * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

/// The `# <prefix> CASE NAME IN TG k=v ...` annotations: case, description, input and target
/// structure. Values that parse as numbers are integers for `ints`, floats otherwise; others are
/// strings.
fn annotated(prefix: &str) -> Vec<(String, Node, String, String)> {
    let ints = ["sizeAverage", "num", "ignoreLabel"];
    include_str!("fixtures/torch_reference.txt")
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let mut next = || parts.next().expect("annotation field").to_string();
            let (case, name, tin, ttg) = (next(), next(), next(), next());
            let mut node = Node::new(&name);
            for kv in parts {
                let (k, v) = kv.split_once('=').expect("k=v");
                node = match v.parse::<f64>() {
                    Ok(x) if ints.contains(&k) => node.ints(k, &[x as i64]),
                    Ok(x) => node.floats(k, &[x]),
                    Err(_) => node.string(k, v),
                };
            }
            (case, node, tin, ttg)
        })
        .collect()
}

fn check(f: &Fixtures, case: &str, c: &dyn ActivityCriterion<f64>, tin: &str, ttg: &str) {
    let x = activity(f, case, "input", tin);
    let t = activity(f, case, "target", ttg);
    let loss = c.forward(&x, &t).expect("loss");
    assert_close(
        &format!("{case} loss"),
        &f[&format!("{case}/loss")].1,
        &[loss],
    );
    let g = c.backward(&x, &t).expect("gradient");
    let want = flat(&activity(f, case, "grad", tin));
    assert_close(&format!("{case} gradient"), &want, &flat(&g));
}

#[test]
fn table_criterions_match_pytorch() {
    let f = fixtures();
    let cases = annotated("# tablecrit ");
    assert!(cases.len() >= 14, "{} cases", cases.len());
    for (case, node, tin, ttg) in cases {
        let c = build_activity_criterion::<f64>(&node).expect("criterion");
        check(&f, &case, c.as_ref(), &tin, &ttg);
    }
}

#[test]
fn transformer_criterion_matches_pytorch() {
    let f = fixtures();
    let node = Node::new("TransformerCriterion")
        .ints("inputTransformer", &[1])
        .ints("targetTransformer", &[1])
        .child(Node::new("MSECriterion"))
        .child(Node::new("Tanh"))
        .child(Node::new("MulConstant").floats("scalar", &[2.0]));
    let c = build_activity_criterion::<f64>(&node).expect("criterion");
    check(&f, "transformer_mse", c.as_ref(), "t", "t");
}

/// CTC: the fixture's input is logits; the criterion takes their log-softmax, and its gradient
/// (with respect to the log-probabilities) is taken back through the log-softmax here.
#[test]
fn ctc_matches_pytorch() {
    let f = fixtures();
    let cases = annotated("# tablecrit-ctc ");
    assert_eq!(cases.len(), 2);
    for (case, node, _, _) in cases {
        let logits = get(&f, &format!("{case}/input1"));
        let classes = *logits.shape().last().expect("classes");
        let mut lp = logits.clone();
        let mut p = logits.clone();
        if let (Some(l), Some(p)) = (lp.as_slice_mut(), p.as_slice_mut()) {
            for (lrow, prow) in l.chunks_mut(classes).zip(p.chunks_mut(classes)) {
                let m = lrow.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let z = m + lrow.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
                lrow.iter_mut().for_each(|v| *v -= z);
                prow.iter_mut()
                    .zip(lrow.iter())
                    .for_each(|(p, l)| *p = l.exp());
            }
        }
        let c = ferrodl_core::spec::build_criterion::<f64>(&node).expect("CTC");
        let lifted = CriterionRef(c.as_ref());
        let (x, t) = (
            Activity::Tensor(lp.clone()),
            Activity::Tensor(get(&f, &format!("{case}/target1"))),
        );
        let loss = lifted.forward(&x, &t).expect("loss");
        assert_close(
            &format!("{case} loss"),
            &f[&format!("{case}/loss")].1,
            &[loss],
        );
        let g = flat(&lifted.backward(&x, &t).expect("gradient"));
        let probs = p.as_slice().expect("contiguous");
        let mut gx = Vec::with_capacity(g.len());
        for (grow, prow) in g.chunks(classes).zip(probs.chunks(classes)) {
            let s: f64 = grow.iter().sum();
            gx.extend(grow.iter().zip(prow).map(|(g, p)| g - p * s));
        }
        assert_close(
            &format!("{case} gradient"),
            &f[&format!("{case}/grad1")].1,
            &gx,
        );
    }
}
