//! Finite-difference gradient checks, in f64, for the criterions over tables (every tensor of the
//! input table perturbed), CTCCriterion and SoftmaxWithCriterion.

use ferrodl_core::activity::Activity;
use ferrodl_core::criterion::{ActivityCriterion, CriterionRef};
use ferrodl_core::gradcheck::check_criterion;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_activity_criterion, build_criterion, Node};
use ferrodl_core::tensor::{from_vec, Tensor};

const TOL: f64 = 1e-6;

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    from_vec(
        "test",
        shape,
        (0..n).map(|_| rng.uniform(-2.0, 2.0)).collect(),
    )
    .expect("shape")
}

fn t(shape: &[usize], v: &[f64]) -> Activity<f64> {
    Activity::Tensor(from_vec("test", shape, v.to_vec()).expect("shape"))
}

fn r(shape: &[usize], seed: u64) -> Activity<f64> {
    Activity::Tensor(random(shape, seed))
}

fn pair(shape: &[usize], seed: u64) -> Activity<f64> {
    Activity::Table(vec![r(shape, seed), r(shape, seed + 100)])
}

/// Largest relative error between `backward` and central differences of `forward`, every
/// element of every tensor of the input perturbed through the activity's flat encoding.
fn check_activity_criterion(
    c: &dyn ActivityCriterion<f64>,
    input: &Activity<f64>,
    target: &Activity<f64>,
) -> f64 {
    let eps = 1e-6;
    let g = c.backward(input, target).expect("backward");
    let (mut layout, mut x) = (Vec::new(), Vec::new());
    input.encode(&mut layout, &mut x);
    let (mut glayout, mut gx) = (Vec::new(), Vec::new());
    g.encode(&mut glayout, &mut gx);
    assert_eq!(layout, glayout, "gradient structure");
    let f = |x: &[f64]| {
        c.forward(&Activity::decode(&layout, x).expect("decode"), target)
            .expect("forward")
    };
    let mut worst: f64 = 0.0;
    for i in 0..x.len() {
        let orig = x[i];
        x[i] = orig + eps;
        let lp = f(&x);
        x[i] = orig - eps;
        let lm = f(&x);
        x[i] = orig;
        let n = (lp - lm) / (2.0 * eps);
        worst = worst.max((gx[i] - n).abs() / 1f64.max(gx[i].abs()).max(n.abs()));
    }
    worst
}

fn assert_grad(node: &Node, input: &Activity<f64>, target: &Activity<f64>) {
    let c = build_activity_criterion::<f64>(node).expect("criterion");
    let err = check_activity_criterion(c.as_ref(), input, target);
    assert!(err < TOL, "{}: {err}", c.describe());
}

#[test]
fn pair_criterions() {
    let y = t(&[5], &[1.0, -1.0, -1.0, 1.0, -1.0]);
    for avg in [1, 0] {
        for margin in [1.0, 0.3] {
            let n = Node::new("MarginRankingCriterion")
                .floats("margin", &[margin])
                .ints("sizeAverage", &[avg]);
            assert_grad(&n, &pair(&[5], 1), &y);
            assert_grad(&n, &pair(&[5], 1), &Activity::Table(vec![y.clone()]));
            let n = Node::new("CosineEmbeddingCriterion")
                .floats("margin", &[margin - 0.8])
                .ints("sizeAverage", &[avg]);
            assert_grad(&n, &pair(&[5, 4], 2), &y);
            assert_grad(&n, &pair(&[4], 3), &t(&[1], &[-1.0]));
        }
    }
    for margin in [1.0, 9.0] {
        let n = Node::new("L1HingeEmbeddingCriterion").floats("margin", &[margin]);
        assert_grad(&n, &pair(&[5, 3], 4), &y);
        assert_grad(&n, &pair(&[3], 5), &t(&[1], &[-1.0]));
        assert_grad(&n, &pair(&[3], 5), &t(&[1], &[1.0]));
    }
}

#[test]
fn gaussian_and_kld() {
    let target = r(&[3, 4], 7);
    assert_grad(&Node::new("GaussianCriterion"), &pair(&[3, 4], 8), &target);
    for avg in [1, 0] {
        let n = Node::new("KLDCriterion").ints("sizeAverage", &[avg]);
        assert_grad(&n, &pair(&[3, 4], 9), &target);
        assert_grad(&n, &pair(&[4], 10), &target);
    }
    // As BigDL's mean.size(1): a 1-d input of n values is averaged over n.
    let x = pair(&[4], 10);
    let kld = |avg: i64| {
        build_activity_criterion::<f64>(&Node::new("KLDCriterion").ints("sizeAverage", &[avg]))
            .expect("KLD")
            .forward(&x, &target)
            .expect("loss")
    };
    assert!((kld(1) * 4.0 - kld(0)).abs() < 1e-12);
}

#[test]
fn smooth_l1_with_weights() {
    let x = r(&[2, 8], 11);
    let label = r(&[2, 8], 12);
    let inside = Activity::Tensor(random(&[2, 8], 13).mapv(|v| v.abs()));
    let outside = Activity::Tensor(random(&[2, 8], 14).mapv(|v| v.abs()));
    let full = Activity::Table(vec![label.clone(), inside, outside]);
    for (sigma, num) in [(1.0, 0), (3.0, 4), (0.5, 0)] {
        let n = Node::new("SmoothL1CriterionWithWeights")
            .floats("sigma", &[sigma])
            .ints("num", &[num]);
        assert_grad(&n, &x, &full);
        assert_grad(&n, &x, &label);
    }
}

#[test]
fn transformer_criterion() {
    // MSE between tanh(input) and 2 * target... through a Linear (fixed, untrained weights).
    let n = Node::new("TransformerCriterion")
        .ints("inputTransformer", &[1])
        .ints("targetTransformer", &[1])
        .child(Node::new("MSECriterion"))
        .child(
            Node::new("Sequential")
                .child(
                    Node::new("Linear")
                        .ints("inputSize", &[4])
                        .ints("outputSize", &[3]),
                )
                .child(Node::new("Tanh")),
        )
        .child(Node::new("MulConstant").floats("scalar", &[2.0]));
    assert_grad(&n, &r(&[2, 4], 15), &r(&[2, 3], 16));
    // A table input: CosineEmbedding of the two halves of a SplitTable-like transformer is
    // out of scope; a transformer of a table criterion's input: CAddTable then MSE.
    let n = Node::new("TransformerCriterion")
        .ints("inputTransformer", &[1])
        .child(Node::new("MSECriterion"))
        .child(Node::new("CAddTable"));
    assert_grad(&n, &pair(&[2, 3], 17), &r(&[2, 3], 18));
    // Only a target transformer: the input gradient is the inner criterion's.
    let n = Node::new("TransformerCriterion")
        .ints("targetTransformer", &[1])
        .child(Node::new("AbsCriterion"))
        .child(Node::new("Tanh"));
    assert_grad(&n, &r(&[3, 2], 19), &r(&[3, 2], 20));
}

fn log_softmax_rows(x: &Tensor<f64>) -> Tensor<f64> {
    let n = *x.shape().last().expect("rows");
    let mut out = x.clone();
    if let Some(s) = out.as_slice_mut() {
        for row in s.chunks_mut(n) {
            let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let z = m + row.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
            row.iter_mut().for_each(|v| *v -= z);
        }
    }
    out
}

#[test]
fn ctc() {
    let x = log_softmax_rows(&random(&[3, 6, 5], 21));
    // Repeated labels, an empty target, different lengths.
    let target = from_vec(
        "test",
        &[3, 4],
        vec![2.0, 3.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 4.0, 2.0, 5.0],
    )
    .expect("t");
    for avg in [1, 0] {
        let c = build_criterion::<f64>(&Node::new("CTCCriterion").ints("sizeAverage", &[avg]))
            .expect("ctc");
        let err = check_criterion(c.as_ref(), &x, &target).expect("gradcheck");
        assert!(err < TOL, "CTC: {err}");
        let err = check_activity_criterion(
            &CriterionRef(c.as_ref()),
            &Activity::Tensor(x.clone()),
            &Activity::Tensor(target.clone()),
        );
        assert!(err < TOL, "CTC as activity: {err}");
    }
}

#[test]
fn softmax_with() {
    let x = random(&[2, 4, 3, 2], 22);
    let labels = from_vec(
        "test",
        &[2, 1, 3, 2],
        vec![1.0, 4.0, 2.0, 3.0, 3.0, 1.0, 2.0, 2.0, 4.0, 1.0, 3.0, 4.0],
    )
    .expect("t");
    for mode in ["VALID", "FULL", "BATCH_SIZE", "NONE"] {
        for ignore in [None, Some(3)] {
            let mut n = Node::new("SoftmaxWithCriterion").string("normalizeMode", mode);
            if let Some(i) = ignore {
                n = n.ints("ignoreLabel", &[i]);
            }
            let c = build_criterion::<f64>(&n).expect("criterion");
            let err = check_criterion(c.as_ref(), &x, &labels).expect("gradcheck");
            assert!(err < TOL, "{}: {err}", c.describe());
        }
    }
}
