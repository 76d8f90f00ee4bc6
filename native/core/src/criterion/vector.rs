//! Losses on each sample's vector: cosine distance and proximity, dot product, Dice, L1 norm.

use super::checks::{finite_loss, last_dim_rows, matrix_pair};
use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{check_same_shape, from_vec, Tensor};
use ndarray::ArrayView1;

fn dot<T: Element>(a: ArrayView1<T>, b: ArrayView1<T>) -> f64 {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| x.as_f64() * y.as_f64())
        .sum()
}

/// Applies a [`RowLoss`] to every sample; returns the summed loss, the number of samples and the
/// gradient of the summed loss.
fn by_rows<R: RowLoss, T: Element>(
    loss: &R,
    input: &Tensor<T>,
    target: &Tensor<T>,
) -> Result<(f64, usize, Vec<T>)> {
    let (x, t) = matrix_pair(R::NAME, input, target)?;
    let (batch, n) = x.dim();
    let (x, t) = (x.mapv(|v| v.as_f64()), t.mapv(|v| v.as_f64()));
    let mut grad = vec![0.0; batch * n];
    let mut sum = 0.0;
    for i in 0..batch {
        sum += loss.row(x.row(i), t.row(i), &mut grad[i * n..(i + 1) * n]);
    }
    Ok((
        finite_loss(R::NAME, sum)?,
        batch,
        grad.into_iter().map(T::lit).collect(),
    ))
}

const COSINE_DISTANCE: &str = "CosineDistanceCriterion";

/// BigDL's `CosineDistanceCriterion(sizeAverage = true)`: `1 - cos(x, t)` for each sample, with
/// `cos(x, t) = x·t / sqrt((|x|² + 1e-12)·(|t|² + 1e-12))` (as PyTorch's `cosine_embedding_loss`
/// with target 1), summed and divided by the number of samples when size-averaged.
///
/// # Shapes
/// - input: `[batch, n]` or `[n]` (one sample)
/// - target: the input's shape
#[derive(Debug, Clone)]
pub struct CosineDistanceCriterion {
    size_average: bool,
}

impl CosineDistanceCriterion {
    /// A criterion averaged over samples when `size_average`.
    pub fn new(size_average: bool) -> Self {
        CosineDistanceCriterion { size_average }
    }
}

const COSINE_PROXIMITY: &str = "CosineProximityCriterion";

/// BigDL's `CosineProximityCriterion()` (Keras's `cosine_proximity`): with every vector along the
/// last dimension L2-normalised as `v / sqrt(max(|v|², 1e-12))`, `-Σ x'·t'` divided by the number
/// of elements.
///
/// # Shapes
/// - input: any shape with at least one dimension; vectors along the last dimension
/// - target: the input's shape
#[derive(Debug, Clone, Default)]
pub struct CosineProximityCriterion;

impl CosineProximityCriterion {
    fn eval<T: Element>(input: &Tensor<T>, target: &Tensor<T>) -> Result<(f64, Vec<T>)> {
        check_same_shape(COSINE_PROXIMITY, "target", input.shape(), target)?;
        let x = last_dim_rows(COSINE_PROXIMITY, input)?;
        let t = last_dim_rows(COSINE_PROXIMITY, target)?;
        let eps = 1e-12;
        let mut grad = Vec::with_capacity(input.len());
        let mut sum = 0.0;
        for (x, t) in x.outer_iter().zip(t.outer_iter()) {
            let sx = dot(x, x);
            let nx = sx.max(eps).sqrt();
            let nt = dot(t, t).max(eps).sqrt();
            let a = dot(x, t) / nt;
            sum -= a / nx;
            // d(-a / nx) / dx: the norm is a constant where it is clamped.
            let k = if sx > eps { a / (nx * nx * nx) } else { 0.0 };
            grad.extend(
                x.iter()
                    .zip(t.iter())
                    .map(|(x, t)| T::lit(-t.as_f64() / (nt * nx) + k * x.as_f64())),
            );
        }
        Ok((finite_loss(COSINE_PROXIMITY, sum)?, grad))
    }
}

const DOT_PRODUCT: &str = "DotProductCriterion";

/// BigDL's `DotProductCriterion(sizeAverage = false)`: the dot product `Σ x·t` of input and
/// target, divided by the batch size when size-averaged (and the input is a batch).
///
/// # Shapes
/// - input: `[batch, n]` or `[n]` (one sample)
/// - target: the input's shape
#[derive(Debug, Clone)]
pub struct DotProductCriterion {
    size_average: bool,
}

impl DotProductCriterion {
    /// A criterion averaged over the batch when `size_average`.
    pub fn new(size_average: bool) -> Self {
        DotProductCriterion { size_average }
    }
}

const DICE: &str = "DiceCoefficientCriterion";

/// BigDL's `DiceCoefficientCriterion(sizeAverage = true, epsilon = 1.0)`: for each sample,
/// `1 - (2·Σ x·t + ε) / (Σ x + Σ t + ε)`, summed and divided by the number of samples when
/// size-averaged.
///
/// # Shapes
/// - input: `[batch, n]` or `[n]` (one sample)
/// - target: the input's shape
#[derive(Debug, Clone)]
pub struct DiceCoefficientCriterion {
    size_average: bool,
    epsilon: f64,
}

impl DiceCoefficientCriterion {
    /// A criterion with smoothing `epsilon`, averaged over samples when `size_average`.
    pub fn new(size_average: bool, epsilon: f64) -> Result<Self> {
        if !epsilon.is_finite() {
            return Err(Error::invalid(DICE, "epsilon must be finite"));
        }
        Ok(DiceCoefficientCriterion {
            size_average,
            epsilon,
        })
    }
}

const L1_COST: &str = "L1Cost";

/// BigDL's `L1Cost()`: the L1 norm `Σ |x|` of the input; the target is ignored. Not averaged.
///
/// # Shapes
/// - input: any
/// - target: any (ignored)
#[derive(Debug, Clone, Default)]
pub struct L1Cost;

/// A loss computed sample by sample: the loss of one `(input row, target row)` pair, writing the
/// row's gradient into `g`.
trait RowLoss {
    const NAME: &'static str;
    fn average(&self) -> bool;
    fn row(&self, x: ArrayView1<f64>, t: ArrayView1<f64>, g: &mut [f64]) -> f64;
}

impl RowLoss for CosineDistanceCriterion {
    const NAME: &'static str = COSINE_DISTANCE;
    fn average(&self) -> bool {
        self.size_average
    }
    fn row(&self, x: ArrayView1<f64>, t: ArrayView1<f64>, g: &mut [f64]) -> f64 {
        let eps = 1e-12;
        let a = x.dot(&t);
        let sx = x.dot(&x) + eps;
        let w = 1.0 / (sx * (t.dot(&t) + eps)).sqrt();
        for ((g, x), t) in g.iter_mut().zip(x.iter()).zip(t.iter()) {
            *g = -(t - a / sx * x) * w;
        }
        1.0 - a * w
    }
}

impl RowLoss for DiceCoefficientCriterion {
    const NAME: &'static str = DICE;
    fn average(&self) -> bool {
        self.size_average
    }
    fn row(&self, x: ArrayView1<f64>, t: ArrayView1<f64>, g: &mut [f64]) -> f64 {
        let w1 = 2.0 * x.dot(&t) + self.epsilon;
        let w2 = x.sum() + t.sum() + self.epsilon;
        for (g, t) in g.iter_mut().zip(t.iter()) {
            *g = -2.0 * t / w2 + w1 / (w2 * w2);
        }
        1.0 - w1 / w2
    }
}

impl RowLoss for DotProductCriterion {
    const NAME: &'static str = DOT_PRODUCT;
    fn average(&self) -> bool {
        self.size_average
    }
    fn row(&self, x: ArrayView1<f64>, t: ArrayView1<f64>, g: &mut [f64]) -> f64 {
        g.iter_mut().zip(t.iter()).for_each(|(g, t)| *g = *t);
        x.dot(&t)
    }
}

/// The `Criterion` of a [`RowLoss`]: its normaliser is the number of samples.
macro_rules! row_criterion {
    ($($ty:ty),*) => {$(
        impl<T: Element> Criterion<T> for $ty {
            fn describe(&self) -> String {
                <$ty as RowLoss>::NAME.into()
            }

            fn size_average(&self) -> bool {
                self.average()
            }

            fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
                let (sum, batch, _) = by_rows(self, input, target)?;
                Ok(LossSum { sum, norm: batch as f64 })
            }

            fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
                let (_, _, grad) = by_rows(self, input, target)?;
                from_vec(<$ty as RowLoss>::NAME, input.shape(), grad)
            }
        }
    )*};
}

row_criterion!(
    CosineDistanceCriterion,
    DiceCoefficientCriterion,
    DotProductCriterion
);

impl<T: Element> Criterion<T> for CosineProximityCriterion {
    fn describe(&self) -> String {
        COSINE_PROXIMITY.into()
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        Ok(LossSum {
            sum: Self::eval(input, target)?.0,
            norm: input.len() as f64,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        from_vec(
            COSINE_PROXIMITY,
            input.shape(),
            Self::eval(input, target)?.1,
        )
    }
}

impl<T: Element> Criterion<T> for L1Cost {
    fn describe(&self) -> String {
        L1_COST.into()
    }

    fn size_average(&self) -> bool {
        false
    }

    fn loss_sum(&self, input: &Tensor<T>, _target: &Tensor<T>) -> Result<LossSum> {
        let sum = input.iter().map(|v| v.as_f64().abs()).sum();
        Ok(LossSum {
            sum: finite_loss(L1_COST, sum)?,
            norm: 1.0,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, _target: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(input.mapv(|v| {
            if v > T::zero() {
                T::one()
            } else if v < T::zero() {
                -T::one()
            } else {
                T::zero()
            }
        }))
    }
}
