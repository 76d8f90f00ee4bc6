//! Criterions over a diagonal Gaussian given as `{mean, log variance}` (variational
//! auto-encoders): GaussianCriterion (negative log-likelihood of the target) and KLDCriterion (KL
//! divergence to the standard normal).

use super::activity_criterion::ActivityCriterion;
use super::table_args::{same_shape, tensor, tensors, values};
use super::traits::LossSum;
use crate::activity::Activity;
use crate::element::Element;
use crate::error::Result;
use crate::tensor::Tensor;

/// `{mean, log variance}` as values, with the mean's tensor for shapes.
fn gaussian<'a, T: Element>(
    name: &str,
    input: &'a Activity<T>,
) -> Result<(&'a Tensor<T>, Vec<f64>, Vec<f64>)> {
    let xs = tensors(name, input, 2, "input {mean, log variance}")?;
    same_shape(name, "log variance", xs[0], xs[1])?;
    Ok((xs[0], values(xs[0]), values(xs[1])))
}

fn grads<T: Element>(name: &str, x: &Tensor<T>, g1: Vec<f64>, g2: Vec<f64>) -> Result<Activity<T>> {
    Ok(Activity::Table(vec![
        Activity::Tensor(tensor(name, x.shape(), g1)?),
        Activity::Tensor(tensor(name, x.shape(), g2)?),
    ]))
}

/// BigDL's `GaussianCriterion()`: the negative log-likelihood of the target under
/// N(mean, exp(log variance)), summed over every element (never averaged):
/// `Σ ½ log(2π) + ½ logvar + ½ (target − mean)² / exp(logvar)`.
///
/// # Shapes
/// - input: `{mean, log variance}`, any shape (same for both); target: that shape
pub struct GaussianCriterion;

impl GaussianCriterion {
    fn parts<T: Element>(
        input: &Activity<T>,
        target: &Activity<T>,
    ) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let name = "GaussianCriterion";
        let (m, mean, logvar) = gaussian(name, input)?;
        let t = target.tensor(name)?;
        same_shape(name, "target", m, t)?;
        Ok((mean, logvar, values(t)))
    }
}

impl<T: Element> ActivityCriterion<T> for GaussianCriterion {
    fn describe(&self) -> String {
        "GaussianCriterion".into()
    }
    fn size_average(&self) -> bool {
        false
    }
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let (mean, logvar, t) = Self::parts(input, target)?;
        let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
        let sum = (0..mean.len())
            .map(|i| {
                half_log_2pi + 0.5 * logvar[i] + 0.5 * (t[i] - mean[i]).powi(2) * (-logvar[i]).exp()
            })
            .sum();
        Ok(LossSum { sum, norm: 1.0 })
    }
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let name = "GaussianCriterion";
        let (mean, logvar, t) = Self::parts(input, target)?;
        let g_mean = (0..mean.len())
            .map(|i| (mean[i] - t[i]) * (-logvar[i]).exp())
            .collect();
        let g_logvar = (0..mean.len())
            .map(|i| 0.5 - 0.5 * (t[i] - mean[i]).powi(2) * (-logvar[i]).exp())
            .collect();
        grads(name, input.table(name)?[0].tensor(name)?, g_mean, g_logvar)
    }
}

/// BigDL's `KLDCriterion(sizeAverage = true)`: KL(N(mean, exp(logvar)) ‖ N(0, 1)) =
/// `−½ Σ (1 + logvar − mean² − exp(logvar))`, divided by the batch size (the first dimension,
/// as BigDL's `mean.size(1)`, also for a 1-d input) when size-averaged. The target is ignored.
///
/// # Shapes
/// - input: `{mean, log variance}`, `[batch, ...]` or `[n]`; target: anything
pub struct KLDCriterion {
    size_average: bool,
}

impl KLDCriterion {
    pub fn new(size_average: bool) -> Self {
        KLDCriterion { size_average }
    }
}

impl<T: Element> ActivityCriterion<T> for KLDCriterion {
    fn describe(&self) -> String {
        "KLDCriterion".into()
    }
    fn size_average(&self) -> bool {
        self.size_average
    }
    fn loss_sum(&self, input: &Activity<T>, _target: &Activity<T>) -> Result<LossSum> {
        let (m, mean, logvar) = gaussian("KLDCriterion", input)?;
        let sum = -0.5
            * (0..mean.len())
                .map(|i| 1.0 + logvar[i] - mean[i] * mean[i] - logvar[i].exp())
                .sum::<f64>();
        let batch = m.shape().first().copied().unwrap_or(1);
        Ok(LossSum {
            sum,
            norm: batch as f64,
        })
    }
    fn grad_sum(&self, input: &Activity<T>, _target: &Activity<T>) -> Result<Activity<T>> {
        let name = "KLDCriterion";
        let (m, mean, logvar) = gaussian(name, input)?;
        let g_logvar = logvar.iter().map(|l| 0.5 * (l.exp() - 1.0)).collect();
        grads(name, m, mean, g_logvar)
    }
}
