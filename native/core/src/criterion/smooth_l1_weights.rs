//! SmoothL1CriterionWithWeights: BigDL's (Caffe's) Fast R-CNN box-regression loss.

use super::activity_criterion::ActivityCriterion;
use super::table_args::{same_shape, tensor, values};
use super::traits::LossSum;
use crate::activity::Activity;
use crate::element::Element;
use crate::error::{Error, Result};

/// BigDL's `SmoothL1CriterionWithWeights(sigma, num = 0)`: with σ² = sigma²,
/// d = inside ⊙ (input − label) and f(d) = ½ σ² d² for |d| < 1/σ², |d| − ½/σ² otherwise,
/// the loss is `Σ outside ⊙ f(d)`, divided by `num` when `num > 0`.
///
/// # Shapes
/// - input: any shape; target: the table `{label, inside weights, outside weights}` (each the
///   input's shape), or `{label}` or the label tensor alone (weights 1)
pub struct SmoothL1CriterionWithWeights {
    sigma2: f64,
    num: usize,
}

const NAME: &str = "SmoothL1CriterionWithWeights";

impl SmoothL1CriterionWithWeights {
    pub fn new(sigma: f64, num: usize) -> Result<Self> {
        if !sigma.is_finite() || sigma == 0.0 {
            return Err(Error::invalid(
                NAME,
                format!("sigma {sigma} must be finite and non-zero"),
            ));
        }
        Ok(SmoothL1CriterionWithWeights {
            sigma2: sigma * sigma,
            num,
        })
    }

    /// d = inside ⊙ (input − label), inside and outside weights.
    #[allow(clippy::type_complexity)]
    fn parts<T: Element>(
        &self,
        input: &Activity<T>,
        target: &Activity<T>,
    ) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let x = input.tensor(NAME)?;
        let parts: Vec<&crate::tensor::Tensor<T>> = match target {
            Activity::Tensor(t) => vec![t],
            Activity::Table(v) if v.len() == 1 || v.len() == 3 => {
                v.iter().map(|a| a.tensor(NAME)).collect::<Result<_>>()?
            }
            other => {
                return Err(Error::invalid(
                    NAME,
                    format!(
                        "expects the target {{label, inside weights, outside weights}}, got {}",
                        other.describe()
                    ),
                ))
            }
        };
        for (t, what) in parts
            .iter()
            .zip(["label", "inside weights", "outside weights"])
        {
            same_shape(NAME, what, x, t)?;
        }
        let ones = || vec![1.0; x.len()];
        let inside = parts.get(1).map_or_else(ones, |t| values(t));
        let outside = parts.get(2).map_or_else(ones, |t| values(t));
        let d = values(x)
            .iter()
            .zip(values(parts[0]))
            .zip(&inside)
            .map(|((x, l), w)| w * (x - l))
            .collect();
        Ok((d, inside, outside))
    }
}

impl<T: Element> ActivityCriterion<T> for SmoothL1CriterionWithWeights {
    fn describe(&self) -> String {
        format!("{NAME}(sigma={}, num={})", self.sigma2.sqrt(), self.num)
    }
    fn size_average(&self) -> bool {
        self.num > 0
    }
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let (d, _, outside) = self.parts(input, target)?;
        let s2 = self.sigma2;
        let sum = d
            .iter()
            .zip(&outside)
            .map(|(d, w)| {
                w * if d.abs() < 1.0 / s2 {
                    0.5 * s2 * d * d
                } else {
                    d.abs() - 0.5 / s2
                }
            })
            .sum();
        Ok(LossSum {
            sum,
            norm: self.num.max(1) as f64,
        })
    }
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let (d, inside, outside) = self.parts(input, target)?;
        let s2 = self.sigma2;
        let g = (0..d.len())
            .map(|i| {
                let f = if d[i].abs() < 1.0 / s2 {
                    s2 * d[i]
                } else {
                    d[i].signum()
                };
                f * inside[i] * outside[i]
            })
            .collect();
        Ok(Activity::Tensor(tensor(
            NAME,
            input.tensor(NAME)?.shape(),
            g,
        )?))
    }
}
