//! Forward + backward time of single layers at realistic shapes, on 1 and 2 threads.
//!
//! `cargo run --release -p ferrodl-core --example layer_bench [-- --smoke] [--only <case prefix>] [--cpu]` prints one line per
//! case: `<case> <threads> <milliseconds per forward+backward, median>`. Two threads run as
//! ferrodl's local mode does: two replicas, each on half the batch. `bash bench/run.sh` runs the
//! same cases in PyTorch (`bench/layers.py`) and reports the ratios.

use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Result;
use std::time::Instant;

/// (case, layer, input shape); the same list as `CASES` in `bench/layers.py`.
fn cases(smoke: bool) -> Vec<(&'static str, Node, Vec<usize>)> {
    let conv = |i: i64, o: i64, k: i64, pad: i64| {
        Node::new("SpatialConvolution")
            .ints("nInputPlane", &[i])
            .ints("nOutputPlane", &[o])
            .ints("kernelW", &[k])
            .ints("kernelH", &[k])
            .ints("padW", &[pad])
            .ints("padH", &[pad])
    };
    let b = |n: usize| if smoke { 4 } else { n };
    vec![
        (
            "conv_lenet1_5x5_1to6",
            conv(1, 6, 5, 0),
            vec![b(128), 1, 28, 28],
        ),
        (
            "conv_lenet2_5x5_6to12",
            conv(6, 12, 5, 0),
            vec![b(128), 6, 12, 12],
        ),
        (
            "conv_resnet_3x3_64to64",
            conv(64, 64, 3, 1),
            vec![b(32), 64, 28, 28],
        ),
        (
            "linear_784to1024",
            Node::new("Linear")
                .ints("inputSize", &[784])
                .ints("outputSize", &[1024]),
            vec![b(256), 784],
        ),
        (
            "linear_1024to1024",
            Node::new("Linear")
                .ints("inputSize", &[1024])
                .ints("outputSize", &[1024]),
            vec![b(256), 1024],
        ),
        (
            "maxpool_2x2_64ch_28",
            Node::new("SpatialMaxPooling")
                .ints("kW", &[2])
                .ints("kH", &[2])
                .ints("dW", &[2])
                .ints("dH", &[2]),
            vec![b(32), 64, 28, 28],
        ),
        (
            "lstm_seq50_100to128",
            Node::new("Recurrent").child(
                Node::new("LSTM")
                    .ints("inputSize", &[100])
                    .ints("hiddenSize", &[128]),
            ),
            vec![b(128), 50, 100],
        ),
        (
            "gru_seq50_100to128",
            Node::new("Recurrent").child(
                Node::new("GRU")
                    .ints("inputSize", &[100])
                    .ints("outputSize", &[128]),
            ),
            vec![b(128), 50, 100],
        ),
        (
            "batchnorm_64ch_28",
            Node::new("SpatialBatchNormalization").ints("nOutput", &[64]),
            vec![b(32), 64, 28, 28],
        ),
    ]
}

/// Median milliseconds of `reps` forward+backward passes of one replica over `shape`. The layer
/// runs as a module, as PyTorch's does in `bench/layers.py`: on a fixed input and output
/// gradient, with the model wrapper's input copy and NaN scan left out.
fn run(node: &Node, shape: &[usize], reps: usize) -> Result<Vec<f64>> {
    let mut module = build_module::<f32>(node)?;
    module.set_training(true);
    let mut params = vec![0.0f32; module.num_params()];
    let mut grads = params.clone();
    module.init_params(&mut params, &mut Rng::new(1));
    let n: usize = shape.iter().product();
    let x = from_vec(
        "x",
        shape,
        (0..n).map(|i| ((i % 97) as f32) / 97.0 - 0.5).collect(),
    )?;
    let t = Instant::now();
    let gy = module.forward(&params, &x)?;
    // Passes per sample: enough for 20 ms, above the CPU clock's granularity (a few ms).
    let inner = (0.02 / t.elapsed().as_secs_f64().max(1e-6)).clamp(1.0, 100.0) as usize;
    let mut times = Vec::with_capacity(reps);
    let cpu = std::env::args().any(|a| a == "--cpu");
    for rep in 0..reps + 2 {
        let (t, c) = (Instant::now(), thread_cpu_ns());
        for _ in 0..inner {
            let y = module.forward(&params, &x)?;
            module.backward(&params, &mut grads, &x, &y, &gy)?;
        }
        if rep >= 2 {
            let ms = match (cpu, c, thread_cpu_ns()) {
                (true, Some(a), Some(b)) => (b - a) as f64 / 1e6,
                _ => t.elapsed().as_secs_f64() * 1e3,
            };
            times.push(ms / inner as f64);
        }
    }
    Ok(times)
}

/// This thread's time on a CPU in nanoseconds (Linux `schedstat`): with `--cpu`, the bench
/// reports it instead of wall time, which on a shared machine also counts other processes' turns.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<()> {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let reps = if smoke { 2 } else { 15 };
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    for (case, node, shape) in cases(smoke) {
        if only.as_deref().is_some_and(|o| !case.starts_with(o)) {
            continue;
        }
        let one = median(run(&node, &shape, reps)?);
        // Two replicas on half the batch each, at the same time.
        let mut half = shape.clone();
        half[0] = half[0].div_ceil(2);
        let two = std::thread::scope(|s| {
            let a = s.spawn(|| run(&node, &half, reps));
            let b = run(&node, &half, reps);
            let a = a.join().unwrap_or_else(|_| Ok(Vec::new()));
            match (a, b) {
                (Ok(a), Ok(b)) if !a.is_empty() => {
                    Ok(a.iter().zip(&b).map(|(x, y)| x.max(*y)).collect::<Vec<_>>())
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
                _ => Ok(vec![f64::NAN]),
            }
        })?;
        println!("{case} 1 {one:.3}");
        println!("{case} 2 {:.3}", median(two));
    }
    Ok(())
}
