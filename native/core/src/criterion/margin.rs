//! Multi-class hinge losses on class scores: MultiMarginCriterion and MultiLabelMarginCriterion.

use super::checks::{check_weights, class_labels, finite_loss, matrix};
use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// BigDL's `MultiMarginCriterion(p = 1, weights = null, margin = 1.0, sizeAverage = true)`: the
/// multi-class hinge loss of a 1-based target class `y` (PyTorch's `multi_margin_loss`).
///
/// Per sample, `Σ_{d ≠ y} w[y]·max(0, margin - x[y] + x[d])^p / n_classes`, summed over the batch
/// and divided by the batch size when size-averaged. `p` is 1 or 2.
///
/// # Shapes
/// - input: `[batch, n_classes]` or `[n_classes]` (one sample)
/// - target: `[batch]` or `[batch, 1]`, 1-based class indices in `[1, n_classes]`
/// - weights (optional): `[n_classes]`
#[derive(Debug, Clone)]
pub struct MultiMarginCriterion {
    p: u32,
    weights: Option<Vec<f64>>,
    margin: f64,
    size_average: bool,
}

const MULTI_MARGIN: &str = "MultiMarginCriterion";

impl MultiMarginCriterion {
    /// A criterion with exponent `p` (1 or 2), optional class weights and a margin.
    pub fn new(p: i64, weights: Option<Vec<f64>>, margin: f64, size_average: bool) -> Result<Self> {
        let p = match p {
            1 => 1,
            2 => 2,
            other => {
                return Err(Error::invalid(
                    MULTI_MARGIN,
                    format!("only p = 1 and p = 2 are supported, got p = {other}"),
                ))
            }
        };
        if !margin.is_finite() {
            return Err(Error::invalid(MULTI_MARGIN, "margin must be finite"));
        }
        if let Some(w) = &weights {
            check_weights(MULTI_MARGIN, Some(w), w.len())?;
        }
        Ok(MultiMarginCriterion {
            p,
            weights,
            margin,
            size_average,
        })
    }

    /// The summed loss and the gradient of the summed loss.
    fn eval<T: Element>(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<(LossSum, Vec<T>)> {
        let x = matrix(MULTI_MARGIN, input)?;
        let (batch, dim) = x.dim();
        let labels = class_labels(MULTI_MARGIN, target, batch, dim)?;
        check_weights(MULTI_MARGIN, self.weights.as_deref(), dim)?;
        let mut grad = vec![T::zero(); batch * dim];
        let mut sum = 0.0;
        for (i, &y) in labels.iter().enumerate() {
            let w = self.weights.as_ref().map_or(1.0, |w| w[y]) / dim as f64;
            let x_y = x[[i, y]].as_f64();
            let mut g_y = 0.0;
            for d in (0..dim).filter(|&d| d != y) {
                let z = self.margin - x_y + x[[i, d]].as_f64();
                if z > 0.0 {
                    let (h, g) = if self.p == 1 {
                        (z, 1.0)
                    } else {
                        (z * z, 2.0 * z)
                    };
                    sum += w * h;
                    grad[i * dim + d] = T::lit(w * g);
                    g_y -= w * g;
                }
            }
            grad[i * dim + y] = T::lit(g_y);
        }
        let sum = finite_loss(MULTI_MARGIN, sum)?;
        Ok((
            LossSum {
                sum,
                norm: batch as f64,
            },
            grad,
        ))
    }
}

impl<T: Element> Criterion<T> for MultiMarginCriterion {
    fn describe(&self) -> String {
        format!("{MULTI_MARGIN}(p = {}, margin = {})", self.p, self.margin)
    }

    fn size_average(&self) -> bool {
        self.size_average
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        Ok(self.eval(input, target)?.0)
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        from_vec(MULTI_MARGIN, input.shape(), self.eval(input, target)?.1)
    }
}

/// BigDL's `MultiLabelMarginCriterion(sizeAverage = true)`: the multi-class multi-label hinge loss
/// (PyTorch's `multilabel_margin_loss`, with BigDL's 1-based labels).
///
/// Each target row lists 1-based target classes, ended by the first 0 (the rest is ignored). Per
/// sample, `Σ_{j in targets} Σ_{d not a target} max(0, 1 - (x[j] - x[d])) / n_classes`, summed
/// over the batch and divided by the batch size when size-averaged.
///
/// # Shapes
/// - input: `[batch, n_classes]` or `[n_classes]` (one sample)
/// - target: the input's shape; integers in `[0, n_classes]`
#[derive(Debug, Clone)]
pub struct MultiLabelMarginCriterion {
    size_average: bool,
}

const MULTI_LABEL_MARGIN: &str = "MultiLabelMarginCriterion";

impl MultiLabelMarginCriterion {
    /// A criterion averaged over the batch when `size_average`.
    pub fn new(size_average: bool) -> Self {
        MultiLabelMarginCriterion { size_average }
    }

    /// The target classes (0-based) of each row, checked.
    fn targets<T: Element>(
        target: &Tensor<T>,
        batch: usize,
        dim: usize,
    ) -> Result<Vec<Vec<usize>>> {
        let t: Vec<f64> = target.iter().map(|v| v.as_f64()).collect();
        if let Some((index, &label)) = t
            .iter()
            .enumerate()
            .find(|(_, &l)| l.fract() != 0.0 || l < 0.0 || l > dim as f64)
        {
            return Err(Error::LabelOutOfRange {
                layer: format!("{MULTI_LABEL_MARGIN} (0 ends a row's targets)"),
                label,
                index: index / dim.max(1),
                n_classes: dim,
            });
        }
        Ok((0..batch)
            .map(|i| {
                t[i * dim..(i + 1) * dim]
                    .iter()
                    .take_while(|&&l| l >= 1.0)
                    .map(|&l| l as usize - 1)
                    .collect()
            })
            .collect())
    }

    fn eval<T: Element>(input: &Tensor<T>, target: &Tensor<T>) -> Result<(LossSum, Vec<T>)> {
        let x = matrix(MULTI_LABEL_MARGIN, input)?;
        check_same_shape(MULTI_LABEL_MARGIN, "target", input.shape(), target)?;
        let (batch, dim) = x.dim();
        let rows = Self::targets(target, batch, dim)?;
        let scale = 1.0 / dim.max(1) as f64;
        let mut grad = vec![0.0; batch * dim];
        let mut sum = 0.0;
        for (i, targets) in rows.iter().enumerate() {
            let mut is_target = vec![false; dim];
            targets.iter().for_each(|&j| is_target[j] = true);
            for &j in targets {
                let x_j = x[[i, j]].as_f64();
                for d in (0..dim).filter(|&d| !is_target[d]) {
                    let z = 1.0 - x_j + x[[i, d]].as_f64();
                    if z > 0.0 {
                        sum += scale * z;
                        grad[i * dim + j] -= scale;
                        grad[i * dim + d] += scale;
                    }
                }
            }
        }
        let sum = finite_loss(MULTI_LABEL_MARGIN, sum)?;
        Ok((
            LossSum {
                sum,
                norm: batch as f64,
            },
            grad.into_iter().map(T::lit).collect(),
        ))
    }
}

impl<T: Element> Criterion<T> for MultiLabelMarginCriterion {
    fn describe(&self) -> String {
        MULTI_LABEL_MARGIN.into()
    }

    fn size_average(&self) -> bool {
        self.size_average
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        Ok(Self::eval(input, target)?.0)
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        from_vec(
            MULTI_LABEL_MARGIN,
            input.shape(),
            Self::eval(input, target)?.1,
        )
    }
}
