//! Finite-difference gradient checks, in f64, for modules and criterions.
//!
//! A module is checked through the scalar `L = Σ r ⊙ forward(x)` for a fixed random `r`: the
//! backward pass with `grad_output = r` must match central differences of `L` with respect to
//! every input element and every parameter.

use crate::criterion::Criterion;
use crate::error::Result;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// The largest error found, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// Max |analytic − numeric| / max(1, |analytic|, |numeric|) over the input gradient.
    pub input_error: f64,
    /// The same over the parameter gradient.
    pub param_error: f64,
}

fn rel(a: f64, n: f64) -> f64 {
    (a - n).abs() / 1f64.max(a.abs()).max(n.abs())
}

fn projected(
    m: &mut dyn Module<f64>,
    params: &[f64],
    x: &Tensor<f64>,
    r: &Tensor<f64>,
) -> Result<f64> {
    let y = m.forward(params, x)?;
    Ok(y.iter().zip(r.iter()).map(|(a, b)| a * b).sum())
}

/// Checks a module's input and parameter gradients at `input` with parameters `params`.
pub fn check_module(
    m: &mut dyn Module<f64>,
    params: &[f64],
    input: &Tensor<f64>,
    seed: u64,
) -> Result<GradCheck> {
    let eps = 1e-6;
    let mut rng = Rng::new(seed);
    let y = m.forward(params, input)?;
    let r = y.mapv(|_| rng.uniform(-1.0, 1.0));
    let mut gp = vec![0.0; params.len()];
    let gx = m.backward(params, &mut gp, input, &y, &r)?;
    let mut input_error: f64 = 0.0;
    let mut x = input.clone();
    for i in 0..x.len() {
        let orig = x.as_slice_memory_order().map_or(0.0, |s| s[i]);
        let set = |x: &mut Tensor<f64>, v: f64| {
            if let Some(s) = x.as_slice_memory_order_mut() {
                s[i] = v;
            }
        };
        set(&mut x, orig + eps);
        let lp = projected(m, params, &x, &r)?;
        set(&mut x, orig - eps);
        let lm = projected(m, params, &x, &r)?;
        set(&mut x, orig);
        let analytic = gx.as_slice_memory_order().map_or(f64::NAN, |s| s[i]);
        input_error = input_error.max(rel(analytic, (lp - lm) / (2.0 * eps)));
    }
    let mut p = params.to_vec();
    let mut param_error: f64 = 0.0;
    for i in 0..p.len() {
        let orig = p[i];
        p[i] = orig + eps;
        let lp = projected(m, &p, input, &r)?;
        p[i] = orig - eps;
        let lm = projected(m, &p, input, &r)?;
        p[i] = orig;
        param_error = param_error.max(rel(gp[i], (lp - lm) / (2.0 * eps)));
    }
    Ok(GradCheck {
        input_error,
        param_error,
    })
}

/// Checks a criterion's gradient with respect to its input; returns the largest relative error.
pub fn check_criterion(
    c: &dyn Criterion<f64>,
    input: &Tensor<f64>,
    target: &Tensor<f64>,
) -> Result<f64> {
    let eps = 1e-6;
    let g = c.backward(input, target)?;
    let mut x = input.as_standard_layout().into_owned();
    let mut worst: f64 = 0.0;
    for i in 0..x.len() {
        let orig = x.as_slice().map_or(0.0, |s| s[i]);
        if let Some(s) = x.as_slice_mut() {
            s[i] = orig + eps;
        }
        let lp = c.forward(&x, target)?;
        if let Some(s) = x.as_slice_mut() {
            s[i] = orig - eps;
        }
        let lm = c.forward(&x, target)?;
        if let Some(s) = x.as_slice_mut() {
            s[i] = orig;
        }
        let analytic = g.as_standard_layout().as_slice().map_or(f64::NAN, |s| s[i]);
        worst = worst.max(rel(analytic, (lp - lm) / (2.0 * eps)));
    }
    Ok(worst)
}

/// [`check_module`] for modules over activities (tables): every element of every tensor of the
/// input is perturbed, through the activity's flat encoding.
pub fn check_activity_module(
    m: &mut dyn crate::activity_module::ActivityModule<f64>,
    params: &[f64],
    input: &crate::activity::Activity<f64>,
    seed: u64,
) -> Result<GradCheck> {
    use crate::activity::Activity;
    let eps = 1e-6;
    let mut rng = Rng::new(seed);
    let y = m.forward(params, input)?;
    let (mut ylayout, mut ydata) = (Vec::new(), Vec::new());
    y.encode(&mut ylayout, &mut ydata);
    let r: Vec<f64> = ydata.iter().map(|_| rng.uniform(-1.0, 1.0)).collect();
    let r_act = Activity::decode(&ylayout, &r)?;
    let mut gp = vec![0.0; params.len()];
    let gx = m.backward(params, &mut gp, input, &y, &r_act)?;
    let (mut glayout, mut gdata) = (Vec::new(), Vec::new());
    gx.encode(&mut glayout, &mut gdata);
    let (mut xlayout, mut xdata) = (Vec::new(), Vec::new());
    input.encode(&mut xlayout, &mut xdata);
    if glayout != xlayout {
        return Err(crate::error::Error::invalid(
            "gradcheck",
            format!(
                "input gradient {} has another structure than the input {}",
                gx.describe(),
                input.describe()
            ),
        ));
    }
    let projected = |m: &mut dyn crate::activity_module::ActivityModule<f64>,
                     p: &[f64],
                     x: &[f64]|
     -> Result<f64> {
        let out = m.forward(p, &Activity::decode(&xlayout, x)?)?;
        let (mut l, mut d) = (Vec::new(), Vec::new());
        out.encode(&mut l, &mut d);
        Ok(d.iter().zip(&r).map(|(a, b)| a * b).sum())
    };
    let mut input_error: f64 = 0.0;
    for i in 0..xdata.len() {
        let orig = xdata[i];
        xdata[i] = orig + eps;
        let lp = projected(m, params, &xdata)?;
        xdata[i] = orig - eps;
        let lm = projected(m, params, &xdata)?;
        xdata[i] = orig;
        input_error = input_error.max(rel(gdata[i], (lp - lm) / (2.0 * eps)));
    }
    let mut p = params.to_vec();
    let mut param_error: f64 = 0.0;
    for k in 0..p.len() {
        let orig = p[k];
        p[k] = orig + eps;
        let lp = projected(m, &p, &xdata)?;
        p[k] = orig - eps;
        let lm = projected(m, &p, &xdata)?;
        p[k] = orig;
        param_error = param_error.max(rel(gp[k], (lp - lm) / (2.0 * eps)));
    }
    Ok(GradCheck {
        input_error,
        param_error,
    })
}
