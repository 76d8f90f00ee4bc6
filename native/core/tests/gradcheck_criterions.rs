//! Finite-difference gradient checks, in f64, for the criterions beyond ClassNLL, CrossEntropy and
//! the element-wise losses (those are in gradcheck_layers.rs): every one on batch and single-sample
//! inputs, with and without size-averaging.

use ferrodl_core::criterion::{
    CategoricalCrossEntropy, ClassNLLCriterion, ClassSimplexCriterion, CosineDistanceCriterion,
    CosineProximityCriterion, Criterion, CrossEntropyCriterion, DiceCoefficientCriterion,
    DotProductCriterion, ElementLoss, ElementwiseCriterion, KullbackLeiblerDivergenceCriterion,
    L1Cost, MultiCriterion, MultiLabelMarginCriterion, MultiMarginCriterion,
    TimeDistributedCriterion,
};
use ferrodl_core::gradcheck::check_criterion;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_criterion, Node};
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

fn tensor(shape: &[usize], values: &[f64]) -> Tensor<f64> {
    from_vec("test", shape, values.to_vec()).expect("shape")
}

/// Rows of positive values that sum to 1.
fn softmax_rows(x: &Tensor<f64>) -> Tensor<f64> {
    let n = *x.shape().last().expect("rows");
    let mut out = x.mapv(f64::exp);
    if let Some(s) = out.as_slice_mut() {
        for row in s.chunks_mut(n) {
            let total: f64 = row.iter().sum();
            row.iter_mut().for_each(|v| *v /= total);
        }
    }
    out
}

fn assert_grad(c: &dyn Criterion<f64>, x: &Tensor<f64>, t: &Tensor<f64>) {
    let err = check_criterion(c, x, t).expect("gradcheck runs");
    assert!(err < TOL, "{} at {:?}: {err}", c.describe(), x.shape());
}

#[test]
fn multi_label_soft_margin_and_hinge_embedding() {
    let x = random(&[4, 3], 1);
    let bits = random(&[4, 3], 2).mapv(|v| f64::from(v > 0.0));
    let signs = bits.mapv(|b| 2.0 * b - 1.0);
    for average in [true, false] {
        for weights in [None, Some(vec![0.5, 2.0, 1.0])] {
            let loss = ElementLoss::MultiLabelSoftMargin { weights };
            assert_grad(
                &ElementwiseCriterion::new(loss, average).expect("c"),
                &x,
                &bits,
            );
        }
        for margin in [1.0, 0.3] {
            let loss = ElementLoss::HingeEmbedding { margin };
            assert_grad(
                &ElementwiseCriterion::new(loss, average).expect("c"),
                &x,
                &signs,
            );
        }
    }
    // Large scores stay finite (the soft margin is computed without forming log(sigmoid)).
    let big = tensor(&[2], &[80.0, -80.0]);
    let c = ElementwiseCriterion::new(ElementLoss::MultiLabelSoftMargin { weights: None }, true)
        .expect("c");
    let loss = Criterion::<f64>::forward(&c, &big, &tensor(&[2], &[0.0, 1.0])).expect("loss");
    assert!((loss - 80.0).abs() < 1e-9, "{loss}");
}

#[test]
fn multi_margin() {
    let x = random(&[5, 4], 3);
    let t = tensor(&[5], &[1.0, 4.0, 2.0, 2.0, 3.0]);
    for p in [1, 2] {
        for weights in [None, Some(vec![0.5, 2.0, 1.0, 0.1])] {
            for (margin, average) in [(1.0, true), (0.4, false)] {
                let c = MultiMarginCriterion::new(p, weights.clone(), margin, average).expect("c");
                assert_grad(&c, &x, &t);
                assert_grad(&c, &random(&[4], 4), &tensor(&[1], &[3.0]));
            }
        }
    }
}

#[test]
fn multi_label_margin() {
    let x = random(&[3, 5], 5);
    let t = tensor(
        &[3, 5],
        &[
            3.0, 1.0, 0.0, 0.0, 0.0, //
            2.0, 0.0, 4.0, 0.0, 0.0, // targets end at the first 0
            5.0, 4.0, 2.0, 2.0,
            0.0, // a repeated target counts twice, as in BigDL and PyTorch
        ],
    );
    for average in [true, false] {
        let c = MultiLabelMarginCriterion::new(average);
        assert_grad(&c, &x, &t);
        assert_grad(&c, &random(&[4], 6), &tensor(&[4], &[2.0, 4.0, 0.0, 1.0]));
    }
}

#[test]
fn class_simplex() {
    for n in [2, 3, 4, 7] {
        let c = ClassSimplexCriterion::new(n).expect("c");
        // The vertices are unit vectors at equal angles: dot products -1 / (n - 1).
        for a in 0..n {
            for b in 0..n {
                let d: f64 = (0..n).map(|k| c.vertex(a, k) * c.vertex(b, k)).sum();
                let want = if a == b { 1.0 } else { -1.0 / (n - 1) as f64 };
                assert!((d - want).abs() < 1e-12, "n {n}: <{a}, {b}> = {d}");
            }
        }
    }
    let c = ClassSimplexCriterion::new(4).expect("c");
    assert_grad(
        &c,
        &random(&[5, 4], 7),
        &tensor(&[5], &[1.0, 4.0, 2.0, 2.0, 3.0]),
    );
    assert_grad(&c, &random(&[4], 8), &tensor(&[1], &[2.0]));
    assert_grad(&c, &random(&[2, 4], 9), &tensor(&[2, 1], &[4.0, 1.0]));
}

#[test]
fn categorical_cross_entropy_and_kl_divergence() {
    let probs = softmax_rows(&random(&[4, 5], 10));
    let one_hot = tensor(
        &[4, 5],
        &[
            0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0,
            0.0, 0.0, 0.0,
        ],
    );
    let cce = CategoricalCrossEntropy::new().expect("c");
    assert_grad(&cce, &probs, &one_hot);
    // Not normalised: each row is normalised inside the loss, and the gradient follows.
    let positive = random(&[4, 5], 11).mapv(|v| v.abs() + 0.1);
    assert_grad(&cce, &positive, &one_hot);
    let loss = Criterion::<f64>::forward(&cce, &probs, &one_hot).expect("loss");
    let want =
        -(probs[[0, 2]].ln() + probs[[1, 0]].ln() + probs[[2, 4]].ln() + probs[[3, 1]].ln()) / 4.0;
    assert!((loss - want).abs() < 1e-12, "{loss} vs {want}");

    let kl = KullbackLeiblerDivergenceCriterion;
    let x = random(&[3, 4], 12).mapv(|v| 0.05 + 0.9 * (v + 2.0) / 4.0);
    let t = softmax_rows(&random(&[3, 4], 13));
    assert_grad(&kl, &x, &t);
    assert_grad(
        &kl,
        &random(&[2, 3, 2], 14).mapv(|v| 0.1 + v.abs() / 3.0),
        &softmax_rows(&random(&[2, 3, 2], 15)),
    );
    assert_grad(
        &kl,
        &x.index_axis(ndarray::Axis(0), 0).to_owned(),
        &t.index_axis(ndarray::Axis(0), 1).to_owned(),
    );
}

#[test]
fn cosine_dot_product_dice_and_l1() {
    let x = random(&[4, 5], 16);
    let t = random(&[4, 5], 17);
    let x1 = random(&[5], 18);
    let t1 = random(&[5], 19);
    for average in [true, false] {
        let criterions: Vec<Box<dyn Criterion<f64>>> = vec![
            Box::new(CosineDistanceCriterion::new(average)),
            Box::new(DotProductCriterion::new(average)),
            Box::new(DiceCoefficientCriterion::new(average, 1.0).expect("c")),
            Box::new(DiceCoefficientCriterion::new(average, 0.5).expect("c")),
        ];
        for c in &criterions {
            assert_grad(c.as_ref(), &x, &t);
            assert_grad(c.as_ref(), &x1, &t1);
        }
    }
    let prox = CosineProximityCriterion;
    assert_grad(&prox, &x, &t);
    assert_grad(&prox, &x1, &t1);
    assert_grad(&prox, &random(&[2, 3, 4], 20), &random(&[2, 3, 4], 21));
    // L1Cost ignores the target, whatever its shape.
    assert_grad(&L1Cost, &x, &random(&[1], 22));
    assert_grad(&L1Cost, &random(&[2, 3, 2], 23), &t);
}

#[test]
fn multi_criterion() {
    let x = random(&[3, 4], 24);
    let t = random(&[3, 4], 25);
    let multi = MultiCriterion::new()
        .add(
            Box::new(ElementwiseCriterion::new(ElementLoss::Mse, true).expect("mse")),
            0.5,
        )
        .and_then(|m| m.add(Box::new(CosineDistanceCriterion::new(false)), 2.0))
        .and_then(|m| m.add(Box::new(DotProductCriterion::new(true)), -1.0))
        .expect("multi");
    assert_grad(&multi, &x, &t);
    assert_grad(&multi, &random(&[4], 26), &random(&[4], 27));
    // The loss is the weighted sum of the children's losses.
    let mse = ElementwiseCriterion::new(ElementLoss::Mse, true).expect("mse");
    let parts = 0.5 * Criterion::<f64>::forward(&mse, &x, &t).expect("mse")
        + 2.0 * Criterion::<f64>::forward(&CosineDistanceCriterion::new(false), &x, &t).expect("c")
        - Criterion::<f64>::forward(&DotProductCriterion::new(true), &x, &t).expect("d");
    assert!((multi.forward(&x, &t).expect("loss") - parts).abs() < 1e-12);

    // Built from a description, with class labels for ClassNLL and CrossEntropy.
    let node = Node::new("MultiCriterion")
        .floats("weights", &[1.0, 0.25])
        .child(Node::new("CrossEntropyCriterion"))
        .child(Node::new("MultiMarginCriterion").ints("p", &[2]));
    let c = build_criterion::<f64>(&node).expect("multi");
    let labels = tensor(&[3], &[2.0, 4.0, 1.0]);
    assert_grad(c.as_ref(), &x, &labels);
    let ce = CrossEntropyCriterion::new(None, true).expect("ce");
    let mm = MultiMarginCriterion::new(2, None, 1.0, true).expect("mm");
    let want = ce.forward(&x, &labels).expect("ce") + 0.25 * mm.forward(&x, &labels).expect("mm");
    assert!((c.forward(&x, &labels).expect("loss") - want).abs() < 1e-12);

    // Partial sums add up: two partitions of a batch give the loss of the whole batch.
    let nll = || Box::new(ClassNLLCriterion::new(None, true).expect("nll"));
    let multi = MultiCriterion::new().add(nll(), 2.0).expect("multi");
    let x = random(&[5, 3], 28);
    let labels = tensor(&[5], &[1.0, 3.0, 2.0, 2.0, 1.0]);
    let head = multi
        .loss_sum(
            &x.slice(ndarray::s![..2, ..]).to_owned().into_dyn(),
            &tensor(&[2], &[1.0, 3.0]),
        )
        .expect("head");
    let tail = multi
        .loss_sum(
            &x.slice(ndarray::s![2.., ..]).to_owned().into_dyn(),
            &tensor(&[3], &[2.0, 2.0, 1.0]),
        )
        .expect("tail");
    let whole = multi.forward(&x, &labels).expect("whole");
    assert!(((head.sum + tail.sum) / (head.norm + tail.norm) - whole).abs() < 1e-12);
}

#[test]
fn time_distributed() {
    let x = random(&[2, 3, 4], 29);
    let labels = tensor(&[2, 3], &[1.0, 4.0, 2.0, 3.0, 3.0, 1.0]);
    for average in [false, true] {
        let ce = Box::new(CrossEntropyCriterion::new(None, true).expect("ce"));
        let c = TimeDistributedCriterion::new(ce, average, 2).expect("td");
        assert_grad(&c, &x, &labels);
        // The sum over time of the child's loss on each step (divided by 3 when averaged).
        let ce = CrossEntropyCriterion::new(None, true).expect("ce");
        let mut want = 0.0;
        for s in 0..3 {
            let xs = x.index_axis(ndarray::Axis(1), s).to_owned();
            let ts = labels.index_axis(ndarray::Axis(1), s).to_owned();
            want += ce.forward(&xs, &ts).expect("step");
        }
        if average {
            want /= 3.0;
        }
        assert!((c.forward(&x, &labels).expect("loss") - want).abs() < 1e-12);
    }
    // Along the first dimension, and with a same-shaped target.
    let t = random(&[2, 3, 4], 30);
    let mse = Box::new(ElementwiseCriterion::new(ElementLoss::Mse, false).expect("mse"));
    assert_grad(
        &TimeDistributedCriterion::new(mse, true, 1).expect("td"),
        &x,
        &t,
    );
    let node = Node::new("TimeDistributedCriterion")
        .ints("dimension", &[3])
        .child(Node::new("CosineDistanceCriterion"));
    assert_grad(build_criterion::<f64>(&node).expect("td").as_ref(), &x, &t);
}
