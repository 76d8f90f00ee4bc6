//! L-BFGS with the strong Wolfe line search: BigDL's `LBFGS(..., lineSearch = lswolfe)`, whose
//! `optimize(feval, x)` evaluates the loss and gradient several times per training step. The
//! step is a state machine: [`LbfgsRun::begin`] takes the loss and gradient at the current
//! weights and asks for evaluations at trial weights until [`LbfgsRun::feed`] says it is done.

use super::lbfgs::{checked_state, dot, Lbfgs, D, G_OLD, HISTORY, H_DIAG, N_ITER, T};
use super::state::OptimState;
use super::strong_wolfe::{StrongWolfe, WolfeOptions};
use crate::error::{Error, Result};

/// L-BFGS whose every iteration ends with a strong Wolfe line search.
///
/// One step (one training iteration, one `optimize` call in BigDL, one `step(closure)` in
/// PyTorch) runs up to `maxIter` iterations and `maxEval` evaluations on the same mini-batch:
///
/// ```text
/// if Σ|g| <= tolFun: stop (optimal)
/// repeat:
///   d: -g on the very first iteration, else the two-loop direction (as Lbfgs);  g_old = g
///   t = min(1, 1/Σ|g|)·lr on the very first iteration, lr after
///   if g·d > -tolX: stop
///   (f, g, t) = strong Wolfe search from w along d, starting at t, with
///               min(lineSearch maxIter, maxEval - evaluations so far) evaluations;  w += t·d
///   stop if maxIter iterations, maxEval evaluations, Σ|g| <= tolFun, Σ|t·d| <= tolX or
///   |f - f_old| < tolX
/// ```
///
/// This is PyTorch's `LBFGS(line_search_fn = "strong_wolfe")` (same search, same
/// interpolation) with BigDL's tolerances, which sum absolute values where PyTorch takes the
/// largest. The history carries over between steps in [`OptimState`], as with [`Lbfgs`].
#[derive(Debug, Clone, PartialEq)]
pub struct LbfgsWolfe {
    pub lbfgs: Lbfgs,
    pub search: WolfeOptions,
}

impl LbfgsWolfe {
    pub fn validated(self) -> Result<LbfgsWolfe> {
        Ok(LbfgsWolfe {
            lbfgs: self.lbfgs.validated()?,
            search: self.search.validated()?,
        })
    }
}

/// What the driver does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Compute the loss and gradient at the weights just written, then call `feed`.
    Evaluate,
    /// The step is over; the weights hold its result.
    Done,
}

/// One step in progress.
#[derive(Debug, Clone)]
pub struct LbfgsRun {
    method: LbfgsWolfe,
    lr: f64,
    state: OptimState,
    /// The current iterate, its loss and gradient.
    x: Vec<f32>,
    f: f64,
    g: Vec<f32>,
    f_old: f64,
    /// Iterations and evaluations in this step.
    n_iter: u64,
    evals: u64,
    search: Option<StrongWolfe>,
}

fn abs_sum(v: &[f32]) -> f64 {
    v.iter().map(|x| x.abs() as f64).sum()
}

fn size_check(n: usize, actual: usize) -> Result<()> {
    if actual != n {
        return Err(Error::BufferSize {
            op: "LBFGS".into(),
            what: "gradient".into(),
            expected: n,
            actual,
        });
    }
    Ok(())
}

impl LbfgsRun {
    /// Starts a step at `weights` with loss `f` and gradient `grads` there, at learning rate
    /// `lr`. On [`Ask::Evaluate`], `weights` now hold the first trial point.
    pub fn begin(
        method: &LbfgsWolfe,
        weights: &mut [f32],
        f: f64,
        grads: &[f32],
        lr: f64,
        state: OptimState,
    ) -> Result<(LbfgsRun, Ask)> {
        let n = weights.len();
        size_check(n, grads.len())?;
        if !f.is_finite() {
            return Err(Error::invalid("LBFGS", format!("the loss is {f}")));
        }
        let mut state = checked_state(n, lr, state)?;
        state.step += 1;
        let mut run = LbfgsRun {
            method: method.clone(),
            lr,
            state,
            x: weights.to_vec(),
            f,
            g: grads.to_vec(),
            f_old: f,
            n_iter: 0,
            evals: 1,
            search: None,
        };
        if abs_sum(grads) <= method.lbfgs.tol_fun {
            method.lbfgs.say("optimality condition below tolFun");
            return Ok((run, Ask::Done));
        }
        let ask = run.iterate(weights);
        Ok((run, ask))
    }

    /// A new direction from the current iterate, then the first trial of its line search.
    fn iterate(&mut self, weights: &mut [f32]) -> Ask {
        let lbfgs = &self.method.lbfgs;
        self.n_iter += 1;
        let s = &mut self.state.scalars;
        s[N_ITER] += 1.0;
        let first = s[N_ITER] == 1.0;
        if first {
            self.state.buffers.truncate(HISTORY);
            self.state.buffers[D] = self.g.iter().map(|g| -g).collect();
            s[H_DIAG] = 1.0;
        } else {
            lbfgs.update_history(&mut self.state.buffers, &self.g, s);
            let d = lbfgs.direction(&self.state.buffers, &self.g, s[H_DIAG]);
            self.state.buffers[D] = d;
        }
        self.state.buffers[G_OLD].copy_from_slice(&self.g);
        self.f_old = self.f;
        let t = if first {
            (1.0 / abs_sum(&self.g)).min(1.0) * self.lr
        } else {
            self.lr
        };
        s[T] = t;
        let d = &self.state.buffers[D];
        let gtd = dot(&self.g, d);
        if gtd > -lbfgs.tol_x {
            lbfgs.say("directional derivative below tolX");
            weights.copy_from_slice(&self.x);
            return Ask::Done;
        }
        let d_norm = d.iter().fold(0.0f64, |m, x| m.max(x.abs() as f64));
        let budget = lbfgs.max_eval - self.evals as f64;
        let max_ls = if budget >= u64::MAX as f64 {
            u64::MAX
        } else {
            budget.max(0.0) as u64
        };
        let search = StrongWolfe::new(
            self.method.search.clone(),
            t,
            self.f,
            &self.g,
            gtd,
            d_norm,
            max_ls,
        );
        self.write_point(weights, t);
        self.search = Some(search);
        Ask::Evaluate
    }

    /// `weights = x + t·d`.
    fn write_point(&self, weights: &mut [f32], t: f64) {
        let t = t as f32;
        let d = &self.state.buffers[D];
        weights
            .iter_mut()
            .zip(self.x.iter().zip(d))
            .for_each(|(w, (x, d))| *w = x + t * d);
    }

    /// The loss `f` and gradient `grads` at the weights the last [`Ask::Evaluate`] wrote.
    /// On [`Ask::Evaluate`], `weights` hold the next trial point; on [`Ask::Done`], the result.
    pub fn feed(&mut self, weights: &mut [f32], f: f64, grads: &[f32]) -> Result<Ask> {
        size_check(self.x.len(), grads.len())?;
        size_check(self.x.len(), weights.len())?;
        let search = self
            .search
            .as_mut()
            .ok_or_else(|| Error::state("LBFGS", "no evaluation is pending: the step is over"))?;
        if f.is_nan() {
            return Err(Error::invalid(
                "LBFGS",
                "the loss at a line-search trial point is NaN",
            ));
        }
        let gtd = dot(grads, &self.state.buffers[D]);
        let Some(found) = search.feed(f, grads.to_vec(), gtd) else {
            let t = search.trial();
            self.write_point(weights, t);
            return Ok(Ask::Evaluate);
        };
        self.search = None;
        self.evals += found.evals;
        self.write_point(weights, found.t);
        self.x.copy_from_slice(weights);
        self.state.scalars[T] = found.t;
        self.f = found.f;
        self.g = found.g;
        let lbfgs = &self.method.lbfgs;
        let step: f64 = self.state.buffers[D]
            .iter()
            .map(|d| (d * found.t as f32).abs() as f64)
            .sum();
        let stop = if self.n_iter >= lbfgs.max_iter {
            Some("reached max number of iterations")
        } else if self.evals as f64 >= lbfgs.max_eval {
            Some("max nb of function evals")
        } else if abs_sum(&self.g) <= lbfgs.tol_fun {
            Some("optimality condition below tolFun")
        } else if step <= lbfgs.tol_x {
            Some("step size below tolX")
        } else if (self.f - self.f_old).abs() < lbfgs.tol_x {
            Some("function value changing less than tolX")
        } else {
            None
        };
        if let Some(why) = stop {
            lbfgs.say(why);
            return Ok(Ask::Done);
        }
        Ok(self.iterate(weights))
    }

    /// The loss at the step's result (the last accepted point).
    pub fn loss(&self) -> f64 {
        self.f
    }

    /// The method's state after the step (the history, for the next step).
    pub fn into_state(self) -> OptimState {
        self.state
    }
}
