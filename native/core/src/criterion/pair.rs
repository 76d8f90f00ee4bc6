//! Criterions over a pair of inputs `{x1, x2}` and a target `y`: MarginRankingCriterion,
//! CosineEmbeddingCriterion and L1HingeEmbeddingCriterion (BigDL's names, parameters, defaults).

use super::activity_criterion::ActivityCriterion;
use super::table_args::{rows_cols, same_shape, signs, single_target, tensor, tensors, values};
use super::traits::LossSum;
use crate::activity::Activity;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// The pair `{x1, x2}` (same shape) and the target tensor.
fn pair<'a, T: Element>(
    name: &str,
    input: &'a Activity<T>,
    target: &'a Activity<T>,
) -> Result<(&'a Tensor<T>, &'a Tensor<T>, &'a Tensor<T>)> {
    let xs = tensors(name, input, 2, "input {x1, x2}")?;
    same_shape(name, "x2", xs[0], xs[1])?;
    Ok((xs[0], xs[1], single_target(name, target)?))
}

fn pair_grad<T: Element>(
    name: &str,
    x: &Tensor<T>,
    g1: Vec<f64>,
    g2: Vec<f64>,
) -> Result<Activity<T>> {
    Ok(Activity::Table(vec![
        Activity::Tensor(tensor(name, x.shape(), g1)?),
        Activity::Tensor(tensor(name, x.shape(), g2)?),
    ]))
}

/// BigDL's `MarginRankingCriterion(margin = 1, sizeAverage = true)`:
/// `Σᵢ max(0, −yᵢ (x1ᵢ − x2ᵢ) + margin)`, divided by n when size-averaged.
///
/// # Shapes
/// - input: `{x1, x2}`, each n scores (any shape, same for both); target: n values (or `{y}`)
pub struct MarginRankingCriterion {
    margin: f64,
    size_average: bool,
}

impl MarginRankingCriterion {
    pub fn new(margin: f64, size_average: bool) -> Result<Self> {
        if !margin.is_finite() {
            return Err(Error::invalid(
                "MarginRankingCriterion",
                "margin must be finite",
            ));
        }
        Ok(MarginRankingCriterion {
            margin,
            size_average,
        })
    }

    fn parts<T: Element>(
        &self,
        input: &Activity<T>,
        target: &Activity<T>,
    ) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let name = "MarginRankingCriterion";
        let (x1, x2, y) = pair(name, input, target)?;
        if y.len() != x1.len() {
            return Err(Error::invalid(
                name,
                format!("target has {} values for {} scores", y.len(), x1.len()),
            ));
        }
        Ok((values(x1), values(x2), values(y)))
    }
}

impl<T: Element> ActivityCriterion<T> for MarginRankingCriterion {
    fn describe(&self) -> String {
        format!("MarginRankingCriterion(margin={})", self.margin)
    }
    fn size_average(&self) -> bool {
        self.size_average
    }
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let (a, b, y) = self.parts(input, target)?;
        let sum = (0..a.len())
            .map(|i| (-y[i] * (a[i] - b[i]) + self.margin).max(0.0))
            .sum();
        Ok(LossSum {
            sum,
            norm: a.len() as f64,
        })
    }
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let (a, b, y) = self.parts(input, target)?;
        let g1: Vec<f64> = (0..a.len())
            .map(|i| {
                if -y[i] * (a[i] - b[i]) + self.margin > 0.0 {
                    -y[i]
                } else {
                    0.0
                }
            })
            .collect();
        let g2 = g1.iter().map(|g| -g).collect();
        let x1 = input.table("MarginRankingCriterion")?[0].tensor("MarginRankingCriterion")?;
        pair_grad("MarginRankingCriterion", x1, g1, g2)
    }
}

/// Cosine similarity per row, with ε = 1e-12 added to each squared norm (BigDL, PyTorch).
struct Cosines {
    batch: usize,
    dim: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    y: Vec<f64>,
    cos: Vec<f64>,
    sq_a: Vec<f64>,
    sq_b: Vec<f64>,
}

fn cosines<T: Element>(name: &str, input: &Activity<T>, target: &Activity<T>) -> Result<Cosines> {
    let (x1, x2, y) = pair(name, input, target)?;
    let (batch, dim) = rows_cols(name, x1)?;
    let y = signs(name, y, batch)?;
    let (a, b) = (values(x1), values(x2));
    let (mut cos, mut sq_a, mut sq_b) = (vec![0.0; batch], vec![0.0; batch], vec![0.0; batch]);
    for i in 0..batch {
        let (ra, rb) = (&a[i * dim..(i + 1) * dim], &b[i * dim..(i + 1) * dim]);
        let dot: f64 = ra.iter().zip(rb).map(|(p, q)| p * q).sum();
        sq_a[i] = ra.iter().map(|p| p * p).sum::<f64>() + 1e-12;
        sq_b[i] = rb.iter().map(|q| q * q).sum::<f64>() + 1e-12;
        cos[i] = dot / (sq_a[i] * sq_b[i]).sqrt();
    }
    Ok(Cosines {
        batch,
        dim,
        a,
        b,
        y,
        cos,
        sq_a,
        sq_b,
    })
}

/// BigDL's `CosineEmbeddingCriterion(margin = 0, sizeAverage = true)`: per sample
/// `1 − cos(x1, x2)` when y = 1 and `max(0, cos(x1, x2) − margin)` when y = −1; the mean over
/// the batch when size-averaged.
///
/// # Shapes
/// - input: `{x1, x2}`, each `[batch, d]` or `[d]`; target: batch values in {1, −1} (or `{y}`)
pub struct CosineEmbeddingCriterion {
    margin: f64,
    size_average: bool,
}

impl CosineEmbeddingCriterion {
    pub fn new(margin: f64, size_average: bool) -> Result<Self> {
        if !margin.is_finite() {
            return Err(Error::invalid(
                "CosineEmbeddingCriterion",
                "margin must be finite",
            ));
        }
        Ok(CosineEmbeddingCriterion {
            margin,
            size_average,
        })
    }
}

impl<T: Element> ActivityCriterion<T> for CosineEmbeddingCriterion {
    fn describe(&self) -> String {
        format!("CosineEmbeddingCriterion(margin={})", self.margin)
    }
    fn size_average(&self) -> bool {
        self.size_average
    }
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let c = cosines("CosineEmbeddingCriterion", input, target)?;
        let sum = (0..c.batch)
            .map(|i| {
                if c.y[i] > 0.0 {
                    1.0 - c.cos[i]
                } else {
                    (c.cos[i] - self.margin).max(0.0)
                }
            })
            .sum();
        Ok(LossSum {
            sum,
            norm: c.batch as f64,
        })
    }
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let name = "CosineEmbeddingCriterion";
        let c = cosines(name, input, target)?;
        let (mut g1, mut g2) = (vec![0.0; c.a.len()], vec![0.0; c.b.len()]);
        for i in 0..c.batch {
            let s = if c.y[i] > 0.0 {
                -1.0
            } else if c.cos[i] > self.margin {
                1.0
            } else {
                continue;
            };
            let denom = (c.sq_a[i] * c.sq_b[i]).sqrt();
            for k in i * c.dim..(i + 1) * c.dim {
                g1[k] = s * (c.b[k] / denom - c.cos[i] * c.a[k] / c.sq_a[i]);
                g2[k] = s * (c.a[k] / denom - c.cos[i] * c.b[k] / c.sq_b[i]);
            }
        }
        pair_grad(name, input.table(name)?[0].tensor(name)?, g1, g2)
    }
}

/// BigDL's `L1HingeEmbeddingCriterion(margin = 1)`: with d = ‖x1 − x2‖₁, `d` when y = 1 and
/// `max(0, margin − d)` when y = −1. Not averaged (BigDL's takes one pair); a batch `[batch, d]`
/// with `batch` targets gives the sum over its pairs.
///
/// # Shapes
/// - input: `{x1, x2}`, each `[d]` or `[batch, d]`; target: batch values in {1, −1} (or `{y}`)
pub struct L1HingeEmbeddingCriterion {
    margin: f64,
}

impl L1HingeEmbeddingCriterion {
    pub fn new(margin: f64) -> Result<Self> {
        if !margin.is_finite() {
            return Err(Error::invalid(
                "L1HingeEmbeddingCriterion",
                "margin must be finite",
            ));
        }
        Ok(L1HingeEmbeddingCriterion { margin })
    }

    #[allow(clippy::type_complexity)]
    fn parts<T: Element>(
        &self,
        input: &Activity<T>,
        target: &Activity<T>,
    ) -> Result<(usize, Vec<f64>, Vec<f64>, Vec<f64>)> {
        let name = "L1HingeEmbeddingCriterion";
        let (x1, x2, y) = pair(name, input, target)?;
        let (batch, dim) = rows_cols(name, x1)?;
        let y = signs(name, y, batch)?;
        let (a, b) = (values(x1), values(x2));
        let dist = (0..batch)
            .map(|i| (i * dim..(i + 1) * dim).map(|k| (a[k] - b[k]).abs()).sum())
            .collect();
        let diff = a.iter().zip(&b).map(|(p, q)| p - q).collect();
        Ok((dim, y, dist, diff))
    }
}

impl<T: Element> ActivityCriterion<T> for L1HingeEmbeddingCriterion {
    fn describe(&self) -> String {
        format!("L1HingeEmbeddingCriterion(margin={})", self.margin)
    }
    fn size_average(&self) -> bool {
        false
    }
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let (_, y, dist, _) = self.parts(input, target)?;
        let sum = y
            .iter()
            .zip(&dist)
            .map(|(y, d)| {
                if *y > 0.0 {
                    *d
                } else {
                    (self.margin - d).max(0.0)
                }
            })
            .sum();
        Ok(LossSum {
            sum,
            norm: y.len() as f64,
        })
    }
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let name = "L1HingeEmbeddingCriterion";
        let (dim, y, dist, diff) = self.parts(input, target)?;
        let g1: Vec<f64> = diff
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let i = k / dim.max(1);
                let s = if y[i] > 0.0 {
                    1.0
                } else if self.margin - dist[i] > 0.0 {
                    -1.0
                } else {
                    0.0
                };
                if *d == 0.0 {
                    0.0
                } else {
                    s * d.signum()
                }
            })
            .collect();
        let g2 = g1.iter().map(|g| -g).collect();
        pair_grad(name, input.table(name)?[0].tensor(name)?, g1, g2)
    }
}
