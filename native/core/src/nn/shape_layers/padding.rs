//! Padding: `|pad|` elements of a constant inserted along one dimension.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, IxDyn, Slice};

/// BigDL's `Padding(dim, pad, nInputDim, value = 0.0, nIndex = 1)`.
///
/// Adds `|pad|` elements of `value` along `dim` (1-based; one more when the input does not have
/// exactly `nInputDim` dimensions, the first being a batch). A negative `pad` inserts them before
/// input element `nIndex` (1: at the start), a positive one after the element `nIndex - 1` from
/// the end (1: at the end).
///
/// # Shapes
/// - input: `nInputDim` dimensions, or a batch of them
/// - output: the input's shape with `|pad|` added along `dim`
#[derive(Debug, Clone)]
pub struct Padding {
    dim: usize,
    pad: i64,
    n_input_dim: usize,
    value: f64,
    n_index: i64,
}

impl Padding {
    /// Validates `dim > 0`.
    pub fn new(dim: i64, pad: i64, n_input_dim: i64, value: f64, n_index: i64) -> Result<Padding> {
        if dim < 1 || n_input_dim < 0 {
            return Err(Error::invalid(
                "Padding",
                format!("dim must be positive and nInputDim >= 0, got {dim} and {n_input_dim}"),
            ));
        }
        Ok(Padding {
            dim: dim as usize,
            pad,
            n_input_dim: n_input_dim as usize,
            value,
            n_index,
        })
    }

    /// The 0-based axis, how many input elements come before the padding, the padding length.
    fn geometry(&self, shape: &[usize]) -> Result<(usize, usize, usize)> {
        let a = self.dim - 1 + usize::from(shape.len() != self.n_input_dim);
        let name = format!("Padding({}, {}, {})", self.dim, self.pad, self.n_input_dim);
        let n = *shape
            .get(a)
            .ok_or_else(|| Error::shape(&name, format!("a dimension {}", a + 1), shape))?
            as i64;
        let index = if self.pad > 0 {
            n.saturating_sub(self.n_index).saturating_add(2)
        } else {
            self.n_index
        };
        if index < 1 || index > n + 1 {
            return Err(Error::shape(
                &name,
                format!(
                    "at least {} elements along dimension {}",
                    self.n_index.saturating_sub(1),
                    a + 1
                ),
                shape,
            ));
        }
        Ok((a, (index - 1) as usize, self.pad.unsigned_abs() as usize))
    }
}

impl<T: Element> Module<T> for Padding {
    fn describe(&self) -> String {
        format!(
            "Padding({}, {}, {}, {}, {})",
            self.dim, self.pad, self.n_input_dim, self.value, self.n_index
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let (a, k, p) = self.geometry(input.shape())?;
        let n = input.shape()[a];
        let mut shape = input.shape().to_vec();
        shape[a] = n.saturating_add(p);
        crate::error::checked_count(&Module::<T>::describe(self), &shape)?;
        let mut out = Tensor::from_elem(IxDyn(&shape), T::lit(self.value));
        out.slice_axis_mut(Axis(a), Slice::from(0..k))
            .assign(&input.slice_axis(Axis(a), Slice::from(0..k)));
        out.slice_axis_mut(Axis(a), Slice::from(k + p..n + p))
            .assign(&input.slice_axis(Axis(a), Slice::from(k..n)));
        Ok(out)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("Padding", "gradOutput", output.shape(), grad_output)?;
        let (a, k, p) = self.geometry(input.shape())?;
        let n = input.shape()[a];
        let mut gx = Tensor::zeros(input.raw_dim());
        gx.slice_axis_mut(Axis(a), Slice::from(0..k))
            .assign(&grad_output.slice_axis(Axis(a), Slice::from(0..k)));
        gx.slice_axis_mut(Axis(a), Slice::from(k..n))
            .assign(&grad_output.slice_axis(Axis(a), Slice::from(k + p..n + p)));
        Ok(gx)
    }
}
