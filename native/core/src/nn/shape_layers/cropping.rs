//! Cropping2D and Cropping3D: borders removed from 2-D and 3-D feature maps.

use super::common::{pad_crop, pad_crop_backward};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::Tensor;

/// BigDL's `Cropping2D(heightCrop, widthCrop, dataFormat = NCHW)` and
/// `Cropping3D(dim1Crop, dim2Crop, dim3Crop, dataFormat = channel_first)`.
///
/// Each crop is `(begin, end)`: how many elements to remove at each end of its dimension.
///
/// # Shapes
/// - Cropping2D input: `[batch, C, H, W]` (channels first, `NCHW`) or `[batch, H, W, C]` (`NHWC`)
/// - Cropping3D input: `[batch, C, D1, D2, D3]` (channels first) or `[batch, D1, D2, D3, C]`
/// - output: the same with each cropped dimension shortened by `begin + end`
#[derive(Debug, Clone)]
pub struct Cropping {
    crops: Vec<(usize, usize)>,
    channels_first: bool,
}

impl Cropping {
    /// Cropping2D (two crops) or Cropping3D (three crops).
    pub fn new(crops: Vec<(usize, usize)>, channels_first: bool) -> Result<Cropping> {
        if !(2..=3).contains(&crops.len()) {
            return Err(Error::invalid(
                "Cropping",
                format!("2 or 3 crops, got {}", crops.len()),
            ));
        }
        Ok(Cropping {
            crops,
            channels_first,
        })
    }

    fn name(&self) -> String {
        let format = match (self.crops.len(), self.channels_first) {
            (2, true) => "NCHW",
            (2, false) => "NHWC",
            (_, true) => "channel_first",
            (_, false) => "channel_last",
        };
        format!("Cropping{}D({:?}, {format})", self.crops.len(), self.crops)
    }

    fn pads(&self, shape: &[usize]) -> Result<Vec<(i64, i64)>> {
        let rank = self.crops.len() + 2;
        if shape.len() != rank {
            let dims = if self.crops.len() == 2 {
                "H, W"
            } else {
                "D1, D2, D3"
            };
            let want = if self.channels_first {
                format!("[batch, C, {dims}]")
            } else {
                format!("[batch, {dims}, C]")
            };
            return Err(Error::shape(&self.name(), want, shape));
        }
        let mut p = vec![(0, 0)];
        if self.channels_first {
            p.push((0, 0));
        }
        p.extend(self.crops.iter().map(|&(b, e)| (-(b as i64), -(e as i64))));
        if !self.channels_first {
            p.push((0, 0));
        }
        Ok(p)
    }
}

impl<T: Element> Module<T> for Cropping {
    fn describe(&self) -> String {
        self.name()
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let pads = self.pads(input.shape())?;
        pad_crop(&self.name(), input, &pads, T::zero())
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        _output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let pads = self.pads(input.shape())?;
        pad_crop_backward(&self.name(), input, &pads, grad_output)
    }
}
