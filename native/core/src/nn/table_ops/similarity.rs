//! Row-wise measures of two tensors: DotProduct, PairwiseDistance and CosineDistance.

use super::pair::{grad_tensor, two_tensors};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Ix2};

/// Which measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// `Σ aᵢ bᵢ` (BigDL's `DotProduct`).
    Dot,
    /// `(Σ |aᵢ - bᵢ|ᵖ)^(1/p)` (BigDL's `PairwiseDistance(norm)`, `p >= 1`).
    Distance(i32),
    /// `a·b / sqrt((|a|² + 1e-12)(|b|² + 1e-12))`: the cosine *similarity*, as BigDL's (and
    /// Torch's) `CosineDistance` computes it despite the name.
    Cosine,
}

/// BigDL's epsilon in CosineDistance's squared norms.
const COSINE_EPS: f64 = 1e-12;

/// BigDL's `DotProduct`, `PairwiseDistance(norm)` and `CosineDistance`: one number per row.
///
/// PairwiseDistance's gradient is the exact one (BigDL adds 1e-6 to the distance in backward),
/// and zero where the distance, or for norm 1 the coordinate difference, is zero.
///
/// # Shapes
/// - input: a table of two tensors of one shape, `[n]` or `[batch, n]`
/// - output: `[1]` for `[n]` inputs, `[batch]` for `[batch, n]`
pub struct PairMeasure {
    measure: Measure,
}

impl PairMeasure {
    /// `PairwiseDistance(norm)` needs `norm >= 1`.
    pub fn new(measure: Measure) -> Result<Self> {
        if let Measure::Distance(p) = measure {
            if p < 1 {
                return Err(Error::invalid(
                    "PairwiseDistance",
                    format!("norm must be >= 1, got {p}"),
                ));
            }
        }
        Ok(PairMeasure { measure })
    }

    fn name(&self) -> &'static str {
        match self.measure {
            Measure::Dot => "DotProduct",
            Measure::Distance(_) => "PairwiseDistance",
            Measure::Cosine => "CosineDistance",
        }
    }

    /// Both inputs as `[rows, n]` matrices.
    fn rows<'a, T: Element>(
        &self,
        input: &'a Activity<T>,
    ) -> Result<(ArrayView2<'a, T>, ArrayView2<'a, T>)> {
        let name = self.name();
        let (a, b) = two_tensors(name, input)?;
        if a.shape() != b.shape() {
            return Err(Error::shape(name, fmt_shape(a.shape()), b.shape()));
        }
        let as_rows = |t: &'a Tensor<T>| -> Result<ArrayView2<'a, T>> {
            let v = match t.ndim() {
                1 => t.view().insert_axis(Axis(0)),
                2 => t.view(),
                _ => return Err(Error::shape(name, "[n] or [batch, n]", t.shape())),
            };
            v.into_dimensionality::<Ix2>()
                .map_err(|e| Error::invalid(name, e.to_string()))
        };
        Ok((as_rows(a)?, as_rows(b)?))
    }

    fn value<T: Element>(&self, a: ArrayView1<T>, b: ArrayView1<T>) -> T {
        match self.measure {
            Measure::Dot => a.dot(&b),
            Measure::Distance(p) => {
                let s = a
                    .iter()
                    .zip(b.iter())
                    .fold(T::zero(), |s, (x, y)| s + (*x - *y).abs().powi(p));
                if p == 1 {
                    s
                } else if p == 2 {
                    s.sqrt()
                } else {
                    s.powf(T::one() / T::lit(p as f64))
                }
            }
            Measure::Cosine => {
                let eps = T::lit(COSINE_EPS);
                a.dot(&b) / ((a.dot(&a) + eps) * (b.dot(&b) + eps)).sqrt()
            }
        }
    }

    /// The gradients of row `(a, b)` times `g`, written into `ga` and `gb`.
    fn row_grad<T: Element>(
        &self,
        a: ArrayView1<T>,
        b: ArrayView1<T>,
        g: T,
        mut ga: ndarray::ArrayViewMut1<T>,
        mut gb: ndarray::ArrayViewMut1<T>,
    ) {
        match self.measure {
            Measure::Dot => {
                ga.assign(&b.mapv(|v| v * g));
                gb.assign(&a.mapv(|v| v * g));
            }
            Measure::Distance(p) => {
                let y = self.value(a, b);
                if y == T::zero() {
                    return;
                }
                let scale = g / y.powi(p - 1);
                ndarray::Zip::from(&mut ga)
                    .and(&mut gb)
                    .and(&a)
                    .and(&b)
                    .for_each(|ga, gb, x, z| {
                        let d = *x - *z;
                        let sign = if d > T::zero() {
                            T::one()
                        } else if d < T::zero() {
                            -T::one()
                        } else {
                            T::zero()
                        };
                        let v = sign * d.abs().powi(p - 1) * scale;
                        *ga = v;
                        *gb = -v;
                    });
            }
            Measure::Cosine => {
                let eps = T::lit(COSINE_EPS);
                let (w1, w22, w32) = (
                    a.dot(&b),
                    T::one() / (a.dot(&a) + eps),
                    T::one() / (b.dot(&b) + eps),
                );
                let w = (w22 * w32).sqrt() * g;
                ndarray::Zip::from(&mut ga)
                    .and(&mut gb)
                    .and(&a)
                    .and(&b)
                    .for_each(|ga, gb, x, z| {
                        *ga = w * (*z - w1 * w22 * *x);
                        *gb = w * (*x - w1 * w32 * *z);
                    });
            }
        }
    }
}

impl<T: Element> ActivityModule<T> for PairMeasure {
    fn describe(&self) -> String {
        match self.measure {
            Measure::Distance(p) => format!("PairwiseDistance({p})"),
            _ => self.name().to_string(),
        }
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let (a, b) = self.rows(input)?;
        let y: Array1<T> = a
            .outer_iter()
            .zip(b.outer_iter())
            .map(|(ra, rb)| self.value(ra, rb))
            .collect();
        Ok(Activity::Tensor(y.into_dyn()))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let (a, b) = self.rows(input)?;
        let g = grad_tensor(self.name(), grad_output, &[a.nrows()])?;
        let (mut ga, mut gb) = (Array2::zeros(a.raw_dim()), Array2::zeros(b.raw_dim()));
        for (r, gr) in g.iter().enumerate() {
            self.row_grad(a.row(r), b.row(r), *gr, ga.row_mut(r), gb.row_mut(r));
        }
        let (x, _) = two_tensors(self.name(), input)?;
        let back = |t: Array2<T>| -> Result<Activity<T>> {
            t.into_shape_with_order(x.shape())
                .map(Activity::Tensor)
                .map_err(|e| Error::invalid(self.name(), e.to_string()))
        };
        Ok(Activity::Table(vec![back(ga)?, back(gb)?]))
    }
}
