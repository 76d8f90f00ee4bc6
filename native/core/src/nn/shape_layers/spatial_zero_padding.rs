//! SpatialZeroPadding: zeros around (or, for negative amounts, cropping of) feature maps.

use super::common::{pad_crop, pad_crop_backward};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::Tensor;

/// BigDL's `SpatialZeroPadding(padLeft, padRight, padTop, padBottom)`.
///
/// Adds zeros to the left and right of the last dimension and above and below the one before;
/// negative amounts crop instead.
///
/// # Shapes
/// - input: `[batch, C, H, W]` or `[C, H, W]`
/// - output: `[batch, C, H + padTop + padBottom, W + padLeft + padRight]` (or without batch)
#[derive(Debug, Clone)]
pub struct SpatialZeroPadding {
    left: i64,
    right: i64,
    top: i64,
    bottom: i64,
}

impl SpatialZeroPadding {
    /// The padding amounts (negative: cropping).
    pub fn new(left: i64, right: i64, top: i64, bottom: i64) -> SpatialZeroPadding {
        SpatialZeroPadding {
            left,
            right,
            top,
            bottom,
        }
    }

    fn pads(&self, name: &str, shape: &[usize]) -> Result<Vec<(i64, i64)>> {
        match shape.len() {
            3 | 4 => {
                let mut p = vec![(0, 0); shape.len() - 2];
                p.push((self.top, self.bottom));
                p.push((self.left, self.right));
                Ok(p)
            }
            _ => Err(Error::shape(name, "[batch, C, H, W] or [C, H, W]", shape)),
        }
    }
}

impl<T: Element> Module<T> for SpatialZeroPadding {
    fn describe(&self) -> String {
        format!(
            "SpatialZeroPadding({}, {}, {}, {})",
            self.left, self.right, self.top, self.bottom
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let pads = self.pads(&name, input.shape())?;
        pad_crop(&name, input, &pads, T::zero())
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        _output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let pads = self.pads(&name, input.shape())?;
        pad_crop_backward(&name, input, &pads, grad_output)
    }
}
