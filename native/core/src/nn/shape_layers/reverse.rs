//! Reverse: the input in reverse order along one dimension.

use super::common::axis;
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, Slice};

/// BigDL's `Reverse(dimension = 1, isInplace = false)` (1-based; negative counts from the end).
///
/// # Shapes
/// - input: any shape with at least `dimension` dimensions
/// - output: same as input
#[derive(Debug, Clone)]
pub struct Reverse {
    dimension: i64,
}

impl Reverse {
    /// Reverses along `dimension`.
    pub fn new(dimension: i64) -> Reverse {
        Reverse { dimension }
    }

    fn flip<T: Element>(&self, t: &Tensor<T>) -> Result<Tensor<T>> {
        let name = format!("Reverse({})", self.dimension);
        let a = axis(&name, self.dimension, t.ndim(), t.shape())?;
        Ok(t.slice_axis(Axis(a), Slice::new(0, None, -1))
            .as_standard_layout()
            .into_owned())
    }
}

impl<T: Element> Module<T> for Reverse {
    fn describe(&self) -> String {
        format!("Reverse({})", self.dimension)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        self.flip(input)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("Reverse", "gradOutput", output.shape(), grad_output)?;
        self.flip(grad_output)
    }
}
