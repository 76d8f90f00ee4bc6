//! The averaging kernel of Torch's (and BigDL's) SpatialSubtractiveNormalization and
//! SpatialDivisiveNormalization: local weighted sums over all channels, and the border
//! coefficients that make them averages.

use super::plane_filter::{PlaneFilter, MAX_TAPS};
use crate::error::{Error, Result};

/// The kernel as the layers apply it: a 2-D kernel divided by `sum · nInputPlane`, or for a 1-D
/// kernel `k` the outer product of `k / (sum · nInputPlane)` with itself (Torch applies it
/// horizontally, then vertically).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalKernel {
    pub planes: usize,
    pub filter: PlaneFilter,
}

impl LocalKernel {
    /// From BigDL's `kernel` (`dims` `[k]` or `[kH, kW]`, odd sizes; `None`: ones of 9x9).
    pub fn new(layer: &str, planes: usize, kernel: Option<(&[usize], &[f64])>) -> Result<Self> {
        if planes == 0 {
            return Err(Error::invalid(layer, "nInputPlane must be positive"));
        }
        let ones = vec![1.0; 81];
        let (dims, values) = kernel.unwrap_or((&[9, 9], &ones));
        let sum: f64 = values.iter().sum();
        if sum == 0.0 || !sum.is_finite() {
            return Err(Error::invalid(
                layer,
                format!("the kernel must have a finite, nonzero sum, got {sum}"),
            ));
        }
        let norm = sum * planes as f64;
        let filter = match *dims {
            [k] if values.len() == k => {
                if k.checked_mul(k).is_none_or(|n| n > MAX_TAPS) {
                    return Err(Error::invalid(
                        layer,
                        format!("a 1-D kernel of {k} values gives more than {MAX_TAPS} taps"),
                    ));
                }
                let taps = values
                    .iter()
                    .flat_map(|a| values.iter().map(move |b| a * b / (norm * norm)))
                    .collect();
                PlaneFilter::new(layer, k, k, taps)?
            }
            [kh, kw] => {
                let taps = values.iter().map(|v| v / norm).collect();
                PlaneFilter::new(layer, kh, kw, taps)?
            }
            _ => {
                return Err(Error::invalid(
                    layer,
                    format!(
                        "the kernel must be 1-D or 2-D with matching values, got dims {dims:?} \
                         and {} values",
                        values.len()
                    ),
                ))
            }
        };
        Ok(LocalKernel { planes, filter })
    }

    /// The weighted sums over every channel of one `[planes, h, w]` image.
    pub fn local_sum(&self, image: &[f64], h: usize, w: usize) -> Vec<f64> {
        let mut acc = vec![0.0; h * w];
        for plane in image.chunks(h * w).take(self.planes) {
            let s = self.filter.correlate(plane, h, w);
            acc.iter_mut().zip(s).for_each(|(a, v)| *a += v);
        }
        acc
    }

    /// The local sum of an all-ones image: what divides the local sums near the borders.
    pub fn coef(&self, h: usize, w: usize) -> Vec<f64> {
        self.local_sum(&vec![1.0; self.planes * h * w], h, w)
    }

    /// The adjoint of [`LocalKernel::local_sum`] for one plane of gradients (the same for
    /// every channel).
    pub fn local_sum_t(&self, grad: &[f64], h: usize, w: usize) -> Vec<f64> {
        self.filter.correlate_t(grad, h, w)
    }
}
