//! Linear: a fully connected layer, `y = x · Wᵀ + b`.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{as_batch, check_same_shape, Tensor};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2, Axis};

/// A fully connected layer, as BigDL's `Linear(inputSize, outputSize, withBias = true)`.
///
/// # Shapes
/// - input: `[batch, input_size]` or `[input_size]`
/// - output: `[batch, output_size]` or `[output_size]`
/// - parameters, in order: weight `[output_size, input_size]`, then bias `[output_size]`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√input_size`.
#[derive(Debug, Clone)]
pub struct Linear {
    input_size: usize,
    output_size: usize,
    with_bias: bool,
}

impl Linear {
    /// A linear layer; both sizes must be positive.
    pub fn new(input_size: usize, output_size: usize, with_bias: bool) -> Result<Linear> {
        crate::error::checked_count("Linear", &[input_size + 1, output_size])?;
        if input_size == 0 || output_size == 0 {
            return Err(Error::invalid(
                "Linear",
                format!("sizes must be positive, got {input_size} -> {output_size}"),
            ));
        }
        Ok(Linear {
            input_size,
            output_size,
            with_bias,
        })
    }

    fn weight<'a, T: Element>(&self, params: &'a [T]) -> Result<ArrayView2<'a, T>> {
        ArrayView2::from_shape(
            (self.output_size, self.input_size),
            &params[..self.weight_len()],
        )
        .map_err(|e| Error::invalid("Linear", e.to_string()))
    }

    fn weight_len(&self) -> usize {
        self.output_size * self.input_size
    }

    /// Adds `gyᵀ·x` to the weight gradient and the column sums of `gy` to the bias gradient.
    fn accumulate_grads<T: Element>(
        &self,
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        let x = as_batch(&name, self.input_size, input)?;
        let gy = as_batch(&name, self.output_size, grad_output)?;
        let (gw, gb) = grad_params.split_at_mut(self.weight_len());
        let gw = ArrayViewMut2::from_shape((self.output_size, self.input_size), gw)
            .map_err(|e| Error::invalid("Linear", e.to_string()))?;
        matmul(T::one(), gy.t(), x, T::one(), gw)?;
        if self.with_bias {
            for (g, s) in gb.iter_mut().zip(gy.sum_axis(Axis(0)).iter()) {
                *g += *s;
            }
        }
        Ok(())
    }
}

impl<T: Element> Module<T> for Linear {
    fn describe(&self) -> String {
        let bias = if self.with_bias {
            ""
        } else {
            ", withBias=false"
        };
        format!("Linear({} -> {}{bias})", self.input_size, self.output_size)
    }

    fn num_params(&self) -> usize {
        self.weight_len() + if self.with_bias { self.output_size } else { 0 }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(
            &[self.output_size, self.input_size],
            self.with_bias.then_some(self.output_size),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.input_size as f64).sqrt();
        for p in params.iter_mut() {
            *p = T::lit(rng.uniform(-stdv, stdv));
        }
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let x = as_batch(&name, self.input_size, input)?;
        let batch = x.dim().0;
        let mut y = ndarray::Array2::<T>::zeros((batch, self.output_size));
        let beta = if self.with_bias {
            let bias = ArrayView1::from(&params[self.weight_len()..]);
            y.rows_mut()
                .into_iter()
                .for_each(|mut row| row.assign(&bias));
            T::one()
        } else {
            T::zero()
        };
        matmul(T::one(), x, self.weight(params)?.t(), beta, y.view_mut())?;
        let shape: Vec<usize> = if input.ndim() == 1 {
            vec![self.output_size]
        } else {
            vec![batch, self.output_size]
        };
        y.into_shape_with_order(shape)
            .map_err(|e| Error::invalid("Linear", e.to_string()))
    }

    /// The parameter gradients only: the first layer of a model skips the input-gradient GEMM.
    fn backward_params(
        &mut self,
        _params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        self.accumulate_grads(grad_params, input, output, grad_output)
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        self.accumulate_grads(grad_params, input, output, grad_output)?;
        let name = Module::<T>::describe(self);
        let x = as_batch(&name, self.input_size, input)?;
        let gy = as_batch(&name, self.output_size, grad_output)?;
        let mut gx = ndarray::Array2::<T>::zeros((x.dim().0, self.input_size));
        matmul(T::one(), gy, self.weight(params)?, T::zero(), gx.view_mut())?;
        gx.into_shape_with_order(input.shape())
            .map_err(|e| Error::invalid("Linear", e.to_string()))
    }
}
