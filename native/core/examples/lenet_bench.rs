//! LeNet-5 (the talk's topology) forward + backward throughput on one thread, in samples/s;
//! with the argument `mlp`, the benchmark MLP 784-1024-1024-10 instead; with `infer`, LeNet-5's
//! forward pass alone in evaluation mode (inference); with `lstm`, the benchmark LSTM (sequence
//! 50, batch as given, input 100, hidden 128, last step into Linear(128, 5)).
//!
//! `cargo run --release -p ferrodl-core --example lenet_bench [mlp|infer]` measures
//! the engine alone, without the JVM; `bash bench/run.sh` compares the whole stack with PyTorch.

use ferrodl_core::criterion::ClassNLLCriterion;
use ferrodl_core::gemm::{backend, set_backend, Backend};
use ferrodl_core::spec::build_module;
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Model;
use std::time::Instant;

#[path = "common/lenet.rs"]
mod lenet;
use lenet::{lenet, lstm, mlp};

fn main() -> Result<(), ferrodl_core::Error> {
    let crit = ClassNLLCriterion::new(None, true)?;
    let arg = std::env::args().nth(1);
    let infer = arg.as_deref() == Some("infer");
    let (name, spec) = match arg.as_deref() {
        Some("mlp") => ("MLP", mlp()),
        Some("infer") => ("LeNet-5 inference", lenet()),
        Some("lstm") => ("LSTM", lstm()),
        _ => ("LeNet-5", lenet()),
    };
    for b in [Backend::Mkl, Backend::Rust] {
        set_backend(b);
        for batch in [64usize, 128] {
            let mut model = Model::new(build_module::<f32>(&spec)?, 1)?;
            model.set_training(!infer);
            let (shape, classes) = match arg.as_deref() {
                Some("lstm") => (vec![batch, 50, 100], 5),
                _ => (vec![batch, 28, 28], 10),
            };
            let x = from_vec(
                "x",
                &shape,
                (0..shape.iter().product::<usize>())
                    .map(|i| ((i % 255) as f32 / 255.0) - 0.5)
                    .collect(),
            )?;
            let t = from_vec(
                "t",
                &[batch],
                (0..batch).map(|i| (i % classes + 1) as f32).collect(),
            )?;
            let step = |m: &mut Model<f32>| -> Result<(), ferrodl_core::Error> {
                if infer {
                    m.forward(x.clone()).map(|_| ())
                } else {
                    m.train_batch(&crit, x.clone(), &t).map(|_| ())
                }
            };
            for _ in 0..3 {
                step(&mut model)?;
            }
            let mut best = f64::MAX;
            for _ in 0..5 {
                let reps = 20;
                let start = Instant::now();
                for _ in 0..reps {
                    step(&mut model)?;
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
