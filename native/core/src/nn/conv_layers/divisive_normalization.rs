//! SpatialDivisiveNormalization: divides by the local weighted standard deviation over all
//! channels.

use super::local_kernel::LocalKernel;
use super::subtractive_normalization::layout;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's (Torch's) `SpatialDivisiveNormalization(nInputPlane = 1, kernel = null,
/// threshold = 1e-4, thresval = 1e-4)`: `y_c = x_c / t` with `s = √(Σ_c k ⋆ x_c²) / coef`,
/// `t = s` where `s > threshold`, else `thresval`. `k` is the normalised kernel (see
/// [`LocalKernel`]; default ones of 9x9) and `coef` its sum over an all-ones image.
///
/// # Shapes
/// - input: `[batch, nInputPlane, H, W]` or `[nInputPlane, H, W]`
/// - output: same as input
#[derive(Debug, Clone)]
pub struct SpatialDivisiveNormalization {
    kernel: LocalKernel,
    threshold: f64,
    thresval: f64,
}

/// Per image: (the local sums of squares, the divisor `t`).
type Stds = Vec<(Vec<f64>, Vec<f64>)>;

impl SpatialDivisiveNormalization {
    /// `kernel` is `(dims, values)`, dims `[k]` or `[kH, kW]` with odd sizes.
    pub fn new(
        n_input_plane: usize,
        kernel: Option<(&[usize], &[f64])>,
        threshold: f64,
        thresval: f64,
    ) -> Result<Self> {
        let op = "SpatialDivisiveNormalization";
        if !(threshold.is_finite() && thresval.is_finite()) {
            return Err(Error::invalid(
                op,
                format!("threshold {threshold} and thresval {thresval} must be finite"),
            ));
        }
        Ok(SpatialDivisiveNormalization {
            kernel: LocalKernel::new(op, n_input_plane, kernel)?,
            threshold,
            thresval,
        })
    }

    fn stds(&self, x: &[f64], n: usize, h: usize, w: usize, coef: &[f64]) -> Stds {
        let len = self.kernel.planes * h * w;
        x.chunks(len.max(1))
            .take(n)
            .map(|image| {
                let sq: Vec<f64> = image.iter().map(|v| v * v).collect();
                let s = self.kernel.local_sum(&sq, h, w);
                let t = s
                    .iter()
                    .zip(coef)
                    .map(|(s, c)| {
                        let std = s.sqrt() / c;
                        if std > self.threshold {
                            std
                        } else {
                            self.thresval
                        }
                    })
                    .collect();
                (s, t)
            })
            .collect()
    }
}

impl<T: Element> Module<T> for SpatialDivisiveNormalization {
    fn describe(&self) -> String {
        let f = &self.kernel.filter;
        format!(
            "SpatialDivisiveNormalization({}, {}x{}, {}, {})",
            self.kernel.planes, f.kh, f.kw, self.threshold, self.thresval
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, h, w) = layout(&name, self.kernel.planes, input.shape())?;
        let x: Vec<f64> = flat(input).iter().map(|v| v.as_f64()).collect();
        let coef = self.kernel.coef(h, w);
        let stds = self.stds(&x, n, h, w, &coef);
        let len = self.kernel.planes * h * w;
        let mut y = Vec::with_capacity(x.len());
        for (image, (_, t)) in x.chunks(len.max(1)).zip(&stds) {
            for plane in image.chunks(h * w) {
                y.extend(plane.iter().zip(t).map(|(v, t)| T::lit(v / t)));
            }
        }
        from_vec(&name, input.shape(), y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        if input.shape() != grad_output.shape() {
            let want = crate::error::fmt_shape(input.shape());
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let (n, h, w) = layout(&name, self.kernel.planes, input.shape())?;
        let x: Vec<f64> = flat(input).iter().map(|v| v.as_f64()).collect();
        let gy: Vec<f64> = flat(grad_output).iter().map(|v| v.as_f64()).collect();
        let coef = self.kernel.coef(h, w);
        let stds = self.stds(&x, n, h, w, &coef);
        let (len, l) = (self.kernel.planes * h * w, h * w);
        let mut gx = Vec::with_capacity(x.len());
        for (b, (s, t)) in stds.iter().enumerate() {
            let (xi, gi) = (&x[b * len..][..len], &gy[b * len..][..len]);
            // dL/ds_q for the local sums of squares, where the threshold passes s through.
            let mut gs = vec![0.0; l];
            for q in 0..l {
                let std = s[q].sqrt() / coef[q];
                if std > self.threshold && s[q] > 0.0 {
                    let dot: f64 = (0..self.kernel.planes)
                        .map(|c| gi[c * l + q] * xi[c * l + q])
                        .sum();
                    gs[q] = -dot / (t[q] * t[q]) / (2.0 * s[q].sqrt() * coef[q]);
                }
            }
            let back = self.kernel.local_sum_t(&gs, h, w);
            for c in 0..self.kernel.planes {
                for q in 0..l {
                    let i = c * l + q;
                    gx.push(T::lit(gi[i] / t[q] + 2.0 * xi[i] * back[q]));
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
