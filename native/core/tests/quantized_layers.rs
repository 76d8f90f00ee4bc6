//! Int8 inference: the i8 GEMM kernels, the quantization scheme, QuantizedLinear and
//! QuantizedSpatialConvolution against their float layers within the derived error bound, the
//! description transformation, and the inference-only error.

use ferrodl_core::gemm::{has_vnni, matmul_i8_with, Backend};
use ferrodl_core::nn::quantized::quantize;
use ferrodl_core::nn::quantized::scheme::{error_bound, quantize_weights, QMAX};
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::{Model, Tensor};

fn random(rng: &mut Rng, n: usize, scale: f64) -> Vec<f32> {
    (0..n).map(|_| rng.uniform(-scale, scale) as f32).collect()
}

fn model(node: &Node, weights: &[f32]) -> Model<f32> {
    let mut m = Model::from_block(build_block::<f32>(node).unwrap(), 1).unwrap();
    m.set_weights(weights).unwrap();
    m.set_training(false);
    m
}

fn run(m: &mut Model<f32>, shape: &[usize], x: &[f32]) -> Vec<f32> {
    let t = Tensor::from_shape_vec(shape.to_vec(), x.to_vec()).unwrap();
    m.forward(t).unwrap().iter().copied().collect()
}

#[test]
fn i8_gemm_kernels_match_the_naive_product() {
    let mut rng = Rng::new(7);
    for &(m, n, k) in &[
        (1, 1, 1),
        (3, 5, 7),
        (17, 4, 16),
        (33, 10, 150),
        (64, 6, 25),
        (5, 9, 801),
    ] {
        let a: Vec<i8> = (0..m * k)
            .map(|_| (rng.below(255) as i32 - 127) as i8)
            .collect();
        let b: Vec<i8> = (0..n * k)
            .map(|_| (rng.below(255) as i32 - 127) as i8)
            .collect();
        let mut want = vec![0i32; m * n];
        for i in 0..m {
            for j in 0..n {
                want[i * n + j] = (0..k)
                    .map(|t| a[i * k + t] as i32 * b[j * k + t] as i32)
                    .sum();
            }
        }
        let mut backends = vec![Backend::Rust];
        if has_vnni() {
            backends.push(Backend::Mkl);
        }
        for be in backends {
            let mut c = vec![1i32; m * n];
            matmul_i8_with(be, (m, n, k), &a, &b, &mut c).unwrap();
            assert_eq!(c, want, "{be:?} {m}x{n}x{k}");
        }
    }
    // Extreme codes everywhere: exact (no saturation) on every kernel.
    let (m, n, k) = (4, 4, 1000);
    let a = vec![-127i8; m * k];
    let b = vec![127i8; n * k];
    for be in [Backend::Rust, Backend::Auto] {
        let mut c = vec![0i32; m * n];
        matmul_i8_with(be, (m, n, k), &a, &b, &mut c).unwrap();
        assert!(c.iter().all(|v| *v == -127 * 127 * 1000), "{be:?}");
    }
    let err = matmul_i8_with(Backend::Rust, (2, 2, 2), &[0; 4], &[0; 3], &mut [0; 4]);
    assert!(err.unwrap_err().to_string().contains("gemm i8"));
}

#[test]
fn per_channel_scales_are_calibrated_from_the_weights() {
    let w = [0.5f32, -1.0, 0.25, 0.0, 0.0, 0.0, 0.1, 0.2, -0.3];
    let (codes, scales) = quantize_weights(&w, 3, 3);
    assert_eq!(scales[0], 1.0 / QMAX);
    assert_eq!(scales[1], 0.0, "a channel of zeros gets scale 0");
    assert_eq!(scales[2], 0.3 / QMAX);
    assert_eq!(&codes[..3], &[64.0, -127.0, 32.0]); // 63.5 rounds away from zero, 31.75 to 32
    assert_eq!(&codes[3..6], &[0.0, 0.0, 0.0]);
    assert_eq!(&codes[6..], &[42.0, 85.0, -127.0]); // 42.33, 84.67, -127
}

fn linear_node(i: usize, o: usize) -> Node {
    Node::new("Linear")
        .ints("inputSize", &[i as i64])
        .ints("outputSize", &[o as i64])
}

#[test]
fn hand_computed_quantized_linear() {
    // W = [[1, -0.5], [0, 0]], b = [0.1, 0.2], x = [0.5, -1].
    // s_w = [1/127, 0], codes [[127, -64], [0, 0]]; s_x = 1/127, codes [64, -127].
    // y0 = (127·64 + 64·127) / 127² + 0.1 = 16256/16129 + 0.1; y1 = 0.2 (zero channel).
    let node = Node::new("Sequential").child(linear_node(2, 2));
    let (q, qw) = quantize(&node, &[1.0, -0.5, 0.0, 0.0, 0.1, 0.2]).unwrap();
    assert_eq!(q.children[0].kind, "QuantizedLinear");
    assert_eq!(qw, vec![127.0, -64.0, 0.0, 0.0, 1.0 / 127.0, 0.0, 0.1, 0.2]);
    let y = run(&mut model(&q, &qw), &[1, 2], &[0.5, -1.0]);
    assert!((y[0] - (16256.0 / 16129.0 + 0.1)).abs() < 1e-6, "{y:?}");
    assert_eq!(y[1], 0.2);
}

#[test]
fn quantized_linear_is_within_the_error_bound() {
    let mut rng = Rng::new(3);
    let (i, o, batch) = (37, 11, 6);
    let node = linear_node(i, o);
    let mut w = random(&mut rng, o * i + o, 0.3);
    w[2 * i..3 * i].iter_mut().for_each(|v| *v = 0.0); // a zero channel
    let mut x = random(&mut rng, batch * i, 2.0);
    x[i..2 * i].iter_mut().for_each(|v| *v = 0.0); // a zero sample
    x[3 * i] = 40.0; // an outlier in one sample does not affect the others
    let yf = run(&mut model(&node, &w), &[batch, i], &x);
    let (q, qw) = quantize(&node, &w).unwrap();
    assert_eq!(q.kind, "QuantizedLinear");
    let yq = run(&mut model(&q, &qw), &[batch, i], &x);
    let mut max_err = 0f32;
    for b in 0..batch {
        for c in 0..o {
            let (xr, wr) = (&x[b * i..(b + 1) * i], &w[c * i..(c + 1) * i]);
            let bound = error_bound(xr, wr) * 1.001 + 1e-5;
            let err = (yf[b * o + c] - yq[b * o + c]).abs();
            assert!(
                err <= bound,
                "sample {b} channel {c}: error {err} > bound {bound}"
            );
            max_err = max_err.max(err);
        }
        assert_eq!(yq[b * o + 2], w[o * i + 2], "zero channel gives the bias");
    }
    for c in 0..o {
        assert_eq!(yq[o + c], w[o * i + c], "zero sample gives the bias");
    }
    assert!(
        max_err > 0.0,
        "the int8 path must differ from float somewhere"
    );
}

/// Float conv vs its quantized version, every output within `s_x/2·‖w‖₁ + s_w/2·K·max|x|`
/// (each dequantized input is at most max|x| in size, K the weights per output plane).
fn check_conv(node: Node, (c, h, wd): (usize, usize, usize), o: usize, k: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let batch = 3;
    let n_w = o * k + o;
    let mut w = random(&mut rng, n_w, 0.4);
    w[..k].iter_mut().for_each(|v| *v = 0.0); // output plane 0 is a zero channel
    let x = random(&mut rng, batch * c * h * wd, 1.5);
    let shape = [batch, c, h, wd];
    let yf = run(&mut model(&node, &w), &shape, &x);
    let (q, qw) = quantize(&node, &w).unwrap();
    assert_eq!(q.kind, "QuantizedSpatialConvolution");
    let yq = run(&mut model(&q, &qw), &shape, &x);
    assert_eq!(yf.len(), yq.len());
    let l = yf.len() / (batch * o);
    let mut max_err = 0f32;
    for b in 0..batch {
        let img = &x[b * c * h * wd..(b + 1) * c * h * wd];
        let xmax = img.iter().fold(0f32, |m, v| m.max(v.abs()));
        let sx = xmax / QMAX;
        for p in 0..o {
            let wr = &w[p * k..(p + 1) * k];
            let sw = wr.iter().fold(0f32, |m, v| m.max(v.abs())) / QMAX;
            let w1: f32 = wr.iter().map(|v| v.abs()).sum();
            let bound = (sx / 2.0 * w1 + sw / 2.0 * k as f32 * xmax) * 1.001 + 1e-5;
            for t in 0..l {
                let at = (b * o + p) * l + t;
                let err = (yf[at] - yq[at]).abs();
                assert!(
                    err <= bound,
                    "{node:?}: image {b} plane {p}: {err} > {bound}"
                );
                max_err = max_err.max(err);
            }
        }
        for t in 0..l {
            assert_eq!(yq[b * o * l + t], w[o * k], "zero channel gives the bias");
        }
    }
    assert!(max_err > 0.0);
}

#[test]
fn quantized_convolutions_are_within_the_error_bound() {
    let conv = |i: i64, o: i64, k: i64| {
        Node::new("SpatialConvolution")
            .ints("nInputPlane", &[i])
            .ints("nOutputPlane", &[o])
            .ints("kernelW", &[k])
            .ints("kernelH", &[k])
    };
    check_conv(conv(3, 4, 3), (3, 7, 6), 4, 27, 1);
    let strided = conv(2, 5, 3).ints("strideW", &[2]).ints("padH", &[1]);
    check_conv(strided, (2, 8, 9), 5, 18, 2);
    let same = conv(4, 6, 3)
        .ints("padW", &[-1])
        .ints("padH", &[-1])
        .ints("nGroup", &[2]);
    check_conv(same, (4, 5, 7), 6, 18, 3);
    let dilated = Node::new("SpatialDilatedConvolution")
        .ints("nInputPlane", &[3])
        .ints("nOutputPlane", &[4])
        .ints("kW", &[3])
        .ints("kH", &[2])
        .ints("padW", &[1])
        .ints("dilationW", &[2])
        .ints("dilationH", &[3]);
    check_conv(dilated, (3, 9, 8), 4, 18, 4);
}

#[test]
fn quantize_walks_containers_and_keeps_other_layers() {
    let net = Node::new("Sequential")
        .child(
            Node::new("SpatialConvolution")
                .ints("nInputPlane", &[1])
                .ints("nOutputPlane", &[2])
                .ints("kernelW", &[3])
                .ints("kernelH", &[3]),
        )
        .child(Node::new("SpatialBatchNormalization").ints("nOutput", &[2]))
        .child(Node::new("ReLU"))
        .child(Node::new("Reshape").ints("size", &[8]))
        .child(linear_node(8, 3).ints("withBias", &[0]))
        .child(Node::new("LogSoftMax"));
    let mut rng = Rng::new(5);
    let n = 2 * 9 + 2 + 4 + 8 * 3;
    let w = random(&mut rng, n, 0.5);
    let (q, qw) = quantize(&net, &w).unwrap();
    let kinds: Vec<&str> = q.children.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "QuantizedSpatialConvolution",
            "SpatialBatchNormalization",
            "ReLU",
            "Reshape",
            "QuantizedLinear",
            "LogSoftMax"
        ]
    );
    assert_eq!(qw.len(), n + 2 + 3);
    assert_eq!(
        &qw[2 * 9 + 2 + 2..2 * 9 + 2 + 2 + 4],
        &w[2 * 9 + 2..2 * 9 + 2 + 4]
    );
    let x = random(&mut rng, 2 * 16, 1.0);
    let yf = run(&mut model(&net, &w), &[2, 1, 4, 4], &x);
    let yq = run(&mut model(&q, &qw), &[2, 1, 4, 4], &x);
    for (a, b) in yf.iter().zip(&yq) {
        assert!((a - b).abs() < 0.05, "{yf:?} vs {yq:?}");
    }
    let short = quantize(&net, &w[..n - 1]).unwrap_err().to_string();
    assert!(short.contains("Linear needs 24 weights"), "{short}");
    let long = quantize(&net, &[w.clone(), vec![0.0]].concat())
        .unwrap_err()
        .to_string();
    assert!(long.contains("weights buffer has"), "{long}");
}

#[test]
fn quantized_layers_refuse_backward_naming_the_layer() {
    let node = Node::new("Sequential").child(linear_node(4, 2));
    let (q, qw) = quantize(&node, &[0.5; 10]).unwrap();
    let mut m = model(&q, &qw);
    run(&mut m, &[1, 4], &[1.0, 2.0, 3.0, 4.0]);
    let gy = Tensor::from_shape_vec(vec![1, 2], vec![1.0, 1.0]).unwrap();
    let err = m.backward(&gy).unwrap_err().to_string();
    assert!(
        err.contains("QuantizedLinear(4 -> 2)") && err.contains("inference-only"),
        "{err}"
    );
    let bad = Tensor::from_shape_vec(vec![1, 4], vec![1.0, f32::NAN, 0.0, 0.0]).unwrap();
    let err = m.forward(bad).unwrap_err().to_string();
    assert!(err.contains("NaN"), "{err}");
}
