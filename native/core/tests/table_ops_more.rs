//! SplitTable, FlattenTable, Pack, MM, MV, DotProduct, PairwiseDistance, CosineDistance,
//! MapTable and Bottle: f64 gradient checks, values worked out by hand, and errors (never
//! panics) for hostile tables.

use ferrodl_core::activity::Activity;
use ferrodl_core::gradcheck::check_activity_module;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use ferrodl_core::ActivityModule;

fn rand(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    let data = (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect();
    from_vec("test", shape, data).expect("shape")
}

fn t(shape: &[usize], seed: u64) -> Activity<f64> {
    Activity::Tensor(rand(shape, seed))
}

fn table(items: Vec<Activity<f64>>) -> Activity<f64> {
    Activity::Table(items)
}

fn block(node: &Node) -> Box<dyn ActivityModule<f64>> {
    build_block::<f64>(node).expect("build")
}

fn params(m: &dyn ActivityModule<f64>, seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(seed));
    p
}

fn gradcheck(node: &Node, input: Activity<f64>) {
    let mut m = block(node);
    let p = params(m.as_ref(), 3);
    let g = check_activity_module(m.as_mut(), &p, &input, 11).expect("gradcheck runs");
    assert!(
        g.input_error < 1e-6 && g.param_error < 1e-6,
        "{} on {}: {g:?}",
        m.describe(),
        input.describe()
    );
}

fn node(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |n, (k, v)| n.ints(k, &[*v]))
}

fn linear(i: i64, o: i64) -> Node {
    node("Linear", &[("inputSize", i), ("outputSize", o)])
}

#[test]
fn split_flatten_and_pack_gradients() {
    let split = |d, n| node("SplitTable", &[("dimension", d), ("nInputDims", n)]);
    gradcheck(&split(2, -1), t(&[2, 3, 4], 1));
    gradcheck(&split(1, 2), t(&[2, 3, 4], 2));
    gradcheck(&split(-1, -1), t(&[2, 3, 4], 3));
    let nested = table(vec![
        t(&[2], 1),
        table(vec![t(&[3], 2), table(vec![t(&[1, 2], 3), t(&[2], 4)])]),
        table(vec![]),
        t(&[2, 2], 5),
    ]);
    gradcheck(&Node::new("FlattenTable"), nested);
    for d in [1, 2, 3, -1] {
        let xs = table(vec![t(&[2, 3], 1), t(&[2, 3], 2), t(&[2, 3], 3)]);
        gradcheck(&node("Pack", &[("dimension", d)]), xs);
    }
}

#[test]
fn split_pack_and_flatten_values() {
    let x = from_vec("x", &[2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).expect("x");
    let mut split = block(&node("SplitTable", &[("dimension", 2)]));
    let parts = split
        .forward(&[], &Activity::Tensor(x.clone()))
        .expect("split");
    let cols: Vec<Vec<f64>> = parts
        .table("t")
        .expect("table")
        .iter()
        .map(|p| p.tensor("p").expect("tensor").iter().copied().collect())
        .collect();
    assert_eq!(cols, vec![vec![1.0, 4.0], vec![2.0, 5.0], vec![3.0, 6.0]]);
    // With a batch beyond nInputDims = 1, dimension 1 is the record's first: the same columns.
    let mut batched = block(&node("SplitTable", &[("dimension", 1), ("nInputDims", 1)]));
    assert_eq!(
        batched
            .forward(&[], &Activity::Tensor(x.clone()))
            .expect("split"),
        parts
    );
    let mut pack = block(&node("Pack", &[("dimension", 2)]));
    assert_eq!(
        pack.forward(&[], &parts).expect("pack"),
        Activity::Tensor(x.clone())
    );
    // BigDL's -1 is the input's last dimension: two [2] vectors give [2, 2] stacked at 2.
    let mut last = block(&node("Pack", &[("dimension", -1)]));
    let y = last
        .forward(&[], &table(vec![t(&[3, 2], 1), t(&[3, 2], 2)]))
        .expect("pack");
    assert_eq!(y.tensor("y").expect("tensor").shape(), &[3, 2, 2]);
    let mut flat = block(&Node::new("FlattenTable"));
    let nested = table(vec![
        t(&[1], 1),
        table(vec![t(&[2], 2), table(vec![t(&[3], 3)])]),
    ]);
    assert_eq!(
        flat.forward(&[], &nested).expect("flatten").describe(),
        "{[1], [2], [3]}"
    );
}

#[test]
fn matrix_products_gradients_and_values() {
    for (ta, tb) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        let mm = node("MM", &[("transA", ta), ("transB", tb)]);
        let a = if ta == 1 { [4, 3] } else { [3, 4] };
        let b = if tb == 1 { [2, 4] } else { [4, 2] };
        gradcheck(&mm, table(vec![t(&a, 1), t(&b, 2)]));
        let batched = |s: [usize; 2]| [2, s[0], s[1]];
        gradcheck(&mm, table(vec![t(&batched(a), 3), t(&batched(b), 4)]));
    }
    for trans in [0, 1] {
        let mv = node("MV", &[("trans", trans)]);
        let m = if trans == 1 { [4, 3] } else { [3, 4] };
        gradcheck(&mv, table(vec![t(&m, 1), t(&[4], 2)]));
        gradcheck(&mv, table(vec![t(&[2, m[0], m[1]], 3), t(&[2, 4], 4)]));
    }
    let a = from_vec("a", &[2, 2], vec![1.0, 2.0, 3.0, 4.0]).expect("a");
    let b = from_vec("b", &[2, 2], vec![5.0, 6.0, 7.0, 8.0]).expect("b");
    let ab = table(vec![Activity::Tensor(a.clone()), Activity::Tensor(b)]);
    let run = |n: Node, x: &Activity<f64>| -> Vec<f64> {
        let y = block(&n).forward(&[], x).expect("forward");
        y.tensor("y").expect("tensor").iter().copied().collect()
    };
    assert_eq!(run(Node::new("MM"), &ab), vec![19.0, 22.0, 43.0, 50.0]);
    assert_eq!(
        run(node("MM", &[("transA", 1)]), &ab),
        vec![26.0, 30.0, 38.0, 44.0]
    );
    assert_eq!(
        run(node("MM", &[("transB", 1)]), &ab),
        vec![17.0, 23.0, 39.0, 53.0]
    );
    let v = Activity::Tensor(from_vec("v", &[2], vec![1.0, -1.0]).expect("v"));
    let av = table(vec![Activity::Tensor(a), v]);
    assert_eq!(run(Node::new("MV"), &av), vec![-1.0, -1.0]);
    assert_eq!(run(node("MV", &[("trans", 1)]), &av), vec![-2.0, -2.0]);
}

#[test]
fn row_measures_gradients_and_values() {
    let pair = |shape: &[usize]| table(vec![t(shape, 1), t(shape, 2)]);
    for kind in ["DotProduct", "CosineDistance"] {
        gradcheck(&Node::new(kind), pair(&[5]));
        gradcheck(&Node::new(kind), pair(&[3, 5]));
    }
    for norm in [1, 2, 3, 4] {
        let pd = node("PairwiseDistance", &[("norm", norm)]);
        gradcheck(&pd, pair(&[3, 5]));
        gradcheck(&pd, pair(&[5]));
    }
    let a = Activity::Tensor(from_vec("a", &[2, 2], vec![3.0, 4.0, 1.0, 0.0]).expect("a"));
    let b = Activity::Tensor(Tensor::zeros(vec![2, 2]));
    let ab = table(vec![a.clone(), b]);
    let run = |n: Node, x: &Activity<f64>| -> Vec<f64> {
        let y = block(&n).forward(&[], x).expect("forward");
        y.tensor("y").expect("tensor").iter().copied().collect()
    };
    assert_eq!(run(Node::new("PairwiseDistance"), &ab), vec![5.0, 1.0]);
    assert_eq!(
        run(node("PairwiseDistance", &[("norm", 1)]), &ab),
        vec![7.0, 1.0]
    );
    assert_eq!(
        run(Node::new("DotProduct"), &table(vec![a.clone(), a.clone()])),
        vec![25.0, 1.0]
    );
    let cos = run(Node::new("CosineDistance"), &table(vec![a.clone(), a]));
    assert!(cos.iter().all(|c| (c - 1.0).abs() < 1e-10), "{cos:?}");
    // A zero distance has a zero gradient, not NaN.
    let mut pd = block(&Node::new("PairwiseDistance"));
    let same = table(vec![t(&[2, 3], 1), t(&[2, 3], 1)]);
    let y = pd.forward(&[], &same).expect("forward");
    let g = pd
        .backward(&[], &mut [], &same, &y, &t(&[2], 3))
        .expect("backward");
    let (mut layout, mut data) = (Vec::new(), Vec::new());
    g.encode(&mut layout, &mut data);
    assert!(data.iter().all(|v| *v == 0.0));
}

#[test]
fn map_table_shares_one_set_of_parameters() {
    let map = Node::new("MapTable").child(linear(3, 2));
    let m = block(&map);
    assert_eq!(
        m.num_params(),
        8,
        "one Linear(3, 2), however long the table"
    );
    let xs = table(vec![t(&[4, 3], 1), t(&[4, 3], 2), t(&[4, 3], 3)]);
    gradcheck(&map, xs.clone());
    let deeper = Node::new("MapTable").child(
        Node::new("Sequential")
            .child(linear(3, 2))
            .child(Node::new("Tanh")),
    );
    gradcheck(&deeper, xs);
    // A child over tables: CAddTable of each pair.
    let pairs = table(vec![
        table(vec![t(&[2], 1), t(&[2], 2)]),
        table(vec![t(&[2], 3), t(&[2], 4)]),
    ]);
    gradcheck(&Node::new("MapTable").child(Node::new("CAddTable")), pairs);
    // Copies are built on demand: a longer table after a shorter one.
    let mut m = block(&map);
    let p = params(m.as_ref(), 1);
    for n in [1, 4, 2] {
        let xs = table((0..n).map(|i| t(&[2, 3], i)).collect());
        let y = m.forward(&p, &xs).expect("forward");
        assert_eq!(y.table("y").expect("table").len(), n as usize);
    }
}

#[test]
fn map_table_and_bottle_compute_the_same_time_distributed_linear() {
    // [batch 2, time 3, features 4] -> Linear(4, 5) at every step, two ways.
    let via_map = Node::new("Sequential")
        .child(node("SplitTable", &[("dimension", 2)]))
        .child(Node::new("MapTable").child(linear(4, 5)))
        .child(node("Pack", &[("dimension", 2)]));
    let via_bottle = Node::new("Bottle")
        .ints("nInputDim", &[2])
        .child(linear(4, 5));
    let x = t(&[2, 3, 4], 7);
    let (mut a, mut b) = (block(&via_map), block(&via_bottle));
    let p = params(a.as_ref(), 5);
    assert_eq!(p.len(), b.num_params());
    let (ya, yb) = (
        a.forward(&p, &x).expect("map"),
        b.forward(&p, &x).expect("bottle"),
    );
    assert_eq!(ya.tensor("ya").expect("tensor").shape(), &[2, 3, 5]);
    let (ya, yb) = (ya.tensor("a").expect("a"), yb.tensor("b").expect("b"));
    assert!(ya.iter().zip(yb.iter()).all(|(u, v)| (u - v).abs() < 1e-12));
    gradcheck(&via_map, x.clone());
    gradcheck(&via_bottle, x.clone());
    // No fusing below nInputDim + 1 dimensions; another output rank through nOutputDim1.
    gradcheck(&via_bottle, t(&[3, 4], 1));
    let sum = Node::new("Bottle")
        .ints("nInputDim", &[2])
        .ints("nOutputDim1", &[1])
        .child(node("Sum", &[("dimension", 2)]));
    let mut s = block(&sum);
    let y = s.forward(&[], &t(&[2, 3, 4], 1)).expect("bottle");
    assert_eq!(y.tensor("y").expect("tensor").shape(), &[2, 3]);
    gradcheck(&sum, t(&[2, 3, 4], 1));
}

fn error_of(m: &mut dyn ActivityModule<f64>, p: &[f64], x: &Activity<f64>) -> Option<String> {
    m.forward(p, x).err().map(|e| e.to_string())
}

#[test]
fn hostile_tables_are_errors_naming_the_op() {
    // Each op, and the hostile inputs (indices below) it must refuse.
    let pairs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let ops = [
        (
            "SplitTable",
            node("SplitTable", &[("dimension", 3)]),
            &[0, 1, 2, 3, 4][..],
        ),
        ("FlattenTable", Node::new("FlattenTable"), &[0, 1, 2][..]),
        (
            "Pack",
            node("Pack", &[("dimension", 4)]),
            &[0, 1, 2, 3, 4, 5, 7][..],
        ),
        ("MM", Node::new("MM"), &[0, 1, 2, 3, 4, 6, 7, 8][..]),
        ("MV", Node::new("MV"), &pairs[..]),
        ("DotProduct", Node::new("DotProduct"), &pairs[..]),
        (
            "PairwiseDistance",
            Node::new("PairwiseDistance"),
            &pairs[..],
        ),
        ("CosineDistance", Node::new("CosineDistance"), &pairs[..]),
        (
            "MapTable",
            Node::new("MapTable").child(linear(3, 2)),
            &[0, 1, 2, 5, 7][..],
        ),
        (
            "Bottle",
            Node::new("Bottle").child(linear(3, 2)),
            &[1, 3, 4, 5][..],
        ),
    ];
    let hostile = [
        t(&[2, 3], 1),
        t(&[], 1),
        t(&[0, 3], 1),
        table(vec![]),
        table(vec![t(&[2, 3], 1)]),
        table(vec![t(&[2, 3], 1), t(&[3, 2], 2)]),
        table(vec![t(&[2, 3], 1), t(&[2, 3], 2), t(&[2, 3], 3)]),
        table(vec![t(&[2, 3], 1), table(vec![t(&[2, 3], 2)])]),
        table(vec![t(&[2, 3, 4, 5], 1), t(&[2, 3, 4, 5], 2)]),
        table(vec![t(&[2, 0], 1), t(&[0, 3], 2)]),
        table(vec![t(&[0, 2, 0], 1), t(&[0, 0, 3], 2)]),
    ];
    for (name, n, must_fail) in &ops {
        let mut m = block(n);
        let p = params(m.as_ref(), 1);
        for (i, x) in hostile.iter().enumerate() {
            // Whatever the input, a result or an error; an error names the op (or, for the
            // containers, the child that refused its element).
            match error_of(m.as_mut(), &p, x) {
                Some(e) => {
                    let named = e.contains(name) || e.contains("Linear");
                    assert!(named, "{name} on {}: {e}", x.describe());
                }
                None => {
                    assert!(!must_fail.contains(&i), "{name} accepted {}", x.describe());
                    // Backward with gradients of the wrong structure must fail cleanly too.
                    let y = m.forward(&p, x).expect("forward again");
                    let mut gp = vec![0.0; p.len()];
                    for g in [
                        t(&[7], 9),
                        table(vec![]),
                        table(vec![t(&[7], 9), t(&[1], 9)]),
                    ] {
                        if g.describe() != y.describe() {
                            let r = m.backward(&p, &mut gp, x, &y, &g);
                            let e = r.err().map(|e| e.to_string()).unwrap_or_default();
                            assert!(
                                e.contains(name) || e.contains("Linear"),
                                "{name}: gradient {} for output {}: {e:?}",
                                g.describe(),
                                y.describe()
                            );
                        }
                    }
                }
            }
        }
    }
    let bad = |n: Node| {
        build_block::<f64>(&n)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(bad(node("SplitTable", &[("dimension", 0)])).contains("SplitTable"));
    assert!(bad(node("Pack", &[("dimension", 0)])).contains("Pack"));
    assert!(bad(node("PairwiseDistance", &[("norm", 0)])).contains("PairwiseDistance"));
    assert!(bad(Node::new("MapTable")).contains("MapTable"));
    assert!(bad(Node::new("Bottle").child(linear(3, 2)).child(linear(2, 1))).contains("Bottle"));
    assert!(bad(Node::new("Bottle")
        .ints("nInputDim", &[0])
        .child(linear(3, 2)))
    .contains("Bottle"));
    assert!(bad(Node::new("MM").child(linear(3, 2))).contains("MM"));
}
