//! LogSoftMax: the logarithm of the softmax over the last dimension.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, Zip};

/// `y_i = x_i - log Σ_j exp(x_j)` over the last dimension, computed stably (max subtracted).
/// Backward: `dx_i = dy_i - exp(y_i) · Σ_j dy_j`.
///
/// # Shapes
/// - input: `[n]` or `[batch, n]`
/// - output: same as input
#[derive(Debug, Clone, Default)]
pub struct LogSoftMax;

fn check_rank<T>(input: &Tensor<T>) -> Result<()> {
    if input.ndim() == 1 || input.ndim() == 2 {
        Ok(())
    } else {
        Err(Error::shape(
            "LogSoftMax",
            "[n] or [batch, n]",
            input.shape(),
        ))
    }
}

impl<T: Element> Module<T> for LogSoftMax {
    fn describe(&self) -> String {
        "LogSoftMax".into()
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        check_rank(input)?;
        let last = Axis(input.ndim() - 1);
        let mut out = input.to_owned();
        for mut lane in out.lanes_mut(last) {
            let max = lane.fold(T::neg_infinity(), |m, &x| if x > m { x } else { m });
            let sum = lane.fold(T::zero(), |s, &x| s + (x - max).exp());
            let log_z = max + sum.ln();
            lane.mapv_inplace(|x| x - log_z);
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
        check_same_shape("LogSoftMax", "gradOutput", output.shape(), grad_output)?;
        let last = Axis(output.ndim() - 1);
        let mut gx = grad_output.to_owned();
        for (mut g, y) in gx.lanes_mut(last).into_iter().zip(output.lanes(last)) {
            let total = g.sum();
            Zip::from(&mut g)
                .and(&y)
                .for_each(|g, &y| *g -= y.exp() * total);
        }
        Ok(gx)
    }
}
