//! SoftMax and SoftMin: normalised exponentials over the feature dimension.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, Zip};

/// BigDL's `SoftMax()` (`y = exp(x) / Σ exp(x)`) or, with `negate`, `SoftMin()` (the softmax of
/// `-x`), computed stably. The feature dimension is the last one for `[n]` and `[batch, n]`, and
/// the channel dimension for `[C, H, W]` and `[batch, C, H, W]`.
/// Backward: `dx = s · (dy ∓ Σ dy·y)` with `s = ±1` (`-1` for SoftMin).
///
/// # Shapes
/// - input: `[n]`, `[batch, n]`, `[C, H, W]` or `[batch, C, H, W]`
/// - output: same as input
#[derive(Debug, Clone, Default)]
pub struct SoftMax {
    negate: bool,
}

impl SoftMax {
    /// SoftMax (`negate = false`) or SoftMin (`negate = true`).
    pub fn new(negate: bool) -> SoftMax {
        SoftMax { negate }
    }

    fn name(&self) -> &'static str {
        if self.negate {
            "SoftMin"
        } else {
            "SoftMax"
        }
    }

    fn axis<T>(&self, input: &Tensor<T>) -> Result<Axis> {
        match input.ndim() {
            1 | 2 => Ok(Axis(input.ndim() - 1)),
            3 | 4 => Ok(Axis(input.ndim() - 3)),
            _ => Err(Error::shape(
                self.name(),
                "[n], [batch, n], [C, H, W] or [batch, C, H, W]",
                input.shape(),
            )),
        }
    }
}

impl<T: Element> Module<T> for SoftMax {
    fn describe(&self) -> String {
        self.name().into()
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let axis = self.axis(input)?;
        let sign = if self.negate { -T::one() } else { T::one() };
        let mut out = input.mapv(|x| sign * x);
        for mut lane in out.lanes_mut(axis) {
            let max = lane.fold(T::neg_infinity(), |m, &x| if x > m { x } else { m });
            lane.mapv_inplace(|x| (x - max).exp());
            let sum = lane.sum();
            lane.mapv_inplace(|x| x / sum);
        }
        Ok(out)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(self.name(), "gradOutput", output.shape(), grad_output)?;
        let axis = self.axis(output)?;
        let sign = if self.negate { -T::one() } else { T::one() };
        let mut gx = grad_output.to_owned();
        for (mut g, y) in gx.lanes_mut(axis).into_iter().zip(output.lanes(axis)) {
            let dot = Zip::from(&g)
                .and(&y)
                .fold(T::zero(), |acc, &g, &y| acc + g * y);
            Zip::from(&mut g)
                .and(&y)
                .for_each(|g, &y| *g = sign * y * (*g - dot));
        }
        Ok(gx)
    }
}
