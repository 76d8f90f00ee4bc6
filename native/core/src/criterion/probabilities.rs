//! Losses on probability vectors: CategoricalCrossEntropy and KullbackLeiblerDivergenceCriterion.

use super::checks::{finite_loss, samples};
use super::cross_entropy::CrossEntropyCriterion;
use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{as_batch, check_same_shape, from_vec, Tensor};

const CATEGORICAL: &str = "CategoricalCrossEntropy";

/// BigDL's `CategoricalCrossEntropy()`: `CrossEntropyCriterion` applied to `log(input)`, with the
/// class of each sample the position of the largest value of its one-hot target row (the first,
/// on ties). On probabilities that sum to 1 this is `-Σ_i log x[i, c_i] / batch`; otherwise each
/// row is first normalised to sum to 1. Averaged over the batch.
///
/// # Shapes
/// - input: `[batch, n_classes]` or `[n_classes]` (one sample), every value > 0
/// - target: the input's shape (one-hot rows)
#[derive(Debug, Clone)]
pub struct CategoricalCrossEntropy {
    ce: CrossEntropyCriterion,
}

impl CategoricalCrossEntropy {
    /// The criterion (it has no arguments).
    pub fn new() -> Result<Self> {
        Ok(CategoricalCrossEntropy {
            ce: CrossEntropyCriterion::new(None, true)?,
        })
    }

    /// `log(input)` and the 1-based class of each target row.
    fn prepare<T: Element>(
        input: &Tensor<T>,
        target: &Tensor<T>,
    ) -> Result<(Tensor<T>, Tensor<T>)> {
        let n = input.shape().last().copied().unwrap_or(0);
        let x = as_batch(CATEGORICAL, n, input)?;
        check_same_shape(CATEGORICAL, "target", input.shape(), target)?;
        if n == 0 {
            return Err(Error::shape(
                CATEGORICAL,
                "at least one class",
                input.shape(),
            ));
        }
        if let Some((i, v)) = x
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && v.as_f64() > 0.0))
        {
            return Err(Error::invalid(
                CATEGORICAL,
                format!(
                    "input must be probabilities > 0, got {} at flat index {i}",
                    v.as_f64()
                ),
            ));
        }
        let t = as_batch(CATEGORICAL, n, target)?;
        let labels = t
            .outer_iter()
            .map(|row| {
                let mut best = 0;
                for (k, v) in row.iter().enumerate() {
                    if *v > row[best] {
                        best = k;
                    }
                }
                T::lit(best as f64 + 1.0)
            })
            .collect();
        let labels = from_vec(CATEGORICAL, &[x.dim().0], labels)?;
        Ok((input.mapv(|v| v.ln()), labels))
    }
}

impl<T: Element> Criterion<T> for CategoricalCrossEntropy {
    fn describe(&self) -> String {
        CATEGORICAL.into()
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let (log_x, labels) = Self::prepare(input, target)?;
        self.ce.loss_sum(&log_x, &labels)
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let (log_x, labels) = Self::prepare(input, target)?;
        let g = self.ce.grad_sum(&log_x, &labels)?;
        Ok(g / input)
    }
}

const KL: &str = "KullbackLeiblerDivergenceCriterion";
const KL_EPS: f64 = 1e-7;

/// BigDL's `KullbackLeiblerDivergenceCriterion()` (Keras's `kullback_leibler_divergence`): with
/// `x` and `t` clipped to `[1e-7, 1]`, `Σ t·log(t / x)` over all elements, divided by the batch
/// size. The gradient `-t / x` is zero where the clipping holds `x` constant.
///
/// # Shapes
/// - input: `[batch, ...]`, or `[n]` (one sample): probabilities
/// - target: the input's shape
#[derive(Debug, Clone, Default)]
pub struct KullbackLeiblerDivergenceCriterion;

impl KullbackLeiblerDivergenceCriterion {
    fn pairs<'a, T: Element>(
        input: &'a Tensor<T>,
        target: &'a Tensor<T>,
    ) -> Result<impl Iterator<Item = (f64, f64, bool)> + 'a> {
        check_same_shape(KL, "target", input.shape(), target)?;
        Ok(input.iter().zip(target.iter()).map(|(x, t)| {
            let x = x.as_f64();
            let inside = (KL_EPS..=1.0).contains(&x);
            (x.clamp(KL_EPS, 1.0), t.as_f64().clamp(KL_EPS, 1.0), inside)
        }))
    }
}

impl<T: Element> Criterion<T> for KullbackLeiblerDivergenceCriterion {
    fn describe(&self) -> String {
        KL.into()
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let sum = Self::pairs(input, target)?
            .map(|(x, t, _)| t * (t / x).ln())
            .sum();
        Ok(LossSum {
            sum: finite_loss(KL, sum)?,
            norm: samples(input) as f64,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let g = Self::pairs(input, target)?
            .map(|(x, t, inside)| T::lit(if inside { -t / x } else { 0.0 }))
            .collect();
        from_vec(KL, input.shape(), g)
    }
}
