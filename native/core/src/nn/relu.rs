//! ReLU: the rectified linear unit, element-wise.

use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::Zip;

/// `y = max(x, 0)`, as BigDL's `ReLU(ip = false)`; `dx = dy` where `x > 0`, else 0.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone, Default)]
pub struct ReLU;

impl<T: Element> Module<T> for ReLU {
    fn describe(&self) -> String {
        "ReLU".into()
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(input.mapv(|x| if x > T::zero() { x } else { T::zero() }))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("ReLU", "gradOutput", output.shape(), grad_output)?;
        Ok(Zip::from(grad_output)
            .and(input)
            .map_collect(|&g, &x| if x > T::zero() { g } else { T::zero() }))
    }
}
