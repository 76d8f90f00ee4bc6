//! LeNet-5 (the talk's topology) forward + backward throughput on one thread, in samples/s;
//! with the argument `mlp`, the benchmark MLP 784-1024-1024-10 instead; with `infer`, LeNet-5's
//! forward pass alone in evaluation mode (inference); with `lstm`, the benchmark LSTM (sequence
//! 50, batch as given, input 100, hidden 128, last step into Linear(128, 5)).
//!
//! `cargo run --release -p ferrodl-core --example lenet_bench [mlp|infer]` measures
//! the engine alone, without the JVM; `bash bench/run.sh` compares the whole stack with PyTorch.
//! Each line also counts one step's heap allocations (all, and those of at least 128 KiB).

use ferrodl_core::criterion::ClassNLLCriterion;
use ferrodl_core::gemm::{backend, set_backend, Backend};
use ferrodl_core::memory::CountingAllocator;
use ferrodl_core::spec::build_module;
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Model;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "common/lenet.rs"]
mod lenet;

/// The library's allocator (as the JNI library installs it), counting the allocations and those
/// of at least 128 KiB (glibc's initial mmap threshold: until malloc has adapted its thresholds,
/// each may cost fresh pages) to report them per step.
struct Census;

static LARGE: AtomicUsize = AtomicUsize::new(0);
static LARGE_BYTES: AtomicUsize = AtomicUsize::new(0);
static ALL: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `CountingAllocator`, which upholds GlobalAlloc's
// contract; the counters are plain atomics.
unsafe impl GlobalAlloc for Census {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALL.fetch_add(1, Ordering::Relaxed);
        if layout.size() >= 128 << 10 {
            LARGE.fetch_add(1, Ordering::Relaxed);
            LARGE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: the caller's layout goes to the inner allocator as is.
        unsafe { CountingAllocator.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, that is from the inner allocator, with this layout.
        unsafe { CountingAllocator.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Census = Census;
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
    // A first untimed round over every configuration: until malloc has adapted its thresholds
    // to the step's large buffers, each step pays for fresh pages, which would penalise
    // whichever configuration ran first (20-30% at batch 64).
    let rounds = [false, true]
        .into_iter()
        .flat_map(|timed| [(timed, Backend::Mkl), (timed, Backend::Rust)]);
    for (timed, b) in rounds {
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
            for _ in 0..if timed { 3 } else { 30 } {
                step(&mut model)?;
            }
            if !timed {
                continue;
            }
            let (all0, large0, bytes0) = (
                ALL.load(Ordering::Relaxed),
                LARGE.load(Ordering::Relaxed),
                LARGE_BYTES.load(Ordering::Relaxed),
            );
            step(&mut model)?;
            let census = (
                ALL.load(Ordering::Relaxed) - all0,
                LARGE.load(Ordering::Relaxed) - large0,
                (LARGE_BYTES.load(Ordering::Relaxed) - bytes0) >> 20,
            );
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
                "{name} {:>5} batch {batch:>4}: {:>8.0} samples/s ({:.2} ms per batch; per step \
                 {} allocations, {} of them >= 128 KiB, {} MiB)",
                backend().name(),
                batch as f64 / best,
                best * 1e3,
                census.0,
                census.1,
                census.2
            );
        }
    }
    Ok(())
}
