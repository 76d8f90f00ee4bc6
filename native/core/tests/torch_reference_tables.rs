//! Table operations against PyTorch (fixtures/torch_reference.txt, the `# table` records made
//! by `gen_torch_reference.py --tables`): outputs, input gradients and parameter gradients
//! for a fixed upstream gradient, in f64, to 1e-10.

use ferrodl_core::activity::Activity;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use ferrodl_core::ActivityModule;
use std::collections::HashMap;

type Fixtures = HashMap<String, (Vec<usize>, Vec<f64>)>;

const TEXT: &str = include_str!("fixtures/torch_reference.txt");

fn fixtures() -> Fixtures {
    TEXT.lines()
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

fn tensor(f: &Fixtures, key: &str) -> Option<Tensor<f64>> {
    f.get(key)
        .map(|(dims, values)| from_vec(key, dims, values.clone()).expect("fixture shape"))
}

/// The activity recorded under `key`: a tensor, or a table of `key.0`, `key.1`, ... (nested).
fn activity(f: &Fixtures, key: &str) -> Option<Activity<f64>> {
    if let Some(t) = tensor(f, key) {
        return Some(Activity::Tensor(t));
    }
    let prefix = format!("{key}.");
    if !f.keys().any(|k| k.starts_with(&prefix)) {
        return None;
    }
    let items: Vec<Activity<f64>> = (0..)
        .map_while(|i| activity(f, &format!("{key}.{i}")))
        .collect();
    (!items.is_empty()).then_some(Activity::Table(items))
}

fn get(f: &Fixtures, key: &str) -> Activity<f64> {
    activity(f, key).unwrap_or_else(|| panic!("fixture {key} missing"))
}

/// Same structure and shapes, values within 1e-10 (relative beyond 1).
fn assert_close(what: &str, want: &Activity<f64>, got: &Activity<f64>) {
    let flat = |a: &Activity<f64>| {
        let (mut l, mut d) = (Vec::new(), Vec::new());
        a.encode(&mut l, &mut d);
        (l, d)
    };
    let ((wl, wd), (gl, gd)) = (flat(want), flat(got));
    assert_eq!(
        wl,
        gl,
        "{what}: structure {} vs {}",
        want.describe(),
        got.describe()
    );
    for (i, (w, g)) in wd.iter().zip(&gd).enumerate() {
        assert!(
            (w - g).abs() <= 1e-10 * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

fn check(f: &Fixtures, case: &str, m: &mut dyn ActivityModule<f64>) {
    let params: Vec<f64> = (0..)
        .map_while(|i| f.get(&format!("{case}/param{i}")))
        .flat_map(|(_, v)| v.clone())
        .collect();
    assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
    let x = get(f, &format!("{case}/input"));
    let y = m.forward(&params, &x).expect("forward");
    assert_close(
        &format!("{case} output"),
        &get(f, &format!("{case}/output")),
        &y,
    );
    let gy = get(f, &format!("{case}/grad_output"));
    let mut gp = vec![0.0; params.len()];
    let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    assert_close(
        &format!("{case} grad_input"),
        &get(f, &format!("{case}/grad_input")),
        &gx,
    );
    let want_gp: Vec<f64> = (0..)
        .map_while(|i| f.get(&format!("{case}/grad_param{i}")))
        .flat_map(|(_, v)| v.clone())
        .collect();
    let gp_table = |v: Vec<f64>| {
        let n = v.len();
        Activity::Tensor(from_vec("gp", &[n], v).expect("gp"))
    };
    assert_close(
        &format!("{case} grad_params"),
        &gp_table(want_gp),
        &gp_table(gp),
    );
}

/// The `# table CASE NAME k=v ...` annotations: case names and descriptions (integers).
fn annotated() -> Vec<(String, Node)> {
    TEXT.lines()
        .filter_map(|l| l.strip_prefix("# table "))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let case = parts.next().expect("case").to_string();
            let kind = parts.next().expect("name");
            let node = parts.fold(Node::new(kind), |n, kv| {
                let (k, v) = kv.split_once('=').expect("k=v");
                n.ints(k, &[v.parse().expect("integer")])
            });
            (case, node)
        })
        .collect()
}

#[test]
fn table_operations_match_pytorch() {
    let f = fixtures();
    let cases = annotated();
    assert!(cases.len() >= 43, "{} table cases", cases.len());
    for kind in [
        "CAddTable",
        "CSubTable",
        "CMulTable",
        "CDivTable",
        "CMaxTable",
        "CMinTable",
        "CAveTable",
        "JoinTable",
        "SelectTable",
        "NarrowTable",
        "SplitTable",
        "FlattenTable",
        "Pack",
        "MM",
        "MV",
        "DotProduct",
        "PairwiseDistance",
        "CosineDistance",
    ] {
        assert!(
            cases.iter().any(|(_, n)| n.kind == kind),
            "no case for {kind}"
        );
    }
    for (case, node) in &cases {
        let mut m = build_block::<f64>(node).expect("table op");
        check(&f, case, m.as_mut());
    }
}

fn linear(i: i64, o: i64) -> Node {
    Node::new("Linear")
        .ints("inputSize", &[i])
        .ints("outputSize", &[o])
}

#[test]
fn map_table_and_bottle_match_pytorch() {
    let f = fixtures();
    let cases = [
        ("tbl_map_linear", Node::new("MapTable").child(linear(3, 2))),
        ("tbl_bottle_linear", Node::new("Bottle").child(linear(4, 3))),
        (
            "tbl_bottle_linear_4d",
            Node::new("Bottle").child(linear(4, 3)),
        ),
        (
            "tbl_bottle_sum",
            Node::new("Bottle")
                .ints("nInputDim", &[2])
                .ints("nOutputDim1", &[1])
                .child(Node::new("Sum").ints("dimension", &[2])),
        ),
    ];
    for (case, node) in cases {
        let mut m = build_block::<f64>(&node).expect("container");
        check(&f, case, m.as_mut());
    }
}
