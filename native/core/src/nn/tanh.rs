//! Tanh: the hyperbolic tangent, element-wise.

use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::Zip;

/// `y = tanh(x)`; the backward pass uses the output: `dx = dy · (1 - y²)`.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone, Default)]
pub struct Tanh;

impl<T: Element> Module<T> for Tanh {
    fn describe(&self) -> String {
        "Tanh".into()
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(input.mapv(|x| x.tanh()))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("Tanh", "gradOutput", output.shape(), grad_output)?;
        Ok(Zip::from(grad_output)
            .and(output)
            .map_collect(|&g, &y| g * (T::one() - y * y)))
    }
}
