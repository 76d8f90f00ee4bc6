//! SReLU's four parameter tensors take their own initialisation methods (BigDL's
//! `setInitMethod(Array(tLeftInit, aLeftInit, tRightInit, aRightInit))`), with BigDL's defaults.

use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::Module;

fn srelu() -> Node {
    Node::new("SReLU").ints("shape", &[2, 3])
}

fn with(node: Node, key: &str, value: f64) -> Node {
    node.string(key, "ConstInitMethod")
        .floats(&format!("{key}Args"), &[value])
}

/// The four tensors after initialisation with seed 5.
fn init(node: &Node) -> Vec<Vec<f64>> {
    let m: Box<dyn Module<f64>> = build_module(node).expect("builds");
    let mut p = vec![f64::NAN; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(5));
    p.chunks(6).map(|c| c.to_vec()).collect()
}

#[test]
fn each_tensor_is_initialised_by_its_own_method() {
    let node = [
        ("tLeftInit", 0.25),
        ("aLeftInit", 0.5),
        ("tRightInit", -2.0),
        ("aRightInit", 1.5),
    ]
    .iter()
    .fold(srelu(), |n, (k, v)| with(n, k, *v));
    let t = init(&node);
    assert_eq!(t[0], vec![0.25; 6], "tLeft");
    assert_eq!(t[1], vec![0.5; 6], "aLeft");
    // tRight is kept right of tLeft: |tRight| + tLeft.
    assert_eq!(t[2], vec![2.25; 6], "tRight");
    assert_eq!(t[3], vec![1.5; 6], "aRight");
}

#[test]
fn unset_methods_keep_bigdls_defaults() {
    let plain = init(&srelu());
    assert_eq!(plain[0], vec![0.0; 6], "tLeft: Zeros");
    assert_eq!(plain[3], vec![1.0; 6], "aRight: Ones");
    let xavier = (6.0f64 / (3.0 + 2.0)).sqrt();
    assert!(plain[1].iter().all(|v| v.abs() <= xavier), "aLeft: Xavier");
    assert!(
        plain[1].iter().any(|v| *v != plain[1][0]),
        "aLeft is random"
    );
    assert!(
        plain[2].iter().all(|v| *v >= 0.0 && *v <= xavier),
        "tRight: |Xavier| + 0"
    );
    // Setting only aRight leaves the others (and their random draws) as they were.
    let some = init(&with(srelu(), "aRightInit", -0.75));
    assert_eq!(&some[..3], &plain[..3]);
    assert_eq!(some[3], vec![-0.75; 6]);
}

#[test]
fn an_unknown_method_is_refused() {
    let node = srelu().string("aLeftInit", "NoSuchInit");
    let e = build_module::<f64>(&node)
        .err()
        .expect("refused")
        .to_string();
    assert!(e.contains("NoSuchInit"), "{e}");
}
