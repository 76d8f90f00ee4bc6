//! Reshape: the same elements under another shape.

use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::module::Module;
use crate::tensor::Tensor;

/// BigDL's `Reshape(size, batchMode = None)`.
///
/// With `batch_mode` unset, an input with exactly `∏ size` elements (and a first dimension other
/// than 1) becomes `size`; any other input keeps its first dimension as the batch:
/// `[batch, ...] -> [batch, size...]`.
/// `Some(true)` always keeps the batch dimension, `Some(false)` never does.
///
/// # Shapes
/// - input: any shape with `∏ size` elements, or `[batch, ...]` with `batch · ∏ size` elements
/// - output: `size` or `[batch, size...]`
#[derive(Debug, Clone)]
pub struct Reshape {
    size: Vec<usize>,
    batch_mode: Option<bool>,
}

impl Reshape {
    /// A reshape to `size` (all dimensions positive).
    pub fn new(size: Vec<usize>, batch_mode: Option<bool>) -> Result<Reshape> {
        if size.is_empty() || size.contains(&0) {
            return Err(Error::invalid(
                "Reshape",
                format!(
                    "size must be non-empty and positive, got {}",
                    fmt_shape(&size)
                ),
            ));
        }
        crate::error::checked_count("Reshape", &size)?;
        Ok(Reshape { size, batch_mode })
    }

    /// BigDL's rule: without a batch mode, an input with exactly `∏ size` elements whose first
    /// dimension is not 1 is reshaped as a whole; anything else keeps its first dimension.
    fn target_shape(&self, input: &[usize]) -> Option<Vec<usize>> {
        let n: usize = input.iter().product();
        let per: usize = self.size.iter().product();
        let first = input.first().copied().unwrap_or(1);
        let whole = match self.batch_mode {
            Some(b) => !b,
            None => n == per && first != 1,
        };
        if whole {
            (n == per).then(|| self.size.clone())
        } else {
            (!input.is_empty() && first * per == n)
                .then(|| [vec![first], self.size.clone()].concat())
        }
    }
}

impl<T: Element> Module<T> for Reshape {
    fn describe(&self) -> String {
        format!("Reshape({})", fmt_shape(&self.size))
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let per: usize = self.size.iter().product();
        let target = self.target_shape(input.shape()).ok_or_else(|| {
            Error::shape(
                &name,
                format!("{per} elements, or [batch, ...] with batch x {per} elements"),
                input.shape(),
            )
        })?;
        input
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(target)
            .map_err(|e| Error::invalid(&name, e.to_string()))
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
        crate::tensor::check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        grad_output
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(input.shape())
            .map_err(|e| Error::invalid(&name, e.to_string()))
    }
}
