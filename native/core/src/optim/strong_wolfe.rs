//! The strong Wolfe line search (BigDL's `lswolfe`, PyTorch's `_strong_wolfe`), as a state
//! machine: it proposes step lengths and is fed the loss and gradient at each, so that the
//! caller (the training driver, one data-parallel pass per evaluation) does the evaluating.

use crate::error::{Error, Result};

/// BigDL's `lineSearchOptions` of `lswolfe`: sufficient decrease `c1`, curvature `c2`, the
/// smallest bracket width `tolX` (times `max|d|`) and at most `maxIter` evaluations.
#[derive(Debug, Clone, PartialEq)]
pub struct WolfeOptions {
    pub c1: f64,
    pub c2: f64,
    pub tol_x: f64,
    pub max_iter: u64,
}

impl Default for WolfeOptions {
    fn default() -> Self {
        WolfeOptions {
            c1: 1e-4,
            c2: 0.9,
            tol_x: 1e-9,
            max_iter: 20,
        }
    }
}

impl WolfeOptions {
    /// Checks `0 < c1 < c2 < 1`, a finite `tolX >= 0` and `maxIter > 0`.
    pub fn validated(self) -> Result<WolfeOptions> {
        let ok = self.c1 > 0.0
            && self.c1 < self.c2
            && self.c2 < 1.0
            && self.tol_x.is_finite()
            && self.tol_x >= 0.0
            && self.max_iter > 0;
        if !ok {
            return Err(Error::invalid(
                "LBFGS lineSearch (lswolfe)",
                format!("needs 0 < c1 < c2 < 1, tolX >= 0 and maxIter > 0: {self:?}"),
            ));
        }
        Ok(self)
    }
}

/// A point on the search line: step `t`, loss, gradient and directional derivative.
#[derive(Debug, Clone)]
struct Point {
    t: f64,
    f: f64,
    g: Vec<f32>,
    gtd: f64,
}

/// Where the search ended: the accepted step, its loss and gradient, evaluations used.
#[derive(Debug, Clone)]
pub struct Found {
    pub t: f64,
    pub f: f64,
    pub g: Vec<f32>,
    pub evals: u64,
}

#[derive(Debug, Clone)]
enum Phase {
    /// Growing the step until the minimum is bracketed; `prev` is the last point tried.
    Bracket { prev: Point },
    /// Shrinking the bracket `[a, b]`; `low` indexes the lower loss.
    Zoom {
        bracket: [Point; 2],
        low: usize,
        insufficient: bool,
    },
}

/// One strong Wolfe search from `t = 0` (loss `f0`, directional derivative `gtd0 < 0`) along a
/// direction with `max|d| = d_norm`. Ask [`StrongWolfe::trial`] for the step to evaluate, then
/// [`StrongWolfe::feed`] the loss and gradient there, until `feed` returns the result.
#[derive(Debug, Clone)]
pub struct StrongWolfe {
    opts: WolfeOptions,
    start: Point,
    d_norm: f64,
    max_ls: u64,
    ls_iter: u64,
    evals: u64,
    t: f64,
    phase: Phase,
}

/// The minimiser of the cubic through `(x1, f1, g1)` and `(x2, f2, g2)`, clamped to `bounds`
/// (by default the interval between the two points); their midpoint when it has none.
fn cubic(p1: (f64, f64, f64), p2: (f64, f64, f64), bounds: Option<(f64, f64)>) -> f64 {
    let ((x1, f1, g1), (x2, f2, g2)) = (p1, p2);
    let (lo, hi) = bounds.unwrap_or(if x1 <= x2 { (x1, x2) } else { (x2, x1) });
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        min_pos.max(lo).min(hi)
    } else {
        (lo + hi) / 2.0
    }
}

impl StrongWolfe {
    /// Starts a search whose first trial is step `t`; at most `max_ls` evaluations (and never
    /// more than the options' `maxIter`).
    pub fn new(
        opts: WolfeOptions,
        t: f64,
        f0: f64,
        g0: &[f32],
        gtd0: f64,
        d_norm: f64,
        max_ls: u64,
    ) -> StrongWolfe {
        let start = Point {
            t: 0.0,
            f: f0,
            g: g0.to_vec(),
            gtd: gtd0,
        };
        StrongWolfe {
            max_ls: max_ls.min(opts.max_iter),
            opts,
            phase: Phase::Bracket {
                prev: start.clone(),
            },
            start,
            d_norm,
            ls_iter: 0,
            evals: 0,
            t,
        }
    }

    /// The step length to evaluate next.
    pub fn trial(&self) -> f64 {
        self.t
    }

    /// Whether `p` fails the sufficient-decrease (Armijo) condition.
    fn too_high(&self, p: &Point) -> bool {
        p.f > self.start.f + self.opts.c1 * p.t * self.start.gtd
    }

    /// Whether `p` meets the strong curvature condition.
    fn flat_enough(&self, p: &Point) -> bool {
        p.gtd.abs() <= -self.opts.c2 * self.start.gtd
    }

    /// The loss `f`, gradient `g` and directional derivative `gtd` at [`StrongWolfe::trial`].
    /// Returns the accepted point when the search is over, `None` when it wants another trial.
    pub fn feed(&mut self, f: f64, g: Vec<f32>, gtd: f64) -> Option<Found> {
        self.evals += 1;
        let new = Point {
            t: self.t,
            f,
            g,
            gtd,
        };
        match std::mem::replace(
            &mut self.phase,
            Phase::Bracket {
                prev: self.start.clone(),
            },
        ) {
            Phase::Bracket { prev } => self.bracketing(prev, new),
            Phase::Zoom {
                bracket,
                low,
                insufficient,
            } => self.zooming(bracket, low, insufficient, new),
        }
    }

    fn bracketing(&mut self, prev: Point, new: Point) -> Option<Found> {
        if self.ls_iter >= self.max_ls {
            // Out of evaluations while still growing: the better of the start and the last.
            let start = self.start.clone();
            return Some(self.finish(if start.f <= new.f { start } else { new }));
        }
        if self.too_high(&new) || (self.ls_iter > 1 && new.f >= prev.f) {
            return self.zoom_next([prev, new]);
        }
        if self.flat_enough(&new) {
            return Some(self.finish(new));
        }
        if new.gtd >= 0.0 {
            return self.zoom_next([prev, new]);
        }
        let (min_step, max_step) = (new.t + 0.01 * (new.t - prev.t), new.t * 10.0);
        self.t = cubic(
            (prev.t, prev.f, prev.gtd),
            (new.t, new.f, new.gtd),
            Some((min_step, max_step)),
        );
        self.ls_iter += 1;
        self.phase = Phase::Bracket { prev: new };
        None
    }

    fn zooming(
        &mut self,
        mut b: [Point; 2],
        mut low: usize,
        insufficient: bool,
        new: Point,
    ) -> Option<Found> {
        let high = 1 - low;
        if self.too_high(&new) || new.f >= b[low].f {
            b[high] = new;
            low = if b[0].f <= b[1].f { 0 } else { 1 };
        } else {
            if self.flat_enough(&new) {
                return Some(self.finish(new));
            }
            if new.gtd * (b[high].t - b[low].t) >= 0.0 {
                b[high] = b[low].clone();
            }
            b[low] = new;
        }
        self.zoom_step(b, low, insufficient)
    }

    /// Enters the zoom phase on bracket `b` (lower loss first on ties).
    fn zoom_next(&mut self, b: [Point; 2]) -> Option<Found> {
        let low = if b[0].f <= b[1].f { 0 } else { 1 };
        self.zoom_step(b, low, false)
    }

    /// The next zoom trial, or the bracket's low point when the budget or the width is spent.
    fn zoom_step(&mut self, b: [Point; 2], low: usize, mut insufficient: bool) -> Option<Found> {
        if self.ls_iter >= self.max_ls || (b[1].t - b[0].t).abs() * self.d_norm < self.opts.tol_x {
            let [b0, b1] = b;
            return Some(self.finish(if low == 0 { b0 } else { b1 }));
        }
        let mut t = cubic((b[0].t, b[0].f, b[0].gtd), (b[1].t, b[1].f, b[1].gtd), None);
        let (lo, hi) = (b[0].t.min(b[1].t), b[0].t.max(b[1].t));
        let eps = 0.1 * (hi - lo);
        if (hi - t).min(t - lo) < eps {
            if insufficient || t >= hi || t <= lo {
                t = if (t - hi).abs() < (t - lo).abs() {
                    hi - eps
                } else {
                    lo + eps
                };
                insufficient = false;
            } else {
                insufficient = true;
            }
        } else {
            insufficient = false;
        }
        self.t = t;
        self.ls_iter += 1;
        self.phase = Phase::Zoom {
            bracket: b,
            low,
            insufficient,
        };
        None
    }

    fn finish(&self, p: Point) -> Found {
        Found {
            t: p.t,
            f: p.f,
            g: p.g,
            evals: self.evals,
        }
    }
}
