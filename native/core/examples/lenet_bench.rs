//! LeNet-5 (the talk's topology) forward + backward throughput on one thread, in samples/s;
//! with the argument `mlp`, the benchmark MLP 784-1024-1024-10 instead.
//!
//! `cargo run --release -p ferrodl-core --example lenet_bench [mlp]` measures
//! the engine alone, without the JVM; `bash bench/run.sh` compares the whole stack with PyTorch.

use ferrodl_core::criterion::ClassNLLCriterion;
use ferrodl_core::gemm::{backend, set_backend, Backend};
use ferrodl_core::spec::build_module;
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Model;
use std::time::Instant;

#[path = "common/lenet.rs"]
mod lenet;
use lenet::{lenet, mlp};

fn main() -> Result<(), ferrodl_core::Error> {
    let crit = ClassNLLCriterion::new(None, true)?;
    let (name, spec) = match std::env::args().nth(1).as_deref() {
        Some("mlp") => ("MLP", mlp()),
        _ => ("LeNet-5", lenet()),
    };
    for b in [Backend::Mkl, Backend::Rust] {
        set_backend(b);
        for batch in [64usize, 128] {
            let mut model = Model::new(build_module::<f32>(&spec)?, 1)?;
            let x = from_vec(
                "x",
                &[batch, 28, 28],
                (0..batch * 784)
                    .map(|i| ((i % 255) as f32 / 255.0) - 0.5)
                    .collect(),
            )?;
            let t = from_vec(
                "t",
                &[batch],
                (0..batch).map(|i| (i % 10 + 1) as f32).collect(),
            )?;
            for _ in 0..3 {
                model.train_batch(&crit, x.clone(), &t)?;
            }
            let mut best = f64::MAX;
            for _ in 0..5 {
                let reps = 20;
                let start = Instant::now();
                for _ in 0..reps {
                    model.train_batch(&crit, x.clone(), &t)?;
                }
                best = best.min(start.elapsed().as_secs_f64() / reps as f64);
            }
            println!(
                "{name} {:>5} batch {batch:>4}: {:>8.0} samples/s ({:.2} ms per batch)",
                backend().name(),
                batch as f64 / best,
                best * 1e3
            );
        }
    }
    Ok(())
}
