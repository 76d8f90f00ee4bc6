//! SpatialWithinChannelLRN: local response normalisation over a square window of each channel.

use super::common::split_batch;
use super::plane_filter::{PlaneFilter, MAX_TAPS};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `SpatialWithinChannelLRN(size = 5, alpha = 1.0, beta = 0.75)` (Caffe's
/// WITHIN_CHANNEL LRN): `y = x · (1 + alpha/size² · Σ x'²)^(-beta)`, the sum over the
/// `size x size` window centred on the pixel in the same channel, zero outside the image (BigDL
/// averages the squares with a padded `SpatialAveragePooling` that counts the padding). `size`
/// must be odd.
///
/// # Shapes
/// - input: `[batch, C, H, W]` or `[C, H, W]`
/// - output: same as input
#[derive(Debug, Clone)]
pub struct SpatialWithinChannelLRN {
    size: usize,
    alpha: f64,
    beta: f64,
    window: PlaneFilter,
}

impl SpatialWithinChannelLRN {
    /// Validates BigDL's arguments.
    pub fn new(size: usize, alpha: f64, beta: f64) -> Result<Self> {
        let op = "SpatialWithinChannelLRN";
        if size % 2 == 0 || !(alpha.is_finite() && beta.is_finite()) {
            return Err(Error::invalid(
                op,
                format!(
                    "size must be odd, alpha and beta finite; got size={size}, alpha={alpha}, \
                     beta={beta}"
                ),
            ));
        }
        let taps = crate::error::checked_count(op, &[size, size])?;
        if taps > MAX_TAPS {
            return Err(Error::invalid(
                op,
                format!("a {size}x{size} window has more than {MAX_TAPS} values"),
            ));
        }
        let window = PlaneFilter::new(op, size, size, vec![1.0; taps])?;
        Ok(SpatialWithinChannelLRN {
            size,
            alpha,
            beta,
            window,
        })
    }

    /// (planes, height, width).
    fn layout(&self, name: &str, shape: &[usize]) -> Result<(usize, usize, usize)> {
        match split_batch(shape, 3) {
            Some((n, &[c, h, w], _)) if h > 0 && w > 0 => Ok((n * c, h, w)),
            _ => Err(Error::shape(
                name,
                "[batch, C, H, W] or [C, H, W], H and W positive",
                shape,
            )),
        }
    }

    /// `1 + alpha/size² · Σ x²` for every element, plane by plane.
    fn scales(&self, x: &[f64], planes: usize, h: usize, w: usize) -> Vec<f64> {
        let a = self.alpha / (self.size * self.size) as f64;
        let mut s = Vec::with_capacity(x.len());
        for p in x.chunks(h * w).take(planes) {
            let sq: Vec<f64> = p.iter().map(|v| v * v).collect();
            s.extend(self.window.correlate(&sq, h, w).iter().map(|v| 1.0 + a * v));
        }
        s
    }
}

fn as_f64<T: Element>(x: &[T]) -> Vec<f64> {
    x.iter().map(|v| v.as_f64()).collect()
}

impl<T: Element> Module<T> for SpatialWithinChannelLRN {
    fn describe(&self) -> String {
        format!(
            "SpatialWithinChannelLRN({}, {}, {})",
            self.size, self.alpha, self.beta
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (planes, h, w) = self.layout(&name, input.shape())?;
        let x = as_f64(&flat(input));
        let s = self.scales(&x, planes, h, w);
        let y = x
            .iter()
            .zip(&s)
            .map(|(v, s)| T::lit(v * s.powf(-self.beta)))
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
        let (planes, h, w) = self.layout(&name, input.shape())?;
        let (x, gy) = (as_f64(&flat(input)), as_f64(&flat(grad_output)));
        let s = self.scales(&x, planes, h, w);
        // gx_i = gy_i·s_i^-β - (2αβ/size²)·x_i·Σ_{j ∋ i} gy_j·x_j·s_j^(-β-1)
        let t: Vec<f64> = (0..x.len())
            .map(|i| gy[i] * x[i] * s[i].powf(-self.beta - 1.0))
            .collect();
        let coef = 2.0 * self.alpha * self.beta / (self.size * self.size) as f64;
        let mut gx = Vec::with_capacity(x.len());
        for p in 0..planes {
            let at = p * h * w;
            let acc = self.window.correlate_t(&t[at..][..h * w], h, w);
            for (i, a) in acc.iter().enumerate() {
                let j = at + i;
                gx.push(T::lit(gy[j] * s[j].powf(-self.beta) - coef * x[j] * a));
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
