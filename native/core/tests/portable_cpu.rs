//! GEMM and a small model on whatever CPU runs this binary: scripts/check_native.sh runs it under
//! `qemu-x86_64 -cpu Nehalem` (no AVX, AVX2 or FMA) and under `qemu-aarch64`, so it checks that no
//! code path assumes a newer CPU than the target's baseline (no SIGILL) and that both backends
//! still compute the right numbers there.
//!
//! `FERRODL_EXPECT_SIMD=none` (set by the qemu run) asserts that the emulated CPU really lacks
//! AVX2 and FMA, so the run cannot pass by accident on the host's CPU.

use ferrodl_core::gemm::{self, matmul_with, Backend};
use ferrodl_core::spec::{build_criterion, build_module, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Model;
use ndarray::Array2;

fn matrix(rows: usize, cols: usize, phase: f64) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        ((i * cols + j) as f64 * 0.731 + phase).sin() as f32
    })
}

#[test]
fn the_cpu_is_the_one_the_run_expects() {
    let expect = std::env::var("FERRODL_EXPECT_SIMD").unwrap_or_default();
    #[cfg(target_arch = "x86_64")]
    {
        let (avx2, fma) = (
            std::arch::is_x86_feature_detected!("avx2"),
            std::arch::is_x86_feature_detected!("fma"),
        );
        eprintln!("cpu {}: avx2={avx2} fma={fma}", gemm::cpu_vendor());
        if expect == "none" {
            assert!(
                !avx2 && !fma,
                "expected a CPU without AVX2/FMA: avx2={avx2} fma={fma}"
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        eprintln!("cpu {} ({})", gemm::cpu_vendor(), std::env::consts::ARCH);
        assert_eq!(gemm::cpu_vendor(), "unknown");
    }
    // Without MKL (aarch64) every choice runs the pure-Rust kernel.
    if !cfg!(target_arch = "x86_64") {
        assert_eq!(Backend::Mkl.resolve(), Backend::Rust);
        assert_eq!(Backend::Auto.resolve(), Backend::Rust);
    }
    assert_eq!(Backend::parse("portable").expect("portable"), Backend::Rust);
}

#[test]
fn both_backends_multiply_correctly_on_this_cpu() {
    // Sizes that take the kernels' vector, tail and blocked paths.
    for &(m, n, k) in &[
        (1, 1, 1),
        (3, 5, 7),
        (17, 33, 65),
        (64, 64, 64),
        (100, 37, 300),
    ] {
        let a = matrix(m, k, 0.1);
        let b = matrix(k, n, 0.7);
        let c0 = matrix(m, n, 1.3);
        let want = Array2::from_shape_fn((m, n), |(i, j)| {
            let dot: f64 = (0..k).map(|p| a[[i, p]] as f64 * b[[p, j]] as f64).sum();
            0.5 * dot + 0.25 * c0[[i, j]] as f64
        });
        for backend in [Backend::Mkl, Backend::Rust, Backend::Auto] {
            let mut c = c0.clone();
            matmul_with(backend, 0.5, a.view(), b.view(), 0.25, c.view_mut()).expect("gemm");
            let tol = 1e-5 * (k as f64).sqrt().max(1.0) * 4.0;
            for ((i, j), w) in want.indexed_iter() {
                let got = c[[i, j]] as f64;
                assert!(
                    (got - w).abs() <= tol * w.abs().max(1.0),
                    "{backend:?} {m}x{n}x{k} [{i},{j}]: {got} vs {w}"
                );
            }
        }
    }
}

fn small_cnn() -> Node {
    Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[1, 8, 8]))
        .child(
            Node::new("SpatialConvolution")
                .ints("nInputPlane", &[1])
                .ints("nOutputPlane", &[4])
                .ints("kernelW", &[3])
                .ints("kernelH", &[3]),
        )
        .child(Node::new("ReLU"))
        .child(Node::new("Reshape").ints("size", &[144]))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[144])
                .ints("outputSize", &[10]),
        )
        .child(Node::new("LogSoftMax"))
}

/// One training step in f32 on `backend`: the summed loss and the gradients.
fn step_f32(backend: Backend, x: &[f64], t: &[f64]) -> (f64, Vec<f64>) {
    gemm::set_backend(backend);
    let mut model =
        Model::new(build_module::<f32>(&small_cnn()).expect("module"), 5).expect("model");
    let crit = build_criterion::<f32>(&Node::new("ClassNLLCriterion")).expect("criterion");
    let xs = from_vec("x", &[4, 8, 8], x.iter().map(|v| *v as f32).collect()).expect("x");
    let ts = from_vec("t", &[4], t.iter().map(|v| *v as f32).collect()).expect("t");
    let loss = model.train_batch(crit.as_ref(), xs, &ts).expect("train");
    let grads = model.grads().iter().map(|g| *g as f64).collect();
    (loss.sum, grads)
}

#[test]
fn a_small_model_trains_identically_on_both_backends() {
    let x: Vec<f64> = (0..256).map(|i| (i as f64 * 0.37).sin()).collect();
    let t = vec![1.0, 4.0, 7.0, 10.0];
    // The f64 reference (same seed, so the same initial weights).
    let mut reference =
        Model::new(build_module::<f64>(&small_cnn()).expect("module"), 5).expect("model");
    let crit = build_criterion::<f64>(&Node::new("ClassNLLCriterion")).expect("criterion");
    let xs = from_vec("x", &[4, 8, 8], x.clone()).expect("x");
    let ts = from_vec("t", &[4], t.clone()).expect("t");
    let want = reference
        .train_batch(crit.as_ref(), xs, &ts)
        .expect("train");
    let before = gemm::backend();
    for backend in [Backend::Mkl, Backend::Rust] {
        let (loss, grads) = step_f32(backend, &x, &t);
        assert!(
            (loss - want.sum).abs() < 1e-4 * want.sum.abs().max(1.0),
            "{backend:?}: loss {loss} vs {}",
            want.sum
        );
        assert_eq!(grads.len(), reference.grads().len());
        let scale = reference.grads().iter().fold(0.0f64, |m, g| m.max(g.abs()));
        assert!(scale > 0.0, "the reference has gradients");
        for (i, (g, w)) in grads.iter().zip(reference.grads()).enumerate() {
            assert!(
                (g - w).abs() < 1e-4 * scale,
                "{backend:?}: grad {i}: {g} vs {w}"
            );
        }
    }
    gemm::set_backend(before);
}
