//! L1Penalty: the identity, adding an L1 penalty on its input to the gradient.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `L1Penalty(l1weight, sizeAverage = false, provideOutput = true)`.
///
/// Forward returns the input unchanged and records the penalty
/// `loss = l1weight · Σ|x|` (divided by the element count with `sizeAverage`). Backward returns
/// `l1weight · sign(x)` (likewise divided), plus `gradOutput` when `provideOutput`.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone)]
pub struct L1Penalty {
    l1weight: i64,
    size_average: bool,
    provide_output: bool,
    loss: f64,
}

impl L1Penalty {
    /// The penalty weight and options.
    pub fn new(l1weight: i64, size_average: bool, provide_output: bool) -> L1Penalty {
        L1Penalty {
            l1weight,
            size_average,
            provide_output,
            loss: 0.0,
        }
    }

    /// The penalty of the last forward pass.
    pub fn loss(&self) -> f64 {
        self.loss
    }

    fn factor(&self, n: usize) -> f64 {
        if self.size_average && n > 0 {
            self.l1weight as f64 / n as f64
        } else {
            self.l1weight as f64
        }
    }
}

impl<T: Element> Module<T> for L1Penalty {
    fn describe(&self) -> String {
        format!("L1Penalty({})", self.l1weight)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let sum: f64 = input.iter().map(|v| v.as_f64().abs()).sum();
        self.loss = self.factor(input.len()) * sum;
        Ok(input.as_standard_layout().into_owned())
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("L1Penalty", "gradOutput", output.shape(), grad_output)?;
        if input.shape() != output.shape() {
            return Err(Error::shape(
                "L1Penalty",
                "the output's shape",
                input.shape(),
            ));
        }
        let f = T::lit(self.factor(input.len()));
        let x = input.as_standard_layout();
        let mut gx = x.mapv(|v| {
            if v > T::zero() {
                f
            } else if v < T::zero() {
                -f
            } else {
                T::zero()
            }
        });
        if self.provide_output {
            gx.zip_mut_with(grad_output, |a, b| *a += *b);
        }
        Ok(gx)
    }
}
