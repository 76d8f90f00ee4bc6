//! L-BFGS, as BigDL's `LBFGS` runs under its optimizers: one iteration, on one gradient, per
//! step.

use super::state::OptimState;
use crate::error::{Error, Result};

/// BigDL's `LBFGS(maxIter = 20, maxEval = Double.MaxValue, tolFun = 1e-5, tolX = 1e-9,
/// nCorrection = 100, learningRate = 1.0, verbose = false, lineSearch = None)` without a line
/// search; the learning rate comes from the method (and its schedule).
///
/// BigDL's `optimize(feval, x)` loops up to `maxIter` iterations, evaluating `feval` again after
/// each move. Under `DistriOptimizer` the closure returns the gradient of the iteration's batch
/// every time, so the loop stops after one iteration (the function value does not change by
/// `tolX`). ferrodl does exactly that iteration per step, with the history in the state:
///
/// ```text
/// if Σ|g| < tolFun: no move (the point is optimal)
/// first iteration:  d = -g
/// later:            y = g - g_old, s = t·d; if y·s > 1e-10, push (s, y) (at most nCorrection
///                   pairs, oldest dropped) and H = y·s / y·y; d = two-loop recursion(-g, H)
/// g_old = g
/// if g·d > -tolX: no move (not a descent direction)
/// t = min(1, 1/Σ|g|)·lr on the first iteration, lr after;  w += t·d
/// ```
///
/// This is also PyTorch's `LBFGS(max_iter = 1)` stepped once per gradient. `maxIter` and
/// `maxEval` bound BigDL's inner loop, which here always ends after its first iteration. With
/// `lineSearch = lswolfe` the method is [`super::LbfgsWolfe`] instead: the whole inner loop,
/// with the driver evaluating the loss and gradient at every trial point. `verbose` logs BigDL's
/// `<optim.lbfgs>` messages at info level.
#[derive(Debug, Clone, PartialEq)]
pub struct Lbfgs {
    pub max_iter: u64,
    pub max_eval: f64,
    pub tol_fun: f64,
    pub tol_x: f64,
    pub n_correction: usize,
    pub verbose: bool,
}

// `OptimState::scalars`: the last step length, the diagonal scale H, iterations so far.
pub(super) const T: usize = 0;
pub(super) const H_DIAG: usize = 1;
pub(super) const N_ITER: usize = 2;
// `OptimState::buffers`: the direction, the previous gradient, then (s, y) pairs, oldest first.
pub(super) const D: usize = 0;
pub(super) const G_OLD: usize = 1;
pub(super) const HISTORY: usize = 2;

/// `state` for `n` parameters: initialised when empty (first step length `lr`), else checked.
pub(super) fn checked_state(n: usize, lr: f64, mut state: OptimState) -> Result<OptimState> {
    if state.buffers.is_empty() {
        state.buffers = vec![vec![0.0; n], vec![0.0; n]];
        state.scalars = vec![lr, 1.0, 0.0];
    }
    let b = &state.buffers;
    if b.len() < HISTORY
        || b.len() % 2 != 0
        || b.iter().any(|v| v.len() != n)
        || state.scalars.len() != 3
    {
        return Err(Error::invalid(
            "LBFGS",
            format!("state does not fit {n} parameters"),
        ));
    }
    Ok(state)
}

pub(super) fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
}

impl Lbfgs {
    /// Checks the hyper-parameters.
    pub fn validated(self) -> Result<Lbfgs> {
        if self.max_iter == 0
            || self.n_correction == 0
            || self.max_eval.is_nan()
            || self.max_eval <= 0.0
            || !self.tol_fun.is_finite()
            || !self.tol_x.is_finite()
        {
            return Err(Error::invalid(
                "LBFGS",
                format!(
                    "needs maxIter, maxEval and nCorrection > 0 and finite tolerances: {self:?}"
                ),
            ));
        }
        Ok(self)
    }

    pub(super) fn say(&self, msg: &str) {
        if self.verbose {
            log::info!("<optim.lbfgs> {msg}");
        }
    }

    /// One L-BFGS iteration with the gradient `grads` at `weights`, at learning rate `lr`;
    /// updates `weights` in place and returns the next state.
    pub fn step(
        &self,
        weights: &mut [f32],
        grads: &[f32],
        lr: f64,
        state: OptimState,
    ) -> Result<OptimState> {
        let n = weights.len();
        if grads.len() != n {
            return Err(Error::BufferSize {
                op: "LBFGS".into(),
                what: "gradient".into(),
                expected: n,
                actual: grads.len(),
            });
        }
        let mut state = checked_state(n, lr, state)?;
        state.step += 1;
        let abs_sum: f64 = grads.iter().map(|g| g.abs() as f64).sum();
        if abs_sum < self.tol_fun {
            self.say("optimality condition below tolFun");
            return Ok(state);
        }
        let s = &mut state.scalars;
        s[N_ITER] += 1.0;
        if s[N_ITER] == 1.0 {
            state.buffers[D] = grads.iter().map(|g| -g).collect();
        } else {
            self.update_history(&mut state.buffers, grads, s);
            let d = self.direction(&state.buffers, grads, s[H_DIAG]);
            state.buffers[D] = d;
        }
        state.buffers[G_OLD].copy_from_slice(grads);
        let d = &state.buffers[D];
        if dot(grads, d) > -self.tol_x {
            self.say("directional derivative below tolX");
            return Ok(state);
        }
        s[T] = if s[N_ITER] == 1.0 {
            (1.0 / abs_sum).min(1.0) * lr
        } else {
            lr
        };
        let t = s[T] as f32;
        weights.iter_mut().zip(d).for_each(|(w, d)| *w += t * d);
        Ok(state)
    }

    /// Adds the last step's pair `(s, y)` to the history when the curvature is positive.
    pub(super) fn update_history(&self, buffers: &mut Vec<Vec<f32>>, g: &[f32], s: &mut [f64]) {
        let t = s[T] as f32;
        let (d, g_old) = (&buffers[D], &buffers[G_OLD]);
        let y: Vec<f32> = g.iter().zip(g_old).map(|(a, b)| a - b).collect();
        let step: Vec<f32> = d.iter().map(|x| x * t).collect();
        let ys = dot(&y, &step);
        if ys > 1e-10 {
            if (buffers.len() - HISTORY) / 2 >= self.n_correction {
                buffers.drain(HISTORY..HISTORY + 2);
            }
            s[H_DIAG] = ys / dot(&y, &y);
            buffers.push(step);
            buffers.push(y);
        }
    }

    /// The two-loop recursion: `-H·g` for the inverse Hessian the history describes.
    pub(super) fn direction(&self, buffers: &[Vec<f32>], g: &[f32], h_diag: f64) -> Vec<f32> {
        let pairs: Vec<(&[f32], &[f32])> = buffers[HISTORY..]
            .chunks_exact(2)
            .map(|p| (p[0].as_slice(), p[1].as_slice()))
            .collect();
        let ro: Vec<f64> = pairs.iter().map(|(s, y)| 1.0 / dot(y, s)).collect();
        let mut al = vec![0.0f64; pairs.len()];
        let mut q: Vec<f32> = g.iter().map(|x| -x).collect();
        for i in (0..pairs.len()).rev() {
            let (s, y) = pairs[i];
            al[i] = dot(s, &q) * ro[i];
            let a = al[i] as f32;
            q.iter_mut().zip(y).for_each(|(q, y)| *q -= a * y);
        }
        let h = h_diag as f32;
        let mut r: Vec<f32> = q.iter().map(|x| x * h).collect();
        for (i, (s, y)) in pairs.iter().enumerate() {
            let be = dot(y, &r) * ro[i];
            let c = (al[i] - be) as f32;
            r.iter_mut().zip(*s).for_each(|(r, s)| *r += c * s);
        }
        r
    }
}
