//! UpSampling2D: nearest-neighbour enlargement of images by integer factors.

use super::common::DataFormat;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `UpSampling2D(size, format = NCHW)`: every pixel is repeated `size(0)` times along
/// the height and `size(1)` times along the width.
///
/// # Shapes
/// - input: `[batch, C, H, W]` (`[batch, H, W, C]` for NHWC)
/// - output: `[batch, C, H·size(0), W·size(1)]` (`[batch, H·size(0), W·size(1), C]` for NHWC)
#[derive(Debug, Clone)]
pub struct UpSampling2D {
    size: (usize, usize),
    format: DataFormat,
}

impl UpSampling2D {
    /// `size` is (height factor, width factor), both positive.
    pub fn new(size: &[usize], format: DataFormat) -> Result<Self> {
        match *size {
            [h, w] if h > 0 && w > 0 => Ok(UpSampling2D {
                size: (h, w),
                format,
            }),
            _ => Err(Error::invalid(
                "UpSampling2D",
                format!("size must be two positive factors (height, width), got {size:?}"),
            )),
        }
    }

    fn dims(&self, name: &str, shape: &[usize]) -> Result<([usize; 4], [usize; 4])> {
        let d = self.format.dims(name, shape)?;
        let out = [d[0], d[1], d[2] * self.size.0, d[3] * self.size.1];
        crate::error::checked_count(name, &out)?;
        Ok((d, out))
    }
}

impl<T: Element> Module<T> for UpSampling2D {
    fn describe(&self) -> String {
        format!(
            "UpSampling2D({}x{}, {})",
            self.size.0,
            self.size.1,
            self.format.name()
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (d, o) = self.dims(&name, input.shape())?;
        let x = flat(input);
        let mut y = vec![T::zero(); o.iter().product()];
        for b in 0..o[0] {
            for c in 0..o[1] {
                for i in 0..o[2] {
                    for j in 0..o[3] {
                        let src = self.format.index(d, b, c, i / self.size.0, j / self.size.1);
                        y[self.format.index(o, b, c, i, j)] = x[src];
                    }
                }
            }
        }
        from_vec(&name, &self.format.shape(o), y)
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
        let (d, o) = self.dims(&name, input.shape())?;
        let want = self.format.shape(o);
        if grad_output.shape() != want.as_slice() {
            let want = crate::error::fmt_shape(&want);
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let gy = flat(grad_output);
        let mut gx = vec![T::zero(); input.len()];
        for b in 0..o[0] {
            for c in 0..o[1] {
                for i in 0..o[2] {
                    for j in 0..o[3] {
                        let dst = self.format.index(d, b, c, i / self.size.0, j / self.size.1);
                        gx[dst] += gy[self.format.index(o, b, c, i, j)];
                    }
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
