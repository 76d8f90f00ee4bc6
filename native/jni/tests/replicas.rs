//! Local training's replicas: their gradients added up natively into one buffer.

use ferrodl::exports::{criterion, model, replicas};
use ferrodl::handle::{free_handle, into_handle};
use ferrodl_core::spec::{encode, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::{Activity, Model};

fn trained(seed: i64) -> Model<f32> {
    let spec = encode(
        &Node::new("Sequential")
            .child(
                Node::new("Linear")
                    .ints("inputSize", &[3])
                    .ints("outputSize", &[2]),
            )
            .child(Node::new("LogSoftMax")),
    );
    let mut m = model::create(&spec, seed).expect("model");
    let c = criterion::create(&encode(&Node::new("ClassNLLCriterion"))).expect("criterion");
    let x = from_vec("x", &[2, 3], vec![0.1, 0.2, 0.3, -0.1, 0.0, 0.5]).expect("x");
    let t = from_vec("t", &[2], vec![1.0, 2.0]).expect("t");
    let (x, t) = (Activity::Tensor(x), Activity::Tensor(t));
    model::train_batch(&mut m, c.as_ref(), x, t, seed).expect("train");
    m
}

#[test]
fn gradients_of_several_replicas_add_up() {
    let models: Vec<Model<f32>> = (1..=3).map(trained).collect();
    let n = models[0].num_params();
    let want: Vec<Vec<f32>> = (1..=3)
        .map(|k| {
            (0..n)
                .map(|i| models[..k].iter().map(|m| m.grads()[i]).sum())
                .collect()
        })
        .collect();
    assert!(want[2].iter().any(|g| *g != 0.0));
    let handles: Vec<i64> = models.into_iter().map(into_handle).collect();
    for k in 1..=3 {
        let mut dst = vec![f32::NAN; n];
        replicas::sum_gradients(&handles[..k], &mut dst).expect("sum");
        for (d, w) in dst.iter().zip(&want[k - 1]) {
            assert!((d - w).abs() < 1e-6, "{k} replicas: {d} vs {w}");
        }
    }
    let mut dst = vec![f32::NAN; n];
    replicas::sum_gradients(&[], &mut dst).expect("none");
    assert!(dst.iter().all(|d| *d == 0.0));

    let twice = replicas::sum_gradients(&[handles[0], handles[1], handles[0]], &mut dst);
    let message = twice.expect_err("a handle twice").to_string();
    assert!(message.contains("appears twice"), "{message}");
    let mut short = vec![0.0f32; n - 1];
    let message = replicas::sum_gradients(&handles, &mut short)
        .expect_err("wrong size")
        .to_string();
    assert!(message.contains(&format!("{n}")), "{message}");
    for h in handles {
        // SAFETY: each handle came from `into_handle` above and is freed once.
        unsafe { free_handle::<Model<f32>>(h) };
    }
}
