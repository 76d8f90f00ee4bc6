//! Evaluation mode takes its own paths where inference needs less: the convolution unfolds in
//! cache-sized chunks and keeps nothing for backward, and 2x2 max pooling takes its maxima
//! without recording where they were. Outputs must equal training mode's exactly, and a backward
//! pass after an evaluation-mode forward (gradients with respect to the input of a model in
//! evaluation mode) must give training mode's gradients.

use ferrodl_core::module::Module;
use ferrodl_core::nn::{ConvConfig, SpatialConvolution, SpatialMaxPooling};
use ferrodl_core::rng::Rng;
use ferrodl_core::tensor::{from_vec, Tensor};

fn random(rng: &mut Rng, shape: &[usize]) -> Tensor<f32> {
    let n: usize = shape.iter().product();
    from_vec(
        "x",
        shape,
        (0..n).map(|_| rng.uniform(-1.0, 1.0) as f32).collect(),
    )
    .unwrap()
}

fn flat(t: &Tensor<f32>) -> Vec<f32> {
    t.iter().copied().collect()
}

/// Forward and backward of `m` in training mode, then again after an evaluation-mode forward.
fn same_in_both_modes(m: &mut dyn Module<f32>, params: &[f32], x: &Tensor<f32>, what: &str) {
    let mut rng = Rng::new(3);
    let mut grads = vec![0.0f32; params.len()];
    m.set_training(true);
    let y = m.forward(params, x).unwrap();
    let gy = random(&mut rng, y.shape());
    let gx = m.backward(params, &mut grads, x, &y, &gy).unwrap();
    m.set_training(false);
    let y_eval = m.forward(params, x).unwrap();
    assert_eq!(flat(&y), flat(&y_eval), "{what}: evaluation-mode output");
    let mut grads_eval = vec![0.0f32; params.len()];
    let gx_eval = m
        .backward(params, &mut grads_eval, x, &y_eval, &gy)
        .unwrap();
    assert_eq!(
        flat(&gx),
        flat(&gx_eval),
        "{what}: input gradient after an evaluation forward"
    );
    // Summed over other GEMM chunks (training mode kept the whole batch unfolded): the same sums
    // in another order. Each is a sum of tens of thousands of f32 products, whose rounding
    // scales with the size of the sums (their RMS), not with one result that happens to cancel
    // to near zero; MKL's blocking, unlike the pure-Rust kernel's, changes with the chunk size.
    let rms =
        (grads.iter().map(|g| f64::from(g * g)).sum::<f64>() / grads.len().max(1) as f64).sqrt();
    for (k, (a, b)) in grads.iter().zip(&grads_eval).enumerate() {
        assert!(
            f64::from((a - b).abs()) <= 1e-5 * (1.0 + rms),
            "{what}: parameter gradient {k} after an evaluation forward: {a} vs {b} (RMS {rms})"
        );
    }
}

#[test]
fn convolutions_give_training_modes_results() {
    let mut rng = Rng::new(1);
    // LeNet's first convolution at a batch whose unfolded input training mode keeps whole, and a
    // grouped, strided, padded one.
    let mut grouped = ConvConfig::new(4, 6, 3, 3);
    grouped.n_group = 2;
    grouped.stride_w = 2;
    grouped.pad_h = 1;
    for (c, shape) in [
        (ConvConfig::new(1, 6, 5, 5), vec![40, 1, 28, 28]),
        (grouped, vec![5, 4, 9, 8]),
    ] {
        let mut conv = SpatialConvolution::new(c.clone()).unwrap();
        let n = Module::<f32>::num_params(&conv);
        let params: Vec<f32> = (0..n).map(|_| rng.uniform(-0.5, 0.5) as f32).collect();
        let x = random(&mut rng, &shape);
        same_in_both_modes(&mut conv, &params, &x, &format!("{c:?}"));
    }
}

#[test]
fn max_pooling_gives_training_modes_results_nan_included() {
    let mut rng = Rng::new(2);
    let mut x = random(&mut rng, &[3, 2, 8, 10]);
    // A NaN wins its window in both modes; equal values pick the same maximum.
    let mut values = flat(&x);
    values[13] = f32::NAN;
    values[40] = values[41];
    x = from_vec("x", x.shape(), values).unwrap();
    let mut pool = SpatialMaxPooling::new(2, 2, 2, 2, 0, 0, false).unwrap();
    let mut rng2 = Rng::new(4);
    let y = {
        Module::<f32>::set_training(&mut pool, true);
        pool.forward(&[], &x).unwrap()
    };
    Module::<f32>::set_training(&mut pool, false);
    let y_eval = pool.forward(&[], &x).unwrap();
    assert!(y_eval.iter().any(|v| v.is_nan()), "the NaN propagates");
    let bits = |t: &Tensor<f32>| t.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&y), bits(&y_eval));
    let clean = random(&mut rng2, &[3, 2, 8, 10]);
    same_in_both_modes(&mut pool, &[], &clean, "SpatialMaxPooling 2x2");
}
