//! Masking: time steps whose features all equal a mask value are zeroed.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `Masking(maskValue = 0.0)`.
///
/// For each sample and time step, if every feature equals `maskValue` the step's output (and its
/// gradient) is zero; otherwise the step passes through.
///
/// # Shapes
/// - input: `[batch, time, ...]` (at least 2 dimensions)
/// - output: same as input
#[derive(Debug, Clone)]
pub struct Masking {
    mask_value: f64,
}

impl Masking {
    /// Masks steps equal to `mask_value`.
    pub fn new(mask_value: f64) -> Masking {
        Masking { mask_value }
    }

    /// `t` with the masked steps of `input` zeroed.
    fn apply<T: Element>(&self, input: &Tensor<T>, t: &Tensor<T>) -> Result<Tensor<T>> {
        let shape = input.shape();
        if shape.len() < 2 {
            return Err(Error::shape(
                &format!("Masking({})", self.mask_value),
                "[batch, time, ...]",
                shape,
            ));
        }
        let step: usize = shape[2..].iter().product();
        let x = input.as_standard_layout();
        let mut out = t.as_standard_layout().into_owned();
        let m = T::lit(self.mask_value);
        if let (Some(xs), Some(ys)) = (x.as_slice(), out.as_slice_mut()) {
            for (xc, yc) in xs.chunks(step.max(1)).zip(ys.chunks_mut(step.max(1))) {
                if xc.iter().all(|v| *v == m) {
                    yc.iter_mut().for_each(|v| *v = T::zero());
                }
            }
        }
        Ok(out)
    }
}

impl<T: Element> Module<T> for Masking {
    fn describe(&self) -> String {
        format!("Masking({})", self.mask_value)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        self.apply(input, input)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("Masking", "gradOutput", output.shape(), grad_output)?;
        self.apply(input, grad_output)
    }
}
