//! Losses that compare input and target element by element, then sum or average.

use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{from_vec, Tensor};

/// The per-element loss `ℓ(x, t)`, as BigDL's criterions define it.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementLoss {
    /// `MSECriterion`: `(x - t)²`.
    Mse,
    /// `AbsCriterion`: `|x - t|`.
    Abs,
    /// `SmoothL1Criterion`: `0.5·d²` where `|d| < 1`, else `|d| - 0.5`, `d = x - t`.
    SmoothL1,
    /// `BCECriterion`: `-w·(t·log(x + ε) + (1 - t)·log(1 - x + ε))`, ε = 1e-12, `x` in (0, 1).
    Bce { weights: Option<Vec<f64>> },
    /// `SoftMarginCriterion`: `log(1 + exp(-t·x))`, `t` in {-1, 1}.
    SoftMargin,
    /// `DistKLDivCriterion`: `t·(log t - x)` where `t > 0` (`x` are log-probabilities).
    DistKLDiv,
    /// `MarginCriterion(margin, squared)`: `max(0, margin - x·t)`, squared if asked.
    Margin { margin: f64, squared: bool },
    /// `MeanAbsolutePercentageCriterion`: `100·|t - x| / max(|t|, 1e-7)`.
    MeanAbsolutePercentage,
    /// `MeanSquaredLogarithmicCriterion`: `(log(max(x, ε) + 1) - log(max(t, ε) + 1))²`, ε = 1e-7.
    MeanSquaredLogarithmic,
    /// `PoissonCriterion`: `x - t·log(x + 1e-7)`.
    Poisson,
    /// `MultiLabelSoftMarginCriterion`: BCE of `sigmoid(x)`, `-w·(t·log σ(x) + (1 - t)·log(1 - σ(x)))`
    /// (computed stably as `w·(softplus(x) - t·x)`), `t` in {0, 1}.
    MultiLabelSoftMargin { weights: Option<Vec<f64>> },
    /// `HingeEmbeddingCriterion(margin)`: `x` where `t ≠ -1`, plus `max(0, margin - x)` where `t ≠ 1`
    /// (so `x` for `t = 1` and `max(0, margin - x)` for `t = -1`).
    HingeEmbedding { margin: f64 },
}

impl ElementLoss {
    /// The BigDL class name.
    pub fn name(&self) -> &'static str {
        match self {
            ElementLoss::Mse => "MSECriterion",
            ElementLoss::Abs => "AbsCriterion",
            ElementLoss::SmoothL1 => "SmoothL1Criterion",
            ElementLoss::Bce { .. } => "BCECriterion",
            ElementLoss::SoftMargin => "SoftMarginCriterion",
            ElementLoss::DistKLDiv => "DistKLDivCriterion",
            ElementLoss::Margin { .. } => "MarginCriterion",
            ElementLoss::MeanAbsolutePercentage => "MeanAbsolutePercentageCriterion",
            ElementLoss::MeanSquaredLogarithmic => "MeanSquaredLogarithmicCriterion",
            ElementLoss::Poisson => "PoissonCriterion",
            ElementLoss::MultiLabelSoftMargin { .. } => "MultiLabelSoftMarginCriterion",
            ElementLoss::HingeEmbedding { .. } => "HingeEmbeddingCriterion",
        }
    }

    /// The per-element weights of the losses that take them (repeated along each row).
    fn weights(&self) -> Option<&Vec<f64>> {
        match self {
            ElementLoss::Bce { weights } | ElementLoss::MultiLabelSoftMargin { weights } => {
                weights.as_ref()
            }
            _ => None,
        }
    }

    /// `(ℓ(x, t), ∂ℓ/∂x)`; `w` is the element's weight (BCE only).
    fn eval(&self, x: f64, t: f64, w: f64) -> (f64, f64) {
        match self {
            ElementLoss::Mse => ((x - t) * (x - t), 2.0 * (x - t)),
            ElementLoss::Abs => ((x - t).abs(), (x - t).signum() * f64::from((x - t) != 0.0)),
            ElementLoss::SmoothL1 => {
                let d = x - t;
                if d.abs() < 1.0 {
                    (0.5 * d * d, d)
                } else {
                    (d.abs() - 0.5, d.signum())
                }
            }
            ElementLoss::Bce { .. } => {
                let eps = 1e-12;
                let loss = -w * (t * (x + eps).ln() + (1.0 - t) * (1.0 - x + eps).ln());
                (loss, -w * (t - x) / ((1.0 - x + eps) * (x + eps)))
            }
            ElementLoss::SoftMargin => {
                let z = -t * x;
                let loss = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                (loss, -t / (1.0 + (-z).exp()))
            }
            ElementLoss::DistKLDiv => {
                if t > 0.0 {
                    (t * (t.ln() - x), -t)
                } else {
                    (0.0, 0.0)
                }
            }
            ElementLoss::Margin { margin, squared } => {
                let z = margin - x * t;
                match (z > 0.0, squared) {
                    (false, _) => (0.0, 0.0),
                    (true, false) => (z, -t),
                    (true, true) => (z * z, -2.0 * z * t),
                }
            }
            ElementLoss::MeanAbsolutePercentage => {
                let denom = t.abs().max(1e-7);
                let d = x - t;
                (
                    100.0 * d.abs() / denom,
                    100.0 * d.signum() * f64::from(d != 0.0) / denom,
                )
            }
            ElementLoss::MeanSquaredLogarithmic => {
                let eps = 1e-7;
                let lx = (x.max(eps) + 1.0).ln();
                let d = lx - (t.max(eps) + 1.0).ln();
                let dx = if x > eps { 1.0 / (x + 1.0) } else { 0.0 };
                (d * d, 2.0 * d * dx)
            }
            ElementLoss::Poisson => (x - t * (x + 1e-7).ln(), 1.0 - t / (x + 1e-7)),
            ElementLoss::MultiLabelSoftMargin { .. } => {
                let softplus = x.max(0.0) + (-x.abs()).exp().ln_1p();
                let sigmoid = if x >= 0.0 {
                    1.0 / (1.0 + (-x).exp())
                } else {
                    x.exp() / (1.0 + x.exp())
                };
                (w * (softplus - t * x), w * (sigmoid - t))
            }
            ElementLoss::HingeEmbedding { margin } => {
                let (mut loss, mut grad) = (0.0, 0.0);
                if t != -1.0 {
                    loss += x;
                    grad += 1.0;
                }
                if t != 1.0 && margin - x > 0.0 {
                    loss += margin - x;
                    grad -= 1.0;
                }
                (loss, grad)
            }
        }
    }
}

/// A criterion applying an [`ElementLoss`] to every element, as BigDL's criterions of that name.
///
/// # Shapes
/// - input: any
/// - target: the same number of elements (e.g. `[batch]` for a `[batch, 1]` input)
#[derive(Debug, Clone)]
pub struct ElementwiseCriterion {
    loss: ElementLoss,
    size_average: bool,
}

impl ElementwiseCriterion {
    /// A criterion for `loss`, averaged over elements when `size_average`.
    pub fn new(loss: ElementLoss, size_average: bool) -> Result<Self> {
        if let Some(w) = loss.weights() {
            if w.is_empty() || w.iter().any(|v| !v.is_finite()) {
                return Err(Error::invalid(
                    loss.name(),
                    "weights must be finite and non-empty",
                ));
            }
        }
        if let ElementLoss::HingeEmbedding { margin } = &loss {
            if !margin.is_finite() {
                return Err(Error::invalid(loss.name(), "margin must be finite"));
            }
        }
        Ok(ElementwiseCriterion { loss, size_average })
    }

    /// Checks the shapes; returns the weight of each flat index (BCE's weights repeat per row).
    fn check<T: Element>(
        &self,
        input: &Tensor<T>,
        target: &Tensor<T>,
    ) -> Result<impl Fn(usize) -> f64 + '_> {
        if input.len() != target.len() {
            return Err(Error::shape(
                &format!("{} (target)", self.loss.name()),
                format!("{} elements, as the input {:?}", input.len(), input.shape()),
                target.shape(),
            ));
        }
        let weights = self.loss.weights();
        let per_row = input.shape().last().copied().unwrap_or(1).max(1);
        if let Some(w) = weights {
            if w.len() != per_row && w.len() != input.len() {
                return Err(Error::invalid(
                    self.loss.name(),
                    format!("{} weights for rows of {per_row}", w.len()),
                ));
            }
        }
        let full = input.len();
        Ok(move |i: usize| {
            weights.map_or(1.0, |w| {
                if w.len() == full {
                    w[i]
                } else {
                    w[i % per_row]
                }
            })
        })
    }
}

impl<T: Element> Criterion<T> for ElementwiseCriterion {
    fn describe(&self) -> String {
        self.loss.name().to_string()
    }

    fn size_average(&self) -> bool {
        self.size_average
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let weight = self.check(input, target)?;
        let sum: f64 = input
            .iter()
            .zip(target.iter())
            .enumerate()
            .map(|(i, (x, t))| self.loss.eval(x.as_f64(), t.as_f64(), weight(i)).0)
            .sum();
        if !sum.is_finite() {
            return Err(Error::NonFinite {
                op: self.loss.name().into(),
                what: "loss".into(),
                index: 0,
            });
        }
        Ok(LossSum {
            sum,
            norm: input.len() as f64,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let weight = self.check(input, target)?;
        let g = input
            .iter()
            .zip(target.iter())
            .enumerate()
            .map(|(i, (x, t))| T::lit(self.loss.eval(x.as_f64(), t.as_f64(), weight(i)).1))
            .collect();
        from_vec(self.loss.name(), input.shape(), g)
    }
}
