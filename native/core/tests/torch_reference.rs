//! Layers, losses and SGD against reference values from PyTorch (fixtures/torch_reference.txt,
//! made by fixtures/gen_torch_reference.py).

use ferrodl_core::criterion::{ClassNLLCriterion, Criterion};
use ferrodl_core::module::Module;
use ferrodl_core::nn::{
    relu, tanh, ConvConfig, Linear, LogSoftMax, Reshape, Sequential, SpatialConvolution,
    SpatialMaxPooling,
};
use ferrodl_core::optim::{OptimState, Sgd};

mod common;
use common::{get, Fixtures};

fn fixtures() -> Fixtures {
    common::parse(include_str!("fixtures/torch_reference.txt"))
}

fn flat(f: &Fixtures, keys: &[String]) -> Vec<f64> {
    keys.iter().flat_map(|k| f[k].1.clone()).collect()
}

fn assert_close(what: &str, want: &[f64], got: &[f64], tol: f64) {
    assert_eq!(want.len(), got.len(), "{what}: length");
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        assert!(
            (w - g).abs() <= tol * w.abs().max(1.0),
            "{what}[{i}]: torch {w}, ferrodl {g}"
        );
    }
}

fn check_module(f: &Fixtures, case: &str, m: &mut dyn Module<f64>, n_params: usize) {
    let x = get(f, &format!("{case}/input"));
    let params = flat(
        f,
        &(0..n_params)
            .map(|i| format!("{case}/param{i}"))
            .collect::<Vec<_>>(),
    );
    assert_eq!(params.len(), m.num_params(), "{case}: parameter count");
    let y = m.forward(&params, &x).expect("forward");
    let want_y = get(f, &format!("{case}/output"));
    assert_eq!(y.shape(), want_y.shape(), "{case}: output shape");
    assert_close(
        &format!("{case} output"),
        want_y.as_slice().expect("c"),
        &y.iter().copied().collect::<Vec<_>>(),
        1e-12,
    );
    let gy = get(f, &format!("{case}/grad_output"));
    let mut gp = vec![0.0; params.len()];
    let gx = m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    let want_gx = get(f, &format!("{case}/grad_input"));
    assert_close(
        &format!("{case} grad_input"),
        want_gx.as_slice().expect("c"),
        &gx.iter().copied().collect::<Vec<_>>(),
        1e-12,
    );
    let want_gp = flat(
        f,
        &(0..n_params)
            .map(|i| format!("{case}/grad_param{i}"))
            .collect::<Vec<_>>(),
    );
    assert_close(&format!("{case} grad_params"), &want_gp, &gp, 1e-12);
}

#[test]
fn layers_match_pytorch() {
    let f = fixtures();
    check_module(&f, "linear", &mut Linear::new(5, 3, true).expect("l"), 2);
    check_module(
        &f,
        "linear_nobias",
        &mut Linear::new(7, 4, false).expect("l"),
        1,
    );
    check_module(&f, "linear_1d", &mut Linear::new(3, 2, true).expect("l"), 2);
    check_module(&f, "tanh", &mut tanh(), 0);
    check_module(&f, "relu", &mut relu(), 0);
    check_module(&f, "logsoftmax", &mut LogSoftMax, 0);
    check_module(&f, "logsoftmax_1d", &mut LogSoftMax, 0);
    check_module(
        &f,
        "reshape",
        &mut Reshape::new(vec![12], None).expect("r"),
        0,
    );
}

fn conv(c: ConvConfig) -> SpatialConvolution {
    SpatialConvolution::new(c).expect("conv")
}

#[test]
fn convolution_and_pooling_match_pytorch() {
    let f = fixtures();
    check_module(&f, "conv", &mut conv(ConvConfig::new(3, 4, 2, 3)), 2);
    let strided = ConvConfig {
        stride_w: 3,
        stride_h: 2,
        pad_w: 2,
        pad_h: 1,
        ..ConvConfig::new(2, 3, 4, 3)
    };
    check_module(&f, "conv_stride_pad", &mut conv(strided), 2);
    let grouped = ConvConfig {
        pad_w: 1,
        pad_h: 1,
        n_group: 2,
        ..ConvConfig::new(4, 6, 3, 3)
    };
    check_module(&f, "conv_groups", &mut conv(grouped), 2);
    let nobias = ConvConfig {
        with_bias: false,
        ..ConvConfig::new(2, 3, 2, 2)
    };
    check_module(&f, "conv_nobias_3d", &mut conv(nobias), 1);
    check_module(&f, "conv_lenet", &mut conv(ConvConfig::new(1, 6, 5, 5)), 2);
    check_module(
        &f,
        "maxpool",
        &mut SpatialMaxPooling::new(2, 2, 2, 2, 0, 0, false).expect("pool"),
        0,
    );
    check_module(
        &f,
        "maxpool_ceil",
        &mut SpatialMaxPooling::new(3, 3, 2, 2, 0, 0, true).expect("pool"),
        0,
    );
    check_module(
        &f,
        "maxpool_pad",
        &mut SpatialMaxPooling::new(2, 3, 1, 2, 1, 1, false).expect("pool"),
        0,
    );
}

#[test]
fn softmax_and_average_pooling_match_pytorch() {
    use ferrodl_core::nn::{AvgPoolConfig, SoftMax, SpatialAveragePooling};
    let f = fixtures();
    check_module(&f, "softmax", &mut SoftMax::new(false), 0);
    check_module(&f, "softmax_4d", &mut SoftMax::new(false), 0);
    check_module(&f, "softmin", &mut SoftMax::new(true), 0);
    let pool = |c: AvgPoolConfig| SpatialAveragePooling::new(c).expect("pool");
    check_module(
        &f,
        "avgpool",
        &mut pool(AvgPoolConfig {
            d_w: 2,
            d_h: 2,
            ..AvgPoolConfig::new(2, 2)
        }),
        0,
    );
    let ceil = AvgPoolConfig {
        d_w: 2,
        d_h: 2,
        pad_w: 1,
        pad_h: 1,
        ceil_mode: true,
        ..AvgPoolConfig::new(3, 3)
    };
    check_module(&f, "avgpool_pad_ceil", &mut pool(ceil), 0);
    let excl = AvgPoolConfig {
        d_w: 2,
        d_h: 1,
        pad_w: 1,
        pad_h: 1,
        count_include_pad: false,
        ..AvgPoolConfig::new(3, 2)
    };
    check_module(&f, "avgpool_pad_excl", &mut pool(excl), 0);
    check_module(
        &f,
        "avgpool_sum",
        &mut pool(AvgPoolConfig {
            divide: false,
            ..AvgPoolConfig::new(2, 2)
        }),
        0,
    );
    check_module(
        &f,
        "avgpool_global",
        &mut pool(AvgPoolConfig {
            global_pooling: true,
            ..AvgPoolConfig::new(1, 1)
        }),
        0,
    );
}

#[test]
fn batch_normalization_matches_pytorch() {
    use ferrodl_core::nn::BatchNormalization;
    let f = fixtures();
    for (case, spatial) in [("bn", false), ("bn_spatial", true)] {
        let before = f[&format!("{case}/running_before")].1.clone();
        let mut m = BatchNormalization::new(3, 1e-5, 0.1, true, spatial).expect("bn");
        Module::<f64>::write_buffers(&mut m, &before);
        check_module(&f, case, &mut m, 2);
        // check_module ran one training forward pass: the running statistics moved as torch's did.
        let mut after = vec![0.0; 6];
        Module::<f64>::read_buffers(&m, &mut after);
        assert_close(
            &format!("{case} running statistics"),
            &f[&format!("{case}/running_after")].1,
            &after,
            1e-12,
        );
        let mut eval = BatchNormalization::new(3, 1e-5, 0.1, true, spatial).expect("bn");
        Module::<f64>::write_buffers(&mut eval, &before);
        Module::<f64>::set_training(&mut eval, false);
        check_module(&f, &format!("{case}_eval"), &mut eval, 2);
    }
}

#[test]
fn scale_and_shift_layers_match_pytorch() {
    use ferrodl_core::nn::{ScaleShift, ScaleShiftKind::*};
    let f = fixtures();
    let layer = |k| ScaleShift::new(k).expect("layer");
    check_module(&f, "cmul", &mut layer(CMul(vec![3, 1, 1])), 1);
    check_module(&f, "cadd", &mut layer(CAdd(vec![3])), 1);
    check_module(&f, "mul", &mut layer(Mul), 1);
    check_module(&f, "add", &mut layer(Add(4)), 1);
    check_module(&f, "prelu", &mut layer(PReLU(3)), 1);
    check_module(&f, "prelu_shared", &mut layer(PReLU(0)), 1);
}

#[test]
fn class_nll_matches_pytorch() {
    let f = fixtures();
    for (case, weighted, average) in [
        ("nll_mean", false, true),
        ("nll_sum", false, false),
        ("nll_weighted", true, true),
    ] {
        let weights = weighted.then(|| f[&format!("{case}/weights")].1.clone());
        let c = ClassNLLCriterion::new(weights, average).expect("criterion");
        let x = get(&f, &format!("{case}/input"));
        let t = get(&f, &format!("{case}/target"));
        let loss = Criterion::<f64>::forward(&c, &x, &t).expect("loss");
        assert_close(
            &format!("{case} loss"),
            &f[&format!("{case}/loss")].1,
            &[loss],
            1e-12,
        );
        let g = c.backward(&x, &t).expect("grad");
        assert_close(
            &format!("{case} grad"),
            &f[&format!("{case}/grad_input")].1,
            g.as_slice().expect("c"),
            1e-12,
        );
    }
}

#[test]
fn mlp_loss_and_flat_gradient_layout_match_pytorch() {
    let f = fixtures();
    let mut m = Sequential::<f64>::new()
        .add(Box::new(Reshape::new(vec![8], None).expect("r")))
        .add(Box::new(Linear::new(8, 6, true).expect("l")))
        .add(Box::new(tanh()))
        .add(Box::new(Linear::new(6, 3, true).expect("l")))
        .add(Box::new(LogSoftMax));
    let params = f["mlp/params"].1.clone();
    let x = get(&f, "mlp/input");
    let t = get(&f, "mlp/target");
    let y = m.forward(&params, &x).expect("forward");
    assert_close(
        "mlp output",
        &f["mlp/output"].1,
        y.as_slice().expect("c"),
        1e-12,
    );
    let c = ClassNLLCriterion::new(None, true).expect("c");
    let loss = Criterion::<f64>::forward(&c, &y, &t).expect("loss");
    assert_close("mlp loss", &f["mlp/loss"].1, &[loss], 1e-12);
    let gy = c.backward(&y, &t).expect("grad");
    let mut gp = vec![0.0; params.len()];
    m.backward(&params, &mut gp, &x, &y, &gy).expect("backward");
    assert_close("mlp grad_params", &f["mlp/grad_params"].1, &gp, 1e-12);
}

#[test]
fn sgd_matches_pytorch() {
    let f = fixtures();
    let cases = [
        (
            "sgd_momentum",
            Sgd {
                learning_rate: 0.1,
                momentum: 0.9,
                weight_decay: 0.01,
                ..Sgd::default()
            },
        ),
        (
            "sgd_nesterov",
            Sgd {
                learning_rate: 0.05,
                momentum: 0.5,
                nesterov: true,
                ..Sgd::default()
            },
        ),
        (
            "sgd_dampening",
            Sgd {
                learning_rate: 0.2,
                momentum: 0.8,
                dampening: 0.3,
                ..Sgd::default()
            },
        ),
    ];
    for (case, sgd) in cases {
        let sgd = sgd.validated().expect("sgd");
        let mut w: Vec<f32> = f[&format!("{case}/w0")]
            .1
            .iter()
            .map(|&v| v as f32)
            .collect();
        let mut state = OptimState::default();
        for i in 0..3 {
            let g: Vec<f32> = f[&format!("{case}/g{i}")]
                .1
                .iter()
                .map(|&v| v as f32)
                .collect();
            state = sgd.step(&mut w, &g, state).expect("step");
            let got: Vec<f64> = w.iter().map(|&v| v as f64).collect();
            assert_close(
                &format!("{case} step {i}"),
                &f[&format!("{case}/w{}", i + 1)].1,
                &got,
                1e-6,
            );
        }
    }
}

/// The `# <prefix> CASE NAME k=v,v ...` lines of the fixture file: a case name, and a description
/// of the layer or criterion with BigDL's parameter names (integers where `ints` says so, or
/// everywhere for `"*"`).
fn annotated(prefix: &str, ints: &[&str]) -> Vec<(String, ferrodl_core::spec::Node)> {
    include_str!("fixtures/torch_reference.txt")
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let case = parts.next().expect("case").to_string();
            let mut node = ferrodl_core::spec::Node::new(parts.next().expect("name"));
            for kv in parts {
                let (k, v) = kv.split_once('=').expect("k=v");
                let values: Vec<f64> = v.split(',').map(|x| x.parse().expect("number")).collect();
                node = if ints.contains(&k) || ints.contains(&"*") {
                    node.ints(k, &values.iter().map(|x| *x as i64).collect::<Vec<_>>())
                } else {
                    node.floats(k, &values)
                };
            }
            (case, node)
        })
        .collect()
}

#[test]
fn pointwise_layers_match_pytorch() {
    let f = fixtures();
    let cases = annotated("# pointwise ", &[]);
    assert!(cases.len() >= 20, "{} pointwise cases", cases.len());
    for (case, node) in cases {
        let mut m = ferrodl_core::spec::build_module::<f64>(&node).expect("pointwise layer");
        check_module(&f, &case, m.as_mut(), 0);
    }
}

#[test]
fn criterions_match_pytorch() {
    let f = fixtures();
    let cases = annotated(
        "# criterion ",
        &["sizeAverage", "logProbAsInput", "p", "nClasses"],
    );
    assert!(cases.len() >= 37, "{} criterion cases", cases.len());
    for (case, node) in cases {
        let c = ferrodl_core::spec::build_criterion::<f64>(&node).expect("criterion");
        check_criterion(&f, &case, c.as_ref());
    }
}

/// Compares a criterion's loss and gradient with the fixture's `case/loss` and `case/grad_input`.
fn check_criterion(f: &Fixtures, case: &str, c: &dyn Criterion<f64>) {
    let x = get(f, &format!("{case}/input"));
    let t = get(f, &format!("{case}/target"));
    let loss = c.forward(&x, &t).expect("loss");
    assert_close(
        &format!("{case} loss"),
        &f[&format!("{case}/loss")].1,
        &[loss],
        1e-10,
    );
    let g = c.backward(&x, &t).expect("grad");
    assert_close(
        &format!("{case} grad"),
        &f[&format!("{case}/grad_input")].1,
        &g.iter().copied().collect::<Vec<_>>(),
        1e-10,
    );
}

#[test]
fn composite_criterions_match_pytorch() {
    use ferrodl_core::spec::{build_criterion, Node};
    let f = fixtures();
    let multi = Node::new("MultiCriterion")
        .floats("weights", &[1.0, 0.25])
        .child(Node::new("CrossEntropyCriterion"))
        .child(Node::new("MultiMarginCriterion").ints("p", &[2]));
    let c = build_criterion::<f64>(&multi).expect("MultiCriterion");
    check_criterion(&f, "multi_ce_mm", c.as_ref());
    for (case, average) in [("timedist_ce_sum", 0), ("timedist_ce_mean", 1)] {
        let node = Node::new("TimeDistributedCriterion")
            .ints("sizeAverage", &[average])
            .child(Node::new("CrossEntropyCriterion"));
        let c = build_criterion::<f64>(&node).expect("TimeDistributedCriterion");
        check_criterion(&f, case, c.as_ref());
    }
}

#[test]
fn structural_layers_match_pytorch() {
    let f = fixtures();
    let cases = annotated("# shapeop ", &["*"]);
    assert!(cases.len() >= 16, "{} structural cases", cases.len());
    for (case, node) in cases {
        let mut m = ferrodl_core::spec::build_module::<f64>(&node).expect("layer");
        check_module(&f, &case, m.as_mut(), 0);
    }
}

#[test]
fn lookup_table_matches_pytorch() {
    let f = fixtures();
    check_module(
        &f,
        "lookup",
        &mut ferrodl_core::nn::LookupTable::new(6, 3, 0.0, false).expect("lookup"),
        1,
    );
}
