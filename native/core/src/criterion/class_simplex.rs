//! ClassSimplexCriterion: MSE between the input and the target class's vertex of a regular simplex.

use super::checks::{class_labels, finite_loss};
use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{as_batch, from_vec, Tensor};

const NAME: &str = "ClassSimplexCriterion";

/// BigDL's `ClassSimplexCriterion(nClasses)`: each class is embedded as a vertex of a regular
/// `(n_classes - 1)`-simplex (unit vectors, pairwise dot product `-1 / (n_classes - 1)`, padded with
/// a zero to `n_classes` coordinates); the loss is BigDL's `MSECriterion` (size-averaged over all
/// elements) between the input and the vertex of each sample's 1-based target class.
///
/// # Shapes
/// - input: `[batch, n_classes]` or `[n_classes]` (one sample)
/// - target: `[batch]` or `[batch, 1]`, 1-based class indices in `[1, n_classes]`
#[derive(Debug, Clone)]
pub struct ClassSimplexCriterion {
    n_classes: usize,
    /// BigDL's `regsplex(n_classes - 1)` has, in column `k`, zeros above row `k`, `diag[k]` on
    /// row `k` and `below[k]` under it; the last coordinate of every vertex is 0.
    diag: Vec<f64>,
    below: Vec<f64>,
}

impl ClassSimplexCriterion {
    /// A criterion for `n_classes > 1` classes.
    pub fn new(n_classes: usize) -> Result<Self> {
        if n_classes < 2 {
            return Err(Error::invalid(
                NAME,
                format!("nClasses must be > 1, got {n_classes}"),
            ));
        }
        crate::error::checked_count(NAME, &[n_classes])?;
        let n = n_classes - 1;
        let (mut diag, mut below) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut below_sq = 0.0_f64;
        for _ in 0..n {
            // Row k holds below[0..k] left of the diagonal: the diagonal makes it a unit vector.
            let d = (1.0 - below_sq).max(0.0).sqrt();
            let c = (d * d - 1.0 - 1.0 / n as f64) / d;
            diag.push(d);
            below.push(c);
            below_sq += c * c;
        }
        Ok(ClassSimplexCriterion {
            n_classes,
            diag,
            below,
        })
    }

    /// Coordinate `k` of the embedding of the 0-based class `class`.
    pub fn vertex(&self, class: usize, k: usize) -> f64 {
        match (self.diag.get(k), self.below.get(k)) {
            (Some(&d), Some(_)) if class == k => d,
            (Some(_), Some(&c)) if class > k => c,
            _ => 0.0,
        }
    }

    /// The difference `input - vertex(target)` of every element.
    fn diffs<T: Element>(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Vec<f64>> {
        let n = self.n_classes;
        let x = as_batch(NAME, n, input)?;
        let labels = class_labels(NAME, target, x.dim().0, n)?;
        Ok(x.outer_iter()
            .zip(labels)
            .flat_map(|(row, c)| {
                row.iter()
                    .enumerate()
                    .map(|(k, v)| v.as_f64() - self.vertex(c, k))
                    .collect::<Vec<_>>()
            })
            .collect())
    }
}

impl<T: Element> Criterion<T> for ClassSimplexCriterion {
    fn describe(&self) -> String {
        format!("{NAME}({})", self.n_classes)
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let d = self.diffs(input, target)?;
        let sum = finite_loss(NAME, d.iter().map(|v| v * v).sum())?;
        Ok(LossSum {
            sum,
            norm: d.len() as f64,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let d = self.diffs(input, target)?;
        from_vec(
            NAME,
            input.shape(),
            d.into_iter().map(|v| T::lit(2.0 * v)).collect(),
        )
    }
}
