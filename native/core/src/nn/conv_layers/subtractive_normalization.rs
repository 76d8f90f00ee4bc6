//! SpatialSubtractiveNormalization: subtracts the local weighted mean over all channels.

use super::common::split_batch;
use super::local_kernel::LocalKernel;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's (Torch's) `SpatialSubtractiveNormalization(nInputPlane = 1, kernel = null)`:
/// `y_c = x_c - m` with `m = Σ_c k ⋆ x_c / coef` the local mean over every channel, `k` the
/// normalised kernel (see [`LocalKernel`]; default ones of 9x9) and `coef` the same sum over an
/// all-ones image, which corrects the borders.
///
/// # Shapes
/// - input: `[batch, nInputPlane, H, W]` or `[nInputPlane, H, W]`
/// - output: same as input
#[derive(Debug, Clone)]
pub struct SpatialSubtractiveNormalization {
    kernel: LocalKernel,
}

impl SpatialSubtractiveNormalization {
    /// `kernel` is `(dims, values)`, dims `[k]` or `[kH, kW]` with odd sizes.
    pub fn new(n_input_plane: usize, kernel: Option<(&[usize], &[f64])>) -> Result<Self> {
        let op = "SpatialSubtractiveNormalization";
        Ok(SpatialSubtractiveNormalization {
            kernel: LocalKernel::new(op, n_input_plane, kernel)?,
        })
    }
}

/// (images, height, width) of `[batch, planes, H, W]` or `[planes, H, W]`.
pub fn layout(name: &str, planes: usize, shape: &[usize]) -> Result<(usize, usize, usize)> {
    match split_batch(shape, 3) {
        Some((n, &[c, h, w], _)) if c == planes && h > 0 && w > 0 => Ok((n, h, w)),
        _ => Err(Error::shape(
            name,
            format!("[batch, {planes}, H, W] or [{planes}, H, W], H and W positive"),
            shape,
        )),
    }
}

impl<T: Element> Module<T> for SpatialSubtractiveNormalization {
    fn describe(&self) -> String {
        let f = &self.kernel.filter;
        format!(
            "SpatialSubtractiveNormalization({}, {}x{})",
            self.kernel.planes, f.kh, f.kw
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, h, w) = layout(&name, self.kernel.planes, input.shape())?;
        let x: Vec<f64> = flat(input).iter().map(|v| v.as_f64()).collect();
        let coef = self.kernel.coef(h, w);
        let len = self.kernel.planes * h * w;
        let mut y = Vec::with_capacity(x.len());
        for image in x.chunks(len.max(1)).take(n) {
            let mean = self.kernel.local_sum(image, h, w);
            for plane in image.chunks(h * w) {
                for (i, v) in plane.iter().enumerate() {
                    y.push(T::lit(v - mean[i] / coef[i]));
                }
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
        let gy: Vec<f64> = flat(grad_output).iter().map(|v| v.as_f64()).collect();
        let coef = self.kernel.coef(h, w);
        let len = self.kernel.planes * h * w;
        let mut gx = Vec::with_capacity(gy.len());
        for image in gy.chunks(len.max(1)).take(n) {
            // The mean feeds every channel: its gradient is the channel sum, over coef.
            let mut gm = vec![0.0; h * w];
            for plane in image.chunks(h * w) {
                gm.iter_mut().zip(plane).for_each(|(a, v)| *a += v);
            }
            gm.iter_mut().zip(&coef).for_each(|(a, c)| *a /= c);
            let back = self.kernel.local_sum_t(&gm, h, w);
            for plane in image.chunks(h * w) {
                for (i, g) in plane.iter().enumerate() {
                    gx.push(T::lit(g - back[i]));
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
