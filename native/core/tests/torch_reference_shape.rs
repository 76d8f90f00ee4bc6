//! The layers of `nn::shape_layers`, built through the factory, against reference values from
//! PyTorch (fixtures/torch_reference_shape.txt, made by fixtures/gen_torch_reference_shape.py),
//! to 1e-10 in f64.

use ferrodl_core::module::Module;
use ferrodl_core::nn::shape_layers::L1Penalty;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use std::collections::HashMap;

const TOL: f64 = 1e-10;

struct Fixtures {
    records: HashMap<String, (Vec<usize>, Vec<f64>)>,
    /// (case, layer description) in file order.
    layers: Vec<(String, Node, bool)>,
}

fn attr(node: Node, key: &str, value: &str) -> Node {
    let (tag, v) = value.split_once(':').expect("typed attribute");
    match tag {
        "i" => {
            let ints: Vec<i64> = v.split(',').map(|s| s.parse().expect("int")).collect();
            node.ints(key, &ints)
        }
        "f" => node.floats(key, &[v.parse().expect("float")]),
        _ => node.string(key, v),
    }
}

fn fixtures() -> Fixtures {
    let text = include_str!("fixtures/torch_reference_shape.txt");
    let mut records = HashMap::new();
    let mut layers = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# layer ") {
            let mut words = rest.split(' ');
            let case = words.next().expect("case").to_string();
            let mut node = Node::new(words.next().expect("kind"));
            let mut eval = false;
            for kv in words.filter(|w| !w.is_empty()) {
                let (k, v) = kv.split_once('=').expect("key=value");
                if k == "@eval" {
                    eval = true;
                } else {
                    node = attr(node, k, v);
                }
            }
            layers.push((case, node, eval));
        } else if !line.starts_with('#') {
            let (head, values) = line.split_once(": ").expect("record");
            let (name, dims) = head.split_once(' ').expect("name and dims");
            let dims = dims.split(',').map(|d| d.parse().expect("dim")).collect();
            let values = values
                .split(' ')
                .map(|v| v.parse().expect("value"))
                .collect();
            records.insert(name.to_string(), (dims, values));
        }
    }
    Fixtures { records, layers }
}

impl Fixtures {
    fn get(&self, key: &str) -> Option<Tensor<f64>> {
        let (dims, values) = self.records.get(key)?;
        Some(from_vec(key, dims, values.clone()).expect("fixture shape"))
    }

    fn params(&self, case: &str, prefix: &str) -> Vec<f64> {
        (0..)
            .map_while(|i| self.records.get(&format!("{case}/{prefix}{i}")))
            .flat_map(|(_, v)| v.clone())
            .collect()
    }
}

fn assert_close(what: &str, want: &Tensor<f64>, got: &Tensor<f64>) {
    assert_eq!(want.shape(), got.shape(), "{what}: shape");
    for (i, (w, g)) in want.iter().zip(got.iter()).enumerate() {
        assert!(
            (w - g).abs() <= TOL * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

#[test]
fn shape_layers_match_pytorch() {
    let f = fixtures();
    assert!(f.layers.len() >= 30, "{} cases", f.layers.len());
    for (case, node, eval) in &f.layers {
        let mut m = build_module::<f64>(node).unwrap_or_else(|e| panic!("{case}: {e}"));
        if *eval {
            m.set_training(false);
        }
        let params = f.params(case, "param");
        assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
        let x = f.get(&format!("{case}/input")).expect("input");
        let y = m
            .forward(&params, &x)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_close(
            &format!("{case} output"),
            &f.get(&format!("{case}/output")).expect("y"),
            &y,
        );
        let gy = f.get(&format!("{case}/grad_output")).expect("gy");
        let mut gp = vec![0.0; params.len()];
        let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
        assert_close(
            &format!("{case} grad_input"),
            &f.get(&format!("{case}/grad_input")).expect("gx"),
            &gx,
        );
        let want_gp = f.params(case, "grad_param");
        let n = want_gp.len();
        assert_close(
            &format!("{case} grad_params"),
            &from_vec("w", &[n], want_gp).expect("w"),
            &from_vec("g", &[n], gp).expect("g"),
        );
    }
}

#[test]
fn l1_penalty_loss_matches_pytorch() {
    let f = fixtures();
    for (case, w, avg) in [("l1penalty", 2, false), ("l1penalty_avg", 3, true)] {
        let mut m = L1Penalty::new(w, avg, true);
        let x = f.get(&format!("{case}/input")).expect("input");
        Module::<f64>::forward(&mut m, &[], &x).expect("forward");
        let want = f.get(&format!("{case}/loss")).expect("loss")[[0]];
        assert!(
            (m.loss() - want).abs() <= TOL * want.abs().max(1.0),
            "{case}: {want} vs {}",
            m.loss()
        );
    }
}
