//! 20-step trajectories of every optimisation method and schedule, on a fixed quadratic and on
//! the gradient sequence of a small MLP, against fixtures/optim_reference.txt (made by
//! fixtures/gen_optim_reference.py).
//!
//! Each case says where its reference comes from: PyTorch (`torch.optim.*` and
//! `torch.optim.lr_scheduler`), or BigDL's formulas written out in the script where PyTorch has
//! no equivalent or differs from BigDL.

mod optim_cases;

use ferrodl_core::spec::build_optim;
use optim_cases::{cases, fixtures, floats, get, run, Reference};

fn compare(what: &str, reference: Reference, want: &[f64], got: &[Vec<f32>]) {
    let n = got[0].len();
    assert_eq!(want.len(), 20 * n, "{what}: fixture size");
    for (step, w) in got.iter().enumerate() {
        for (i, x) in w.iter().enumerate() {
            let expect = want[step * n + i];
            assert!(
                (*x as f64 - expect).abs() <= 2e-5 * expect.abs().max(1.0),
                "{what} step {} w[{i}]: {reference:?} reference {expect}, ferrodl {x}",
                step + 1
            );
        }
    }
}

#[test]
fn every_method_and_schedule_follows_its_reference_on_the_quadratic() {
    let f = fixtures();
    let (a, c) = (floats(get(&f, "quad/a")), floats(get(&f, "quad/c")));
    let per_parameter = (get(&f, "quad/learningRates"), get(&f, "quad/weightDecays"));
    let mut checked = 0;
    for (name, reference, desc) in cases(per_parameter) {
        if name == "lars_blocks" {
            continue; // the blocks are the MLP's layers
        }
        let m = build_optim(&desc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let observed = f.get(&format!("quad_{name}/observed")).map(Vec::as_slice);
        let got = run(
            &m,
            get(&f, "quad/w0"),
            |_, w| (0..w.len()).map(|i| a[i] * (w[i] - c[i])).collect(),
            observed,
        );
        compare(
            &format!("quadratic {name}"),
            reference,
            get(&f, &format!("quad_{name}/w")),
            &got,
        );
        checked += 1;
    }
    assert_eq!(checked, 32);
}

#[test]
fn every_method_and_schedule_follows_its_reference_on_an_mlp_gradient_sequence() {
    let f = fixtures();
    let per_parameter = (get(&f, "mlp/learningRates"), get(&f, "mlp/weightDecays"));
    let mut checked = 0;
    for (name, reference, desc) in cases(per_parameter) {
        let m = build_optim(&desc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let grads = get(&f, &format!("mlp_{name}/g"));
        let observed = f.get(&format!("mlp_{name}/observed")).map(Vec::as_slice);
        let n = get(&f, "mlp/w0").len();
        let got = run(
            &m,
            get(&f, "mlp/w0"),
            |k, _| floats(&grads[k * n..(k + 1) * n]),
            observed,
        );
        compare(
            &format!("MLP {name}"),
            reference,
            get(&f, &format!("mlp_{name}/w")),
            &got,
        );
        checked += 1;
    }
    assert_eq!(checked, 33);
}
