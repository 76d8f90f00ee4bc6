//! SpatialCrossMapLRN: local response normalisation across neighbouring channels.

use super::common::split_batch;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `SpatialCrossMapLRN(size = 5, alpha = 1.0, beta = 0.75, k = 1.0)`:
/// `y_c = x_c · (k + alpha/size · Σ x_c'^2)^(-beta)`, the sum over the `size` channels centred
/// on `c` (those that exist). `size` must be odd.
///
/// # Shapes
/// - input: `[batch, C, H, W]` or `[C, H, W]`
/// - output: same as input
#[derive(Debug, Clone)]
pub struct SpatialCrossMapLRN {
    size: usize,
    alpha: f64,
    beta: f64,
    k: f64,
}

impl SpatialCrossMapLRN {
    /// Validates BigDL's arguments.
    pub fn new(size: usize, alpha: f64, beta: f64, k: f64) -> Result<Self> {
        if size % 2 == 0 || !(alpha.is_finite() && beta.is_finite() && k.is_finite() && k > 0.0) {
            return Err(Error::invalid(
                "SpatialCrossMapLRN",
                format!(
                    "size must be odd, alpha and beta finite, k > 0; got size={size}, \
                     alpha={alpha}, beta={beta}, k={k}"
                ),
            ));
        }
        Ok(SpatialCrossMapLRN {
            size,
            alpha,
            beta,
            k,
        })
    }

    /// (images, channels, plane size).
    fn layout(&self, name: &str, shape: &[usize]) -> Result<(usize, usize, usize)> {
        match split_batch(shape, 3) {
            Some((n, &[c, h, w], _)) => Ok((n, c, h * w)),
            _ => Err(Error::shape(name, "[batch, C, H, W] or [C, H, W]", shape)),
        }
    }

    /// The channels whose window contains channel `c` (the same as `c`'s own window).
    fn window(&self, c: usize, channels: usize) -> std::ops::Range<usize> {
        let half = self.size / 2;
        c.saturating_sub(half)..(c + half + 1).min(channels)
    }

    /// `k + alpha/size · Σ x^2` for every element, image by image.
    fn scales<T: Element>(&self, x: &[T], n: usize, c: usize, l: usize) -> Vec<f64> {
        let mut s = vec![self.k; x.len()];
        let a = self.alpha / self.size as f64;
        for b in 0..n {
            for ch in 0..c {
                for src in self.window(ch, c) {
                    for i in 0..l {
                        let v = x[(b * c + src) * l + i].as_f64();
                        s[(b * c + ch) * l + i] += a * v * v;
                    }
                }
            }
        }
        s
    }
}

impl<T: Element> Module<T> for SpatialCrossMapLRN {
    fn describe(&self) -> String {
        format!(
            "SpatialCrossMapLRN({}, {}, {}, {})",
            self.size, self.alpha, self.beta, self.k
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, c, l) = self.layout(&name, input.shape())?;
        let x = flat(input);
        let s = self.scales(&x, n, c, l);
        let y = x
            .iter()
            .zip(&s)
            .map(|(v, s)| T::lit(v.as_f64() * s.powf(-self.beta)))
            .collect();
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
        let (n, c, l) = self.layout(&name, input.shape())?;
        let (x, gy) = (flat(input), flat(grad_output));
        let s = self.scales(&x, n, c, l);
        // gx_j = gy_j·s_j^-β - (2αβ/size)·x_j·Σ_{c ∋ j} gy_c·x_c·s_c^(-β-1)
        let t: Vec<f64> = (0..x.len())
            .map(|i| gy[i].as_f64() * x[i].as_f64() * s[i].powf(-self.beta - 1.0))
            .collect();
        let coef = 2.0 * self.alpha * self.beta / self.size as f64;
        let mut gx = vec![T::zero(); x.len()];
        for b in 0..n {
            for ch in 0..c {
                for i in 0..l {
                    let j = (b * c + ch) * l + i;
                    let acc: f64 = self.window(ch, c).map(|src| t[(b * c + src) * l + i]).sum();
                    let g = gy[j].as_f64() * s[j].powf(-self.beta) - coef * x[j].as_f64() * acc;
                    gx[j] = T::lit(g);
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
