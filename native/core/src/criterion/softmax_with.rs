//! SoftmaxWithCriterion: Caffe's SoftmaxWithLoss, a softmax over the class dimension and the
//! negative log-likelihood of 1-based labels at every spatial position.

use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{from_vec, Tensor};

const NAME: &str = "SoftmaxWithCriterion";

/// What the summed loss is divided by (BigDL's `NormMode`; at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormalizeMode {
    /// Every position: batch × h × w.
    Full,
    /// The positions whose label is not ignored.
    Valid,
    /// The batch size.
    BatchSize,
    /// No normalisation.
    None,
}

impl NormalizeMode {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "FULL" => Ok(NormalizeMode::Full),
            "VALID" => Ok(NormalizeMode::Valid),
            "BATCH_SIZE" => Ok(NormalizeMode::BatchSize),
            "NONE" => Ok(NormalizeMode::None),
            other => Err(Error::invalid(
                NAME,
                format!("normalizeMode {other:?}: expected FULL, VALID, BATCH_SIZE or NONE"),
            )),
        }
    }
}

/// BigDL's `SoftmaxWithCriterion(ignoreLabel = None, normalizeMode = VALID)`: for every sample and
/// position, `−log softmax(input[n, :, h, w])[label]`, summed, divided by the normaliser of
/// `normalizeMode`. Positions whose label equals `ignoreLabel` add nothing (and get no gradient).
///
/// # Shapes
/// - input: `[batch, classes, ...]` (e.g. `[batch, classes, h, w]`); target: `batch × h × w`
///   1-based labels (`[batch, 1, h, w]`, `[batch, h, w]`, ...)
pub struct SoftmaxWithCriterion {
    ignore_label: Option<f64>,
    mode: NormalizeMode,
}

impl SoftmaxWithCriterion {
    pub fn new(ignore_label: Option<f64>, mode: NormalizeMode) -> Self {
        SoftmaxWithCriterion { ignore_label, mode }
    }

    /// The summed loss, the normaliser and the gradient of the sum.
    fn run<T: Element>(
        &self,
        input: &Tensor<T>,
        target: &Tensor<T>,
    ) -> Result<(f64, f64, Vec<f64>)> {
        let shape = input.shape();
        if shape.len() < 2 || shape[1] == 0 {
            return Err(Error::shape(NAME, "[batch, classes, h, w]", shape));
        }
        let (batch, classes) = (shape[0], shape[1]);
        let inner: usize = shape[2..].iter().product();
        if target.len() != batch * inner {
            return Err(Error::invalid(
                NAME,
                format!(
                    "target {} has {} labels, input {} needs {}",
                    fmt_shape(target.shape()),
                    target.len(),
                    fmt_shape(shape),
                    batch * inner
                ),
            ));
        }
        let x: Vec<f64> = input.iter().map(|v| v.as_f64()).collect();
        let labels: Vec<f64> = target.iter().map(|v| v.as_f64()).collect();
        let mut grad = vec![0.0; x.len()];
        let (mut sum, mut valid) = (0.0, 0usize);
        for n in 0..batch {
            for i in 0..inner {
                let label = labels[n * inner + i];
                if Some(label) == self.ignore_label {
                    continue;
                }
                if label.fract() != 0.0 || label < 1.0 || label > classes as f64 {
                    return Err(Error::invalid(
                        NAME,
                        format!("label {label} out of range 1..={classes}"),
                    ));
                }
                let idx = |c: usize| (n * classes + c) * inner + i;
                let max = (0..classes)
                    .map(|c| x[idx(c)])
                    .fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = (0..classes).map(|c| (x[idx(c)] - max).exp()).sum();
                let log_z = max + z.ln();
                let k = label as usize - 1;
                sum += log_z - x[idx(k)];
                for c in 0..classes {
                    grad[idx(c)] = (x[idx(c)] - log_z).exp() - if c == k { 1.0 } else { 0.0 };
                }
                valid += 1;
            }
        }
        if !sum.is_finite() {
            return Err(Error::invalid(
                NAME,
                "the loss is not finite (non-finite input?)",
            ));
        }
        let norm = match self.mode {
            NormalizeMode::Full => (batch * inner) as f64,
            NormalizeMode::Valid => valid as f64,
            NormalizeMode::BatchSize => batch as f64,
            NormalizeMode::None => 1.0,
        };
        Ok((sum, norm.max(1.0), grad))
    }
}

impl<T: Element> Criterion<T> for SoftmaxWithCriterion {
    fn describe(&self) -> String {
        format!(
            "{NAME}(ignoreLabel={:?}, normalizeMode={:?})",
            self.ignore_label, self.mode
        )
    }
    fn size_average(&self) -> bool {
        true
    }
    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let (sum, norm, _) = self.run(input, target)?;
        Ok(LossSum { sum, norm })
    }
    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let (_, _, g) = self.run(input, target)?;
        from_vec(NAME, input.shape(), g.into_iter().map(T::lit).collect())
    }
}
