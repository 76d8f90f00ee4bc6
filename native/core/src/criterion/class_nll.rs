//! ClassNLLCriterion: the negative log-likelihood of the target class.

use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{as_batch, Tensor};
use ndarray::ArrayView2;

/// BigDL's `ClassNLLCriterion(weights = null, sizeAverage = true, logProbAsInput = true,
/// paddingValue = -1)`.
///
/// `loss = -Σ_i w[t_i] · x[i, t_i]` (or `log x[i, t_i]` when the input holds probabilities),
/// divided by `Σ_i w[t_i]` when size-averaged. Targets are 1-based class indices, as in BigDL;
/// every target must be an integer in `[1, n_classes]`, except that targets equal to the padding
/// value are skipped (no loss, no gradient, not counted).
///
/// # Shapes
/// - input: `[batch, n_classes]` or `[n_classes]` (log-probabilities, e.g. from LogSoftMax)
/// - target: `[batch]`, `[batch, 1]` or `[1]`
#[derive(Debug, Clone)]
pub struct ClassNLLCriterion {
    weights: Option<Vec<f64>>,
    size_average: bool,
    log_prob_input: bool,
    padding_value: Option<f64>,
}

impl ClassNLLCriterion {
    /// A criterion with optional per-class weights (one per class, non-negative).
    pub fn new(weights: Option<Vec<f64>>, size_average: bool) -> Result<Self> {
        if let Some(w) = &weights {
            if w.iter().any(|x| !x.is_finite() || *x < 0.0) {
                return Err(Error::invalid(
                    "ClassNLLCriterion",
                    "class weights must be finite and >= 0",
                ));
            }
        }
        Ok(ClassNLLCriterion {
            weights,
            size_average,
            log_prob_input: true,
            padding_value: Some(-1.0),
        })
    }

    /// Whether the input holds log-probabilities (BigDL's default) or probabilities.
    pub fn log_prob_input(mut self, yes: bool) -> Self {
        self.log_prob_input = yes;
        self
    }

    /// Targets equal to `value` are skipped (BigDL's `paddingValue`, -1 by default).
    pub fn padding_value(mut self, value: Option<f64>) -> Self {
        self.padding_value = value;
        self
    }

    /// The input as `[batch, n_classes]` and the zero-based class of each row.
    fn classes<'a, T: Element>(
        &self,
        input: &'a Tensor<T>,
        target: &Tensor<T>,
    ) -> Result<(ArrayView2<'a, T>, Vec<Option<usize>>)> {
        let n_classes = *input.shape().last().unwrap_or(&0);
        if input.ndim() == 0 || input.ndim() > 2 || n_classes == 0 {
            return Err(Error::shape(
                "ClassNLLCriterion",
                "[batch, n_classes] or [n_classes]",
                input.shape(),
            ));
        }
        let x = as_batch("ClassNLLCriterion", n_classes, input)?;
        let batch = x.dim().0;
        let ok_target = target.len() == batch
            && (target.ndim() == 1 || (target.ndim() == 2 && target.shape()[1] == 1));
        if !ok_target {
            return Err(Error::shape(
                "ClassNLLCriterion (target)",
                format!("[{batch}] or [{batch}, 1]"),
                target.shape(),
            ));
        }
        if let Some(w) = &self.weights {
            if w.len() != n_classes {
                return Err(Error::invalid(
                    "ClassNLLCriterion",
                    format!("{} class weights for {n_classes} classes", w.len()),
                ));
            }
        }
        let classes = target
            .iter()
            .enumerate()
            .map(|(index, &t)| {
                let label = t.as_f64();
                if Some(label) == self.padding_value {
                    Ok(None)
                } else if label.fract() == 0.0 && label >= 1.0 && label <= n_classes as f64 {
                    Ok(Some(label as usize - 1))
                } else {
                    Err(Error::LabelOutOfRange {
                        layer: "ClassNLLCriterion".into(),
                        label,
                        index,
                        n_classes,
                    })
                }
            })
            .collect::<Result<Vec<Option<usize>>>>()?;
        Ok((x, classes))
    }

    fn weight(&self, class: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[class])
    }
}

impl<T: Element> Criterion<T> for ClassNLLCriterion {
    fn describe(&self) -> String {
        "ClassNLLCriterion".into()
    }

    fn size_average(&self) -> bool {
        self.size_average
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let (x, classes) = self.classes(input, target)?;
        let mut sum = 0.0;
        let mut norm = 0.0;
        for (i, c) in classes.iter().enumerate() {
            let Some(c) = *c else { continue };
            let w = self.weight(c);
            let v = x[[i, c]].as_f64();
            sum -= w * if self.log_prob_input { v } else { v.ln() };
            norm += w;
        }
        if !sum.is_finite() {
            return Err(Error::NonFinite {
                op: "ClassNLLCriterion".into(),
                what: "loss".into(),
                index: 0,
            });
        }
        Ok(LossSum { sum, norm })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let (x, classes) = self.classes(input, target)?;
        let mut g = ndarray::Array2::<T>::zeros(x.dim());
        for (i, c) in classes.iter().enumerate() {
            let Some(c) = *c else { continue };
            let w = -self.weight(c);
            g[[i, c]] = T::lit(if self.log_prob_input {
                w
            } else {
                w / x[[i, c]].as_f64()
            });
        }
        g.into_shape_with_order(input.shape())
            .map_err(|e| Error::invalid("ClassNLLCriterion", e.to_string()))
    }
}
