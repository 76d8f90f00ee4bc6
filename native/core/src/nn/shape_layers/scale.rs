//! Scale: a learned element-wise scale then a learned shift (CMul then CAdd).

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::{ScaleShift, ScaleShiftKind};
use crate::rng::Rng;
use crate::tensor::Tensor;

/// BigDL's `Scale(size)`: `y = x ⊙ w + b` with `w` and `b` of shape `size`, broadcast as CMul
/// and CAdd broadcast them.
///
/// # Shapes
/// - input: any shape `size` broadcasts to (a batch dimension in front is allowed)
/// - output: same as input
/// - parameters, in order: the scale `w` (`size`), the shift `b` (`size`); each uniform in
///   `±1/√(∏ size)` (CMul's and CAdd's default)
#[derive(Debug, Clone)]
pub struct Scale {
    size: Vec<usize>,
    cmul: ScaleShift,
    cadd: ScaleShift,
}

impl Scale {
    /// Validates `size`.
    pub fn new(size: Vec<usize>) -> Result<Scale> {
        Ok(Scale {
            cmul: ScaleShift::new(ScaleShiftKind::CMul(size.clone()))?,
            cadd: ScaleShift::new(ScaleShiftKind::CAdd(size.clone()))?,
            size,
        })
    }

    fn half(&self) -> usize {
        self.size.iter().product()
    }

    fn split<'a, T>(&self, params: &'a [T]) -> Result<(&'a [T], &'a [T])> {
        let h = self.half();
        if params.len() != 2 * h {
            return Err(Error::BufferSize {
                op: "Scale".into(),
                what: "parameter".into(),
                expected: 2 * h,
                actual: params.len(),
            });
        }
        Ok(params.split_at(h))
    }

    /// An error of the inner CMul or CAdd, renamed after this layer.
    fn within(&self, e: Error) -> Error {
        match e {
            Error::ShapeMismatch {
                layer,
                expected,
                actual,
            } => Error::ShapeMismatch {
                layer: format!("Scale({}) ({layer})", crate::error::fmt_shape(&self.size)),
                expected,
                actual,
            },
            e => e,
        }
    }
}

impl<T: Element> Module<T> for Scale {
    fn describe(&self) -> String {
        format!("Scale({})", crate::error::fmt_shape(&self.size))
    }

    fn num_params(&self) -> usize {
        2 * self.half()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        vec![
            crate::param_tensor::ParamTensor::new("weight", &self.size),
            crate::param_tensor::ParamTensor::new("bias", &self.size),
        ]
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let (w, b) = params.split_at_mut(self.half().min(params.len()));
        Module::<T>::init_params(&self.cmul, w, rng);
        Module::<T>::init_params(&self.cadd, b, rng);
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let (w, b) = self.split(params)?;
        let scaled = self.cmul.forward(w, input).map_err(|e| self.within(e))?;
        self.cadd.forward(b, &scaled).map_err(|e| self.within(e))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let (w, b) = self.split(params)?;
        let h = self.half();
        if grad_params.len() != 2 * h {
            return Err(Error::BufferSize {
                op: "Scale".into(),
                what: "gradient".into(),
                expected: 2 * h,
                actual: grad_params.len(),
            });
        }
        let (gw, gb) = grad_params.split_at_mut(h);
        // CAdd's gradient does not depend on its input: the CMul output is only needed for shape.
        let g_scaled = self
            .cadd
            .backward(b, gb, output, output, grad_output)
            .map_err(|e| self.within(e))?;
        self.cmul
            .backward(w, gw, input, output, &g_scaled)
            .map_err(|e| self.within(e))
    }
}
