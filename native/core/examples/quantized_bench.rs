//! Int8 against float inference, single-threaded: LeNet-5 (records/s, float vs `quantize()`d, on
//! every i8 kernel) and the i8 GEMM of its layers' shapes (Gop/s, Rust kernel vs MKL).
//!
//! `cargo run --release -p ferrodl-core --example quantized_bench`

use ferrodl_core::gemm::{has_vnni, matmul_i8_with, matmul_with, set_backend, Backend};
use ferrodl_core::nn::quantized::quantize;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::{Model, Tensor};
use ndarray::Array2;
use std::time::Instant;

#[path = "common/lenet.rs"]
mod lenet;
use lenet::lenet;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Records per second of `model` over `records` random images in batches of `batch`.
fn infer(node: &Node, weights: &[f32], batch: usize, records: usize) -> f64 {
    let mut m = match build_block::<f32>(node).and_then(|b| Model::from_block(b, 1)) {
        Ok(m) => m,
        Err(e) => panic!("model: {e}"),
    };
    if let Err(e) = m.set_weights(weights) {
        panic!("weights: {e}");
    }
    m.set_training(false);
    let mut rng = Rng::new(11);
    let x: Vec<f32> = (0..batch * 784)
        .map(|_| rng.uniform(-0.5, 1.5) as f32)
        .collect();
    let pass = |m: &mut Model<f32>| {
        let t = Instant::now();
        for _ in 0..records / batch {
            let input = Tensor::from_shape_vec(vec![batch, 28, 28], x.clone()).expect("shape");
            m.forward(input).expect("forward");
        }
        (records / batch * batch) as f64 / t.elapsed().as_secs_f64()
    };
    pass(&mut m);
    median((0..5).map(|_| pass(&mut m)).collect())
}

fn gemm_i8(backend: Backend, (m, n, k): (usize, usize, usize)) -> f64 {
    let mut rng = Rng::new(3);
    let a: Vec<i8> = (0..m * k)
        .map(|_| (rng.below(255) as i32 - 127) as i8)
        .collect();
    let b: Vec<i8> = (0..n * k)
        .map(|_| (rng.below(255) as i32 - 127) as i8)
        .collect();
    let mut c = vec![0i32; m * n];
    let ops = 2.0 * (m * n * k) as f64;
    let reps = ((1e9 / ops) as usize).clamp(3, 2000);
    let times = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                matmul_i8_with(backend, (m, n, k), &a, &b, &mut c).expect("gemm i8");
            }
            t.elapsed().as_secs_f64() / reps as f64
        })
        .collect();
    ops / median(times) / 1e9
}

fn gemm_f32(backend: Backend, (m, n, k): (usize, usize, usize)) -> f64 {
    let a = Array2::from_elem((m, k), 0.5f32);
    let b = Array2::from_elem((n, k), 0.25f32);
    let mut c = Array2::<f32>::zeros((m, n));
    let ops = 2.0 * (m * n * k) as f64;
    let reps = ((1e9 / ops) as usize).clamp(3, 2000);
    let times = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                matmul_with(backend, 1.0, a.view(), b.t(), 0.0, c.view_mut()).expect("gemm");
            }
            t.elapsed().as_secs_f64() / reps as f64
        })
        .collect();
    ops / median(times) / 1e9
}

fn main() {
    let node = lenet();
    let mut m = Model::<f32>::from_block(build_block(&node).expect("lenet"), 7).expect("model");
    let w = m.weights().to_vec();
    m.set_training(false);
    let (q, qw) = quantize(&node, &w).expect("quantize");
    println!("vnni: {}", has_vnni());
    println!("LeNet-5 inference, 1 thread, records/s (median of 5 passes over 10240 records)");
    println!(
        "{:>6} {:>14} {:>12} {:>12} {:>10}",
        "batch", "float (mkl)", "int8 mkl", "int8 rust", "int8/float"
    );
    for batch in [1usize, 32, 128] {
        let records = if batch == 1 { 2048 } else { 10240 };
        set_backend(Backend::Mkl);
        let f = infer(&node, &w, batch, records);
        let qm = infer(&q, &qw, batch, records);
        set_backend(Backend::Rust);
        let qr = infer(&q, &qw, batch, records);
        set_backend(Backend::Auto);
        let best = if has_vnni() { qm } else { qr };
        println!(
            "{batch:>6} {f:>14.0} {qm:>12.0} {qr:>12.0} {:>10.2}",
            best / f
        );
    }
    println!("GEMM of LeNet-5's layers at batch 128, Gop/s (c = a · bᵀ, [m, k] · [n, k]ᵀ)");
    println!(
        "{:>16} {:>9} {:>9} {:>9}",
        "m x n x k", "f32 mkl", "i8 mkl", "i8 rust"
    );
    for s in [
        (73728, 6, 25),
        (8192, 12, 150),
        (128, 100, 192),
        (128, 10, 100),
        (1024, 1024, 1024),
    ] {
        let mkl = if has_vnni() {
            gemm_i8(Backend::Mkl, s)
        } else {
            f64::NAN
        };
        println!(
            "{:>16} {:>9.1} {:>9.1} {:>9.1}",
            format!("{}x{}x{}", s.0, s.1, s.2),
            gemm_f32(Backend::Mkl, s),
            mkl,
            gemm_i8(Backend::Rust, s)
        );
    }
}
