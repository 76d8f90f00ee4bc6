//! Finite-difference gradient checks, in f64, for every layer and loss.

use ferrodl_core::criterion::{ClassNLLCriterion, Criterion};
use ferrodl_core::gradcheck::{check_criterion, check_module};
use ferrodl_core::module::Module;
use ferrodl_core::nn::{
    relu, tanh, ConvConfig, Linear, LogSoftMax, Reshape, Sequential, SpatialConvolution,
    SpatialMaxPooling,
};
use ferrodl_core::rng::Rng;
use ferrodl_core::tensor::{from_vec, Tensor};

const TOL: f64 = 1e-6;

fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = Rng::new(seed);
    let n = shape.iter().product();
    from_vec(
        "test",
        shape,
        (0..n).map(|_| rng.uniform(-2.0, 2.0)).collect(),
    )
    .expect("shape")
}

fn params(m: &dyn Module<f64>, seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut Rng::new(seed));
    p
}

fn assert_module(m: &mut dyn Module<f64>, shape: &[usize], seed: u64) {
    let p = params(m, seed);
    let x = random(shape, seed + 1);
    let r = check_module(m, &p, &x, seed + 2).expect("gradcheck runs");
    assert!(
        r.input_error < TOL && r.param_error < TOL,
        "{} at {shape:?}: {r:?}",
        m.describe()
    );
}

#[test]
fn linear() {
    for (i, o, bias, shape) in [
        (5, 3, true, vec![4, 5]),
        (7, 1, false, vec![2, 7]),
        (3, 6, true, vec![3]),
        (1, 1, true, vec![9, 1]),
    ] {
        assert_module(
            &mut Linear::new(i, o, bias).expect("linear"),
            &shape,
            10 + i as u64,
        );
    }
}

#[test]
fn reshape() {
    assert_module(&mut Reshape::new(vec![12], None).expect("r"), &[2, 3, 4], 1);
    assert_module(&mut Reshape::new(vec![3, 4], None).expect("r"), &[12], 2);
    assert_module(
        &mut Reshape::new(vec![6], Some(true)).expect("r"),
        &[1, 2, 3],
        3,
    );
}

#[test]
fn activations() {
    assert_module(&mut tanh(), &[3, 5], 4);
    assert_module(&mut tanh(), &[7], 5);
    assert_module(&mut LogSoftMax, &[4, 6], 6);
    assert_module(&mut LogSoftMax, &[5], 7);
}

#[test]
fn relu_away_from_the_kink() {
    let mut m = relu();
    let x = random(&[4, 5], 8).mapv(|v| if v.abs() < 0.1 { 0.5 } else { v });
    let r = check_module(&mut m, &[], &x, 9).expect("gradcheck");
    assert!(r.input_error < TOL, "{r:?}");
}

#[test]
fn sequential_mlp() {
    let mut m = Sequential::<f64>::new()
        .add(Box::new(Reshape::new(vec![12], None).expect("r")))
        .add(Box::new(Linear::new(12, 8, true).expect("l")))
        .add(Box::new(tanh()))
        .add(Box::new(Linear::new(8, 4, true).expect("l")))
        .add(Box::new(LogSoftMax));
    assert_module(&mut m, &[3, 3, 4], 11);
}

#[test]
fn class_nll() {
    let x = random(&[5, 4], 12);
    let t = from_vec("t", &[5], vec![1.0, 4.0, 2.0, 2.0, 3.0]).expect("t");
    for c in [
        ClassNLLCriterion::new(None, true),
        ClassNLLCriterion::new(None, false),
        ClassNLLCriterion::new(Some(vec![0.5, 2.0, 1.0, 0.1]), true),
    ] {
        let c = c.expect("criterion");
        let err = check_criterion(&c, &x, &t).expect("check");
        assert!(err < TOL, "{err}");
    }
    let probs = x.mapv(|v| 0.05 + (v + 2.0) / 4.5);
    let padded = from_vec("t", &[5], vec![1.0, -1.0, 2.0, 2.0, -1.0]).expect("t");
    let c = ClassNLLCriterion::new(None, true)
        .expect("c")
        .log_prob_input(false);
    assert!(check_criterion(&c, &probs, &padded).expect("check") < TOL);
    let c = ClassNLLCriterion::new(None, true).expect("c");
    let loss = Criterion::<f64>::forward(&c, &x, &padded).expect("padding skipped");
    assert!((loss + (x[[0, 0]] + x[[2, 1]] + x[[3, 1]]) / 3.0).abs() < 1e-12);
    let single = random(&[4], 13);
    let t1 = from_vec("t", &[1], vec![3.0]).expect("t");
    let c = ClassNLLCriterion::new(None, true).expect("c");
    assert!(check_criterion(&c, &single, &t1).expect("check") < TOL);
    assert!((Criterion::<f64>::forward(&c, &single, &t1).expect("f") + single[[2]]).abs() < 1e-12);
}

#[test]
fn spatial_convolution() {
    let cases = [
        (ConvConfig::new(2, 3, 3, 3), vec![2, 2, 5, 6]),
        (
            ConvConfig {
                stride_w: 2,
                stride_h: 3,
                pad_w: 1,
                pad_h: 2,
                ..ConvConfig::new(1, 2, 2, 3)
            },
            vec![1, 1, 7, 5],
        ),
        (
            ConvConfig {
                n_group: 2,
                with_bias: false,
                ..ConvConfig::new(4, 2, 1, 2)
            },
            vec![2, 4, 3, 3],
        ),
        (
            ConvConfig {
                pad_w: -1,
                pad_h: -1,
                stride_w: 2,
                stride_h: 2,
                ..ConvConfig::new(2, 2, 3, 3)
            },
            vec![2, 5, 4],
        ),
    ];
    for (i, (c, shape)) in cases.into_iter().enumerate() {
        assert_module(
            &mut SpatialConvolution::new(c).expect("conv"),
            &shape,
            20 + i as u64,
        );
    }
}

#[test]
fn spatial_max_pooling_away_from_ties() {
    // Distinct values a clear margin apart, so that no finite-difference step changes an argmax.
    for (i, (pool, shape)) in [
        (
            SpatialMaxPooling::new(2, 2, 2, 2, 0, 0, false),
            vec![2, 2, 4, 6],
        ),
        (
            SpatialMaxPooling::new(3, 3, 2, 2, 1, 1, true),
            vec![1, 3, 6, 5],
        ),
        (
            SpatialMaxPooling::new(2, 2, 1, 1, -1, -1, false),
            vec![2, 5, 5],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = pool.expect("pool");
        let n: usize = shape.iter().product();
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = Rng::new(40 + i as u64);
        for k in (1..n).rev() {
            order.swap(k, rng.below(k as u64 + 1) as usize);
        }
        let x = from_vec(
            "x",
            &shape,
            order.iter().map(|&v| v as f64 * 0.01).collect(),
        )
        .expect("x");
        let r = check_module(&mut m, &[], &x, 50 + i as u64).expect("gradcheck");
        assert!(r.input_error < TOL, "{shape:?}: {r:?}");
    }
}

#[test]
fn same_padding_keeps_ceil_of_size_over_stride_and_bad_shapes_are_named() {
    let mut c = SpatialConvolution::new(ConvConfig {
        pad_w: -1,
        pad_h: -1,
        stride_w: 2,
        stride_h: 2,
        ..ConvConfig::new(1, 1, 3, 3)
    })
    .expect("conv");
    let p = params(&c, 1);
    let y = c.forward(&p, &random(&[2, 1, 7, 8], 2)).expect("forward");
    assert_eq!(y.shape(), &[2, 1, 4, 4]);
    let e = c
        .forward(&p, &random(&[2, 3, 7, 8], 2))
        .expect_err("wrong channels");
    assert!(
        e.to_string().contains("[batch, 1, H, W]") && e.to_string().contains("[2, 3, 7, 8]"),
        "{e}"
    );
    let mut small = SpatialConvolution::new(ConvConfig::new(1, 1, 5, 5)).expect("conv");
    let e = small
        .forward(&params(&small, 1), &random(&[1, 1, 3, 3], 3))
        .expect_err("too small");
    assert!(e.to_string().contains("5x5"), "{e}");
    assert!(SpatialConvolution::new(ConvConfig {
        n_group: 2,
        ..ConvConfig::new(3, 4, 3, 3)
    })
    .is_err());
}

#[test]
fn pointwise_layers() {
    use ferrodl_core::nn::{Pointwise, PointwiseFn::*};
    let fns = [
        Sigmoid,
        ReLU6,
        LeakyReLU { negval: 0.1 },
        ELU { alpha: 0.7 },
        HardTanh {
            min: -0.5,
            max: 0.8,
        },
        HardSigmoid,
        LogSigmoid,
        SoftPlus { beta: 1.5 },
        SoftSign,
        SoftShrink { lambda: 0.3 },
        HardShrink { lambda: 0.3 },
        TanhShrink,
        Threshold { th: 0.2, v: 1.0 },
        Abs,
        Square,
        Sqrt,
        Exp,
        Log,
        Power {
            power: 1.7,
            scale: 0.5,
            shift: 2.5,
        },
        MulConstant { scalar: 2.5 },
        AddConstant { constant: -1.0 },
    ];
    for (i, f) in fns.into_iter().enumerate() {
        let positive = matches!(f, Sqrt | Log);
        let name = format!("{f:?}");
        let mut m = Pointwise::new(f).expect("layer");
        // Keep inputs a margin away from every kink (0, ±λ, thresholds, ±2.5, 6).
        let x = random(&[3, 5], 60 + i as u64).mapv(|v| {
            let v = if positive { v.abs() + 0.2 } else { v * 3.5 };
            let kinks = [0.0, 0.2, -0.3, 0.3, -0.5, 0.8, 2.5, -2.5, 6.0];
            if kinks.iter().any(|k| (v - k).abs() < 0.05) {
                v + 0.11
            } else {
                v
            }
        });
        let r = check_module(&mut m, &[], &x, 70 + i as u64).expect("gradcheck");
        assert!(r.input_error < TOL, "{name}: {r:?}");
    }
}

#[test]
fn elementwise_criterions_and_cross_entropy() {
    use ferrodl_core::criterion::{CrossEntropyCriterion, ElementLoss::*, ElementwiseCriterion};
    let x = random(&[3, 4], 90);
    let t = random(&[3, 4], 91);
    let prob = x.mapv(|v| 0.1 + 0.8 * (v + 2.0) / 4.0);
    let bits = t.mapv(|v| if v > 0.0 { 1.0 } else { 0.0 });
    let signs = bits.mapv(|b| 2.0 * b - 1.0);
    let positive = t.mapv(|v| v.abs() + 0.5);
    let cases: Vec<(_, &Tensor<f64>, &Tensor<f64>)> = vec![
        (Mse, &x, &t),
        (Abs, &x, &t),
        (SmoothL1, &x, &t),
        (
            Bce {
                weights: Some(vec![0.5, 1.0, 2.0, 0.25]),
            },
            &prob,
            &bits,
        ),
        (SoftMargin, &x, &signs),
        (DistKLDiv, &x, &positive),
        (
            Margin {
                margin: 0.5,
                squared: true,
            },
            &x,
            &signs,
        ),
        (MeanAbsolutePercentage, &x, &positive),
        (MeanSquaredLogarithmic, &positive, &prob),
        (Poisson, &positive, &positive),
    ];
    for (loss, input, target) in cases {
        let name = loss.name();
        for average in [true, false] {
            let c = ElementwiseCriterion::new(loss.clone(), average).expect("criterion");
            let err = check_criterion(&c, input, target).expect("check");
            assert!(err < TOL, "{name} (sizeAverage {average}): {err}");
        }
    }
    let ce = CrossEntropyCriterion::new(Some(vec![1.0, 0.5, 2.0, 1.0]), true).expect("ce");
    let labels = from_vec("t", &[3], vec![2.0, 4.0, 1.0]).expect("t");
    assert!(check_criterion(&ce, &x, &labels).expect("check") < TOL);
    let bad = ElementwiseCriterion::new(Mse, true).expect("mse");
    let e = Criterion::<f64>::forward(&bad, &x, &random(&[5], 1)).expect_err("shape");
    assert!(
        e.to_string().contains("MSECriterion (target)") && e.to_string().contains("[5]"),
        "{e}"
    );
}

#[test]
fn softmax_softmin_and_average_pooling() {
    use ferrodl_core::nn::{AvgPoolConfig, SoftMax, SpatialAveragePooling};
    for (i, shape) in [vec![5], vec![3, 4], vec![2, 3, 2], vec![2, 3, 2, 2]]
        .into_iter()
        .enumerate()
    {
        assert_module(&mut SoftMax::new(false), &shape, 100 + i as u64);
        assert_module(&mut SoftMax::new(true), &shape, 110 + i as u64);
    }
    let configs = [
        AvgPoolConfig {
            d_w: 2,
            d_h: 2,
            ..AvgPoolConfig::new(2, 2)
        },
        AvgPoolConfig {
            d_w: 2,
            d_h: 1,
            pad_w: 1,
            pad_h: 1,
            ceil_mode: true,
            count_include_pad: false,
            ..AvgPoolConfig::new(3, 2)
        },
        AvgPoolConfig {
            global_pooling: true,
            ..AvgPoolConfig::new(1, 1)
        },
        AvgPoolConfig {
            divide: false,
            ..AvgPoolConfig::new(3, 3)
        },
    ];
    for (i, c) in configs.into_iter().enumerate() {
        let mut m = SpatialAveragePooling::new(c).expect("pool");
        assert_module(&mut m, &[2, 2, 5, 6], 120 + i as u64);
    }
}

#[test]
fn dropout_masks_scales_and_is_reproducible() {
    use ferrodl_core::nn::Dropout;
    let x = random(&[50, 40], 130);
    let mut d = Dropout::new(0.3, true).expect("dropout");
    Module::<f64>::reseed(&mut d, 7);
    let y = d.forward(&[], &x).expect("forward");
    let dropped = y.iter().filter(|v| **v == 0.0).count() as f64 / y.len() as f64;
    assert!((dropped - 0.3).abs() < 0.03, "dropped {dropped}");
    for (a, b) in x.iter().zip(y.iter()) {
        assert!(*b == 0.0 || (b - a / 0.7).abs() < 1e-12);
    }
    // The backward pass uses the forward pass's mask: for a fixed mask the layer is linear, so
    // its gradient with gradOutput = 1 is the output divided by the input.
    let ones = x.mapv(|_| 1.0);
    let g = d.backward(&[], &mut [], &x, &y, &ones).expect("backward");
    for ((gx, yv), xv) in g.iter().zip(y.iter()).zip(x.iter()) {
        assert!((gx * xv - yv).abs() < 1e-12);
    }
    let mut again = Dropout::new(0.3, true).expect("dropout");
    Module::<f64>::reseed(&mut again, 7);
    assert_eq!(again.forward(&[], &x).expect("forward"), y);
    Module::<f64>::set_training(&mut d, false);
    assert_eq!(d.forward(&[], &x).expect("eval"), x);
    let mut unscaled = Dropout::new(0.25, false).expect("dropout");
    Module::<f64>::set_training(&mut unscaled, false);
    assert_eq!(
        unscaled.forward(&[], &x).expect("eval"),
        x.mapv(|v| v * 0.75)
    );
    assert!(Dropout::new(1.0, true).is_err());
}

#[test]
fn batch_normalization_training_and_evaluation() {
    use ferrodl_core::nn::BatchNormalization;
    for (i, (spatial, affine, shape)) in [
        (false, true, vec![5, 3]),
        (false, false, vec![4, 2]),
        (true, true, vec![2, 3, 3, 2]),
        (true, true, vec![3, 2, 2]),
    ]
    .into_iter()
    .enumerate()
    {
        let c = if spatial {
            shape[shape.len() - 3]
        } else {
            shape[1]
        };
        let mut m = BatchNormalization::new(c, 1e-5, 0.1, affine, spatial).expect("bn");
        assert_module(&mut m, &shape, 140 + i as u64);
        Module::<f64>::set_training(&mut m, false);
        assert_module(&mut m, &shape, 150 + i as u64);
    }
    let mut m = BatchNormalization::new(3, 1e-5, 0.1, true, false).expect("bn");
    let e = m
        .forward(&params(&m, 1), &random(&[1, 3], 1))
        .expect_err("one value per channel");
    assert!(e.to_string().contains("more than one value"), "{e}");
    let e = m
        .forward(&params(&m, 1), &random(&[2, 4], 1))
        .expect_err("channels");
    assert!(
        e.to_string().contains("[batch, 3]") && e.to_string().contains("[2, 4]"),
        "{e}"
    );
}

#[test]
fn scale_and_shift_layers() {
    use ferrodl_core::nn::{ScaleShift, ScaleShiftKind::*};
    let cases = [
        (CMul(vec![1, 3, 1, 2]), vec![2, 1, 3, 4, 2]),
        (CMul(vec![4]), vec![4]),
        (CAdd(vec![2, 1]), vec![3, 2, 5]),
        (Mul, vec![3, 4]),
        (Add(5), vec![2, 5]),
        (Add(6), vec![2, 3]),
        (PReLU(3), vec![2, 3, 2, 2]),
        (PReLU(0), vec![4, 3]),
    ];
    for (i, (kind, shape)) in cases.into_iter().enumerate() {
        let mut m = ScaleShift::new(kind).expect("layer");
        // Keep PReLU inputs away from its kink at 0.
        let p = params(&m, 160 + i as u64);
        let x = random(&shape, 170 + i as u64).mapv(|v| if v.abs() < 0.05 { v + 0.1 } else { v });
        let r = check_module(&mut m, &p, &x, 180 + i as u64).expect("gradcheck");
        assert!(
            r.input_error < TOL && r.param_error < TOL,
            "{} {shape:?}: {r:?}",
            Module::<f64>::describe(&m)
        );
    }
    let mut bad = ScaleShift::new(CMul(vec![3])).expect("layer");
    let e = bad
        .forward(&[1.0; 3], &random(&[2, 4], 1))
        .expect_err("shape");
    assert!(
        e.to_string().contains("CMul") && e.to_string().contains("[2, 4]"),
        "{e}"
    );
}

#[test]
fn structural_layers_and_their_errors() {
    use ferrodl_core::nn::{ShapeLayer, ShapeOp::*};
    let ops = [
        (
            View {
                sizes: vec![-1, 2],
                num_input_dims: Some(2),
            },
            vec![3, 2, 4],
        ),
        (
            Squeeze {
                dim: None,
                num_input_dims: None,
            },
            vec![2, 1, 3],
        ),
        (
            Unsqueeze {
                pos: -1,
                num_input_dims: None,
            },
            vec![2, 3],
        ),
        (
            Transpose {
                pairs: vec![(1, 2), (2, 3)],
            },
            vec![2, 3, 4],
        ),
        (
            Narrow {
                dim: -1,
                offset: 2,
                length: 2,
            },
            vec![3, 5],
        ),
        (Select { dim: 3, index: 2 }, vec![2, 2, 3]),
    ];
    for (i, (op, shape)) in ops.into_iter().enumerate() {
        assert_module(&mut ShapeLayer::new(op), &shape, 200 + i as u64);
    }
    let mut narrow = ShapeLayer::new(Narrow {
        dim: 2,
        offset: 4,
        length: 3,
    });
    let e = narrow
        .forward(&[], &random(&[2, 5], 1))
        .expect_err("out of range");
    assert!(
        e.to_string().contains("Narrow") && e.to_string().contains("[2, 5]"),
        "{e}"
    );
    let mut view = ShapeLayer::new(View {
        sizes: vec![7],
        num_input_dims: None,
    });
    assert!(view.forward(&[], &random(&[2, 5], 1)).is_err());
    let mut select = ShapeLayer::new(Select { dim: 4, index: 1 });
    assert!(select.forward(&[], &random(&[2, 5], 1)).is_err());
}

#[test]
fn reductions_and_lookup_table() {
    use ferrodl_core::nn::{LookupTable, Reduce, ReduceKind::*};
    let cases = [
        (Reduce::new(Sum, 2, None, true), vec![3, 4, 2]),
        (Reduce::new(Mean, -1, None, false), vec![3, 4]),
        (Reduce::new(Sum, 1, Some(1), true), vec![5, 3]),
        (Reduce::new(Max, 1, None, true), vec![4, 3]),
        (Reduce::new(Min, 3, None, true), vec![2, 2, 5]),
    ];
    for (i, (m, shape)) in cases.into_iter().enumerate() {
        assert_module(&mut m.expect("reduce"), &shape, 220 + i as u64);
    }
    let mut table = LookupTable::new(5, 3, 2.0, true).expect("lookup");
    let p = params(&table, 1);
    let idx = from_vec("idx", &[2, 3], vec![1.0, 2.0, 4.0, 4.0, 5.0, 2.0]).expect("idx");
    let y = table.forward(&p, &idx).expect("forward");
    assert_eq!(y.shape(), &[2, 3, 3]);
    let mut gp = vec![0.0; p.len()];
    table
        .backward(&p, &mut gp, &idx, &y, &y.mapv(|_| 1.0))
        .expect("backward");
    // Index 2 is padding (no gradient); index 4 occurs twice and is scaled by 1/2.
    assert_eq!(&gp[3..6], &[0.0, 0.0, 0.0]);
    assert_eq!(&gp[9..12], &[1.0, 1.0, 1.0]);
    assert_eq!(&gp[0..3], &[1.0, 1.0, 1.0]);
    let e = table
        .forward(&p, &from_vec("idx", &[1], vec![6.0]).expect("idx"))
        .expect_err("range");
    assert!(
        e.to_string().contains("LookupTable") && e.to_string().contains("[1, 5]"),
        "{e}"
    );
}
