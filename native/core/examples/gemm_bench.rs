//! GEMM throughput of both backends, single-threaded, in GFLOP/s (median of repeated runs).
//!
//! `cargo run --release -p ferrodl-core --example gemm_bench`;
//! `bash bench/run.sh` runs it interleaved with PyTorch and reports the ratios.

use ferrodl_core::gemm::{cpu_vendor, matmul_with, Backend};
use ferrodl_core::rng::Rng;
use ndarray::Array2;
use std::time::Instant;

fn bench(backend: Backend, m: usize, n: usize, k: usize) -> f64 {
    let mut rng = Rng::new(1);
    let a = Array2::from_shape_fn((m, k), |_| rng.uniform(-1.0, 1.0) as f32);
    let b = Array2::from_shape_fn((k, n), |_| rng.uniform(-1.0, 1.0) as f32);
    let mut c = Array2::<f32>::zeros((m, n));
    let flops = 2.0 * (m * n * k) as f64;
    let reps = ((2e9 / flops) as usize).clamp(3, 2000);
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..reps {
            if let Err(e) = matmul_with(backend, 1.0, a.view(), b.view(), 0.0, c.view_mut()) {
                eprintln!("gemm failed: {e}");
                return f64::NAN;
            }
        }
        times.push(t.elapsed().as_secs_f64() / reps as f64);
    }
    times.sort_by(f64::total_cmp);
    flops / times[times.len() / 2] / 1e9
}

fn main() {
    println!(
        "cpu: {}, auto picks {:?}",
        cpu_vendor(),
        Backend::Auto.resolve()
    );
    println!("{:>18} {:>10} {:>10}", "m x n x k", "mkl", "rust");
    for (m, n, k) in [
        (1024, 1024, 1024),
        (128, 100, 784),
        (128, 784, 100),
        (128, 10, 100),
        (32, 32, 32),
        (576, 64, 576),
    ] {
        let mkl = bench(Backend::Mkl, m, n, k);
        let rust = bench(Backend::Rust, m, n, k);
        println!(
            "{:>18} {:>10.1} {:>10.1}",
            format!("{m}x{n}x{k}"),
            mkl,
            rust
        );
    }
}
