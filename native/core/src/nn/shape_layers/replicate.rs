//! Replicate: repeats the input along a new dimension.

use super::common::axis;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, IxDyn};

/// BigDL's `Replicate(nFeatures, dim = 1, nDim = Int.MaxValue)`.
///
/// Inserts a dimension of size `nFeatures` at `dim` (1-based) holding copies of the input. When
/// the input has more than `nDim` dimensions, the first is a batch and `dim` counts after it.
///
/// # Shapes
/// - input: `[d1, ..., dn]` (`dim <= n + 1`), or `[batch, d1, ..., dn]` with `n = nDim`
/// - output: the input's shape with `nFeatures` inserted at `dim`
#[derive(Debug, Clone)]
pub struct Replicate {
    n_features: usize,
    dim: usize,
    n_dim: usize,
}

impl Replicate {
    /// Validates `nFeatures > 0` and `dim > 0`.
    pub fn new(n_features: usize, dim: i64, n_dim: usize) -> Result<Replicate> {
        if n_features == 0 || dim < 1 {
            return Err(Error::invalid(
                "Replicate",
                format!("nFeatures and dim must be positive, got {n_features} and {dim}"),
            ));
        }
        Ok(Replicate {
            n_features,
            dim: dim as usize,
            n_dim,
        })
    }

    /// The 0-based position of the new dimension.
    fn new_axis(&self, shape: &[usize]) -> Result<usize> {
        let off = usize::from(shape.len() > self.n_dim);
        let name = format!("Replicate({}, {})", self.n_features, self.dim);
        axis(&name, (self.dim + off) as i64, shape.len() + 1, shape)
    }
}

impl<T: Element> Module<T> for Replicate {
    fn describe(&self) -> String {
        format!("Replicate({}, {})", self.n_features, self.dim)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let a = self.new_axis(input.shape())?;
        let mut shape = input.shape().to_vec();
        shape.insert(a, self.n_features);
        crate::error::checked_count(&Module::<T>::describe(self), &shape)?;
        let view = input.view().insert_axis(Axis(a));
        let b = view.broadcast(IxDyn(&shape)).ok_or_else(|| {
            Error::shape(
                &Module::<T>::describe(self),
                "a broadcastable input",
                input.shape(),
            )
        })?;
        Ok(b.as_standard_layout().into_owned())
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("Replicate", "gradOutput", output.shape(), grad_output)?;
        let a = self.new_axis(input.shape())?;
        Ok(grad_output.sum_axis(Axis(a)))
    }
}
