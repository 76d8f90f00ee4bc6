//! Tables, table operations, containers over tables and graphs: gradient checks in f64,
//! values worked out by hand, and errors for bad structures.

use ferrodl_core::activity::Activity;
use ferrodl_core::gradcheck::check_activity_module;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::tensor::{from_vec, Tensor};
use ferrodl_core::{ActivityModule, Model};

fn rand(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    from_vec(
        "test",
        shape,
        (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect(),
    )
    .expect("shape")
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

fn gradcheck(node: Node, input: Activity<f64>) {
    let mut m = block(&node);
    let p = params(m.as_ref(), 3);
    let g = check_activity_module(m.as_mut(), &p, &input, 11).expect("gradcheck runs");
    assert!(
        g.input_error < 1e-6 && g.param_error < 1e-6,
        "{}: {g:?}",
        node.kind
    );
}

#[test]
fn elementwise_table_ops_gradients() {
    for kind in [
        "CAddTable",
        "CMulTable",
        "CMaxTable",
        "CMinTable",
        "CAveTable",
    ] {
        gradcheck(
            Node::new(kind),
            table(vec![t(&[2, 3], 1), t(&[2, 3], 2), t(&[2, 3], 3)]),
        );
    }
    for kind in ["CSubTable", "CDivTable"] {
        let b = rand(&[2, 3], 5).mapv(|v| v + 2.0 * v.signum() + 0.5);
        gradcheck(
            Node::new(kind),
            table(vec![t(&[2, 3], 4), Activity::Tensor(b)]),
        );
    }
}

#[test]
fn elementwise_table_ops_values() {
    let a = from_vec("a", &[2], vec![1.0, -2.0]).expect("a");
    let b = from_vec("b", &[2], vec![3.0, 4.0]).expect("b");
    let x = table(vec![Activity::Tensor(a), Activity::Tensor(b)]);
    let run = |kind: &str| block(&Node::new(kind)).forward(&[], &x).expect("forward");
    let expect = |v: Vec<f64>| Activity::Tensor(from_vec("e", &[2], v).expect("e"));
    assert_eq!(run("CAddTable"), expect(vec![4.0, 2.0]));
    assert_eq!(run("CSubTable"), expect(vec![-2.0, -6.0]));
    assert_eq!(run("CMulTable"), expect(vec![3.0, -8.0]));
    assert_eq!(run("CDivTable"), expect(vec![1.0 / 3.0, -0.5]));
    assert_eq!(run("CMaxTable"), expect(vec![3.0, 4.0]));
    assert_eq!(run("CMinTable"), expect(vec![1.0, -2.0]));
    assert_eq!(run("CAveTable"), expect(vec![2.0, 1.0]));
}

#[test]
fn join_select_and_narrow() {
    let join = Node::new("JoinTable")
        .ints("dimension", &[1])
        .ints("nInputDims", &[2]);
    gradcheck(
        join.clone(),
        table(vec![t(&[2, 3, 2], 1), t(&[2, 1, 2], 2)]),
    );
    let y = block(&join)
        .forward(&[], &table(vec![t(&[2, 3, 2], 1), t(&[2, 1, 2], 2)]))
        .expect("join");
    assert_eq!(
        y.tensor("y").expect("tensor").shape(),
        &[2, 4, 2],
        "dimension 1 of each record, after the batch"
    );
    let y = block(&join)
        .forward(&[], &table(vec![t(&[3, 2], 1), t(&[1, 2], 2)]))
        .expect("join");
    assert_eq!(
        y.tensor("y").expect("tensor").shape(),
        &[4, 2],
        "no batch: dimension 1 is not shifted"
    );
    gradcheck(
        Node::new("SelectTable").ints("index", &[-1]),
        table(vec![t(&[2], 1), t(&[3], 2)]),
    );
    gradcheck(
        Node::new("NarrowTable")
            .ints("offset", &[2])
            .ints("length", &[2]),
        table(vec![t(&[2], 1), t(&[3], 2), t(&[1], 3)]),
    );
}

fn linear(i: i64, o: i64) -> Node {
    Node::new("Linear")
        .ints("inputSize", &[i])
        .ints("outputSize", &[o])
}

#[test]
fn containers_over_tables() {
    let concat_table = Node::new("Sequential")
        .child(
            Node::new("ConcatTable").child(linear(3, 2)).child(
                Node::new("Sequential")
                    .child(linear(3, 2))
                    .child(Node::new("Tanh")),
            ),
        )
        .child(Node::new("CAddTable"));
    gradcheck(concat_table, t(&[4, 3], 1));
    let parallel = Node::new("Sequential")
        .child(
            Node::new("ParallelTable")
                .child(linear(3, 2))
                .child(linear(5, 2)),
        )
        .child(
            Node::new("JoinTable")
                .ints("dimension", &[1])
                .ints("nInputDims", &[1]),
        );
    gradcheck(parallel, table(vec![t(&[4, 3], 1), t(&[4, 5], 2)]));
    let concat = Node::new("Concat")
        .ints("dimension", &[2])
        .child(linear(3, 2))
        .child(linear(3, 4));
    let mut m = block(&concat);
    let p = params(m.as_ref(), 1);
    let y = m.forward(&p, &t(&[5, 3], 1)).expect("concat");
    assert_eq!(y.tensor("y").expect("tensor").shape(), &[5, 6]);
    gradcheck(concat, t(&[5, 3], 1));
}

/// input -> Linear(3,4) -> {Tanh, ReLU... (Sigmoid)} -> CAddTable -> Linear(4,2); plus a second
/// output straight from the first Linear: fan-out at node 2, two outputs.
fn diamond() -> Node {
    Node::new("Graph")
        .child(Node::new("Input"))
        .child(linear(3, 4))
        .child(Node::new("Tanh"))
        .child(Node::new("Sigmoid"))
        .child(Node::new("CAddTable"))
        .child(linear(4, 2))
        .ints("preds", &[0, 1, 0, 1, 1, 1, 1, 2, 2, 3, 1, 4])
        .ints("inputs", &[0])
        .ints("outputs", &[5, 1])
}

#[test]
fn graphs_fan_out_and_merge() {
    gradcheck(diamond(), t(&[2, 3], 7));
    // Two inputs, one output.
    let two = Node::new("Graph")
        .child(Node::new("Input"))
        .child(Node::new("Input"))
        .child(linear(3, 2))
        .child(Node::new("CMulTable"))
        .ints("preds", &[0, 0, 1, 0, 2, 2, 1])
        .ints("inputs", &[0, 1])
        .ints("outputs", &[3]);
    gradcheck(two, table(vec![t(&[2, 3], 1), t(&[2, 2], 2)]));
}

#[test]
fn graph_values_match_the_same_network_written_out() {
    let mut g = block(&diamond());
    let p = params(g.as_ref(), 5);
    let x = rand(&[2, 3], 9);
    let y = g
        .forward(&p, &Activity::Tensor(x.clone()))
        .expect("forward");
    let out = y.table("graph").expect("two outputs");
    // By hand: h = x W1ᵀ + b1; z = (tanh h + sigmoid h) W2ᵀ + b2 (weights then bias per Linear).
    let (w1, b1) = (&p[0..12], &p[12..16]);
    let (w2, b2) = (&p[16..24], &p[24..26]);
    for r in 0..2 {
        let h: Vec<f64> = (0..4)
            .map(|j| (0..3).map(|k| x[[r, k]] * w1[j * 3 + k]).sum::<f64>() + b1[j])
            .collect();
        let a: Vec<f64> = h
            .iter()
            .map(|v| v.tanh() + 1.0 / (1.0 + (-v).exp()))
            .collect();
        for o in 0..2 {
            let z = (0..4).map(|j| a[j] * w2[o * 4 + j]).sum::<f64>() + b2[o];
            let got = out[0].tensor("z").expect("z")[[r, o]];
            assert!((z - got).abs() < 1e-12, "output ({r},{o}): {got} vs {z}");
        }
        for (j, hj) in h.iter().enumerate() {
            assert!((out[1].tensor("h").expect("h")[[r, j]] - hj).abs() < 1e-12);
        }
    }
}

#[test]
fn frozen_nodes_get_no_gradient_and_stopped_nodes_pass_none_back() {
    let frozen = diamond().ints("frozen", &[1]);
    let mut m = Model::from_block(build_block::<f64>(&frozen).expect("build"), 1).expect("model");
    m.forward_activity(t(&[2, 3], 1)).expect("forward");
    m.backward_activity(&table(vec![t(&[2, 2], 2), t(&[2, 4], 3)]))
        .expect("backward");
    assert!(
        m.grads()[0..16].iter().all(|g| *g == 0.0),
        "the frozen Linear(3,4)"
    );
    assert!(m.grads()[16..].iter().any(|g| *g != 0.0));
    let stopped = diamond().ints("stopGradient", &[1]);
    let mut m = Model::from_block(build_block::<f64>(&stopped).expect("build"), 1).expect("model");
    m.forward_activity(t(&[2, 3], 1)).expect("forward");
    let gx = m
        .backward_activity(&table(vec![t(&[2, 2], 2), t(&[2, 4], 3)]))
        .expect("backward");
    assert!(gx.tensor("gx").expect("tensor").iter().all(|g| *g == 0.0));
}

#[test]
fn bad_graphs_and_tables_are_clear_errors() {
    let err = |node: Node| {
        build_block::<f32>(&node)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let not_sorted = Node::new("Graph")
        .child(Node::new("Input"))
        .child(linear(3, 3))
        .child(linear(3, 3))
        .ints("preds", &[0, 1, 2, 1, 1])
        .ints("inputs", &[0])
        .ints("outputs", &[2]);
    assert!(err(not_sorted).contains("does not come before"));
    let dangling = Node::new("Graph")
        .child(Node::new("Input"))
        .child(Node::new("Input"))
        .child(Node::new("CAddTable"))
        .ints("preds", &[0, 0, 2, 0, 1])
        .ints("inputs", &[0])
        .ints("outputs", &[2]);
    assert!(err(dangling).contains("dangling"));
    let truncated = diamond().ints("preds", &[0, 1, 0]);
    assert!(err(truncated).contains("truncated"));
    let mut add = block(&Node::new("CAddTable"));
    let e = add
        .forward(&[], &table(vec![t(&[2, 3], 1), t(&[3, 2], 2)]))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("CAddTable") && e.contains("[3, 2]"), "{e}");
    let mut lin = block(&linear(3, 2));
    let p = params(lin.as_ref(), 1);
    let e = lin
        .forward(&p, &table(vec![t(&[2, 3], 1)]))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("expects a tensor"), "{e}");
}

#[test]
fn hostile_layouts_never_panic() {
    let data = vec![0.0f32; 8];
    for layout in [
        vec![],
        vec![0],
        vec![0, 2, 2],
        vec![0, 1, -3],
        vec![0, 1, 9],
        vec![1, 5, 0, 1, 1],
        vec![1, i32::MAX],
        vec![7, 1],
        vec![0, 17],
        vec![0, 2, 65536, 65536],
    ] {
        assert!(
            Activity::<f32>::decode(&layout, &data).is_err(),
            "{layout:?}"
        );
    }
    let mut deep = [1, 1].repeat(100);
    deep.extend([0, 1, 8]);
    assert!(Activity::<f32>::decode(&deep, &data).is_err(), "too deep");
    let ok = Activity::<f32>::decode(&[1, 2, 0, 1, 3, 0, 2, 1, 5], &data).expect("valid");
    assert_eq!(ok.describe(), "{[3], [1, 5]}");
}

#[test]
fn index_selects_and_adds_gradients_back() {
    let x = from_vec("x", &[2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).expect("x");
    let idx = from_vec("i", &[3], vec![3.0, 1.0, 3.0]).expect("i");
    let input = table(vec![Activity::Tensor(x), Activity::Tensor(idx)]);
    let mut m = block(&Node::new("Index").ints("dimension", &[2]));
    let y = m.forward(&[], &input).expect("forward");
    let expect = from_vec("y", &[2, 3], vec![3.0, 1.0, 3.0, 6.0, 4.0, 6.0]).expect("y");
    assert_eq!(y, Activity::Tensor(expect));
    let g = from_vec("g", &[2, 3], vec![1.0, 10.0, 100.0, 2.0, 20.0, 200.0]).expect("g");
    let gx = m
        .backward(&[], &mut [], &input, &y, &Activity::Tensor(g))
        .expect("backward");
    let parts = gx.table("gx").expect("table");
    let want = from_vec("w", &[2, 3], vec![10.0, 0.0, 101.0, 20.0, 0.0, 202.0]).expect("w");
    assert_eq!(
        parts[0],
        Activity::Tensor(want),
        "repeated positions add up"
    );
    assert_eq!(parts[1].tensor("i").expect("i").iter().sum::<f64>(), 0.0);
    let bad = table(vec![
        t(&[2, 3], 1),
        Activity::Tensor(from_vec("i", &[1], vec![4.0]).expect("i")),
    ]);
    let e = m
        .forward(&[], &bad)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("Index") && e.contains("not in 1..3"), "{e}");
}
