//! Maxout: the largest of `maxoutNumber` linear maps, per output feature.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::Linear;
use crate::rng::Rng;
use crate::tensor::{as_batch, check_same_shape, Tensor};
use ndarray::Array2;

/// BigDL's `Maxout(inputSize, outputSize, maxoutNumber, withBias = true, wRegularizer,
/// bRegularizer, initWeight, initBias)` (regularizers and initialisers through the usual
/// description attributes).
///
/// `y[o] = max_k (W x + b)[k·outputSize + o]`: a `Linear(inputSize, outputSize·maxoutNumber)`
/// viewed as `[maxoutNumber, outputSize]` and maximised over the first dimension.
///
/// # Shapes
/// - input: `[batch, inputSize]` or `[inputSize]`
/// - output: `[batch, outputSize]` or `[outputSize]`
/// - parameters, in order: weight `[outputSize·maxoutNumber, inputSize]`, bias
///   `[outputSize·maxoutNumber]` (with `withBias`); Linear's default initialisation
#[derive(Debug, Clone)]
pub struct Maxout {
    input_size: usize,
    output_size: usize,
    k: usize,
    linear: Linear,
    /// The winning piece of each output element of the last forward pass.
    argmax: Vec<usize>,
}

impl Maxout {
    /// Validates the sizes.
    pub fn new(input_size: usize, output_size: usize, k: usize, with_bias: bool) -> Result<Maxout> {
        let wide = output_size
            .checked_mul(k)
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                Error::invalid("Maxout", "outputSize and maxoutNumber must be positive")
            })?;
        Ok(Maxout {
            input_size,
            output_size,
            k,
            linear: Linear::new(input_size, wide, with_bias)?,
            argmax: Vec::new(),
        })
    }
}

impl<T: Element> Module<T> for Maxout {
    fn describe(&self) -> String {
        format!(
            "Maxout({} -> {} x {})",
            self.input_size, self.output_size, self.k
        )
    }

    fn num_params(&self) -> usize {
        Module::<T>::num_params(&self.linear)
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        Module::<T>::param_tensors(&self.linear)
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.linear.init_params(params, rng)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        as_batch::<T>(&name, self.input_size, input)?;
        let lin = self.linear.forward(params, input)?;
        let batch = lin.len() / (self.output_size * self.k);
        let l = lin
            .view()
            .into_shape_with_order((batch, self.k * self.output_size))
            .map_err(|e| Error::invalid(&name, e.to_string()))?;
        let mut y = Array2::<T>::zeros((batch, self.output_size));
        self.argmax = vec![0; batch * self.output_size];
        for b in 0..batch {
            for o in 0..self.output_size {
                let mut best = 0;
                for j in 1..self.k {
                    if l[[b, j * self.output_size + o]] > l[[b, best * self.output_size + o]] {
                        best = j;
                    }
                }
                y[[b, o]] = l[[b, best * self.output_size + o]];
                self.argmax[b * self.output_size + o] = best;
            }
        }
        let shape: Vec<usize> = if input.ndim() == 1 {
            vec![self.output_size]
        } else {
            vec![batch, self.output_size]
        };
        y.into_dyn()
            .into_shape_with_order(shape)
            .map_err(|e| Error::invalid(&name, e.to_string()))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        if self.argmax.len() != grad_output.len() {
            return Err(Error::state(&name, "backward called before forward"));
        }
        let batch = grad_output.len() / self.output_size;
        let g = grad_output
            .view()
            .into_shape_with_order((batch, self.output_size))
            .map_err(|e| Error::invalid(&name, e.to_string()))?;
        let wide = self.k * self.output_size;
        let mut gl = Array2::<T>::zeros((batch, wide));
        for b in 0..batch {
            for o in 0..self.output_size {
                gl[[
                    b,
                    self.argmax[b * self.output_size + o] * self.output_size + o,
                ]] = g[[b, o]];
            }
        }
        let gl = if input.ndim() == 1 {
            gl.into_dyn()
                .into_shape_with_order(vec![wide])
                .map_err(|e| Error::invalid(&name, e.to_string()))?
        } else {
            gl.into_dyn()
        };
        let lin_out = Tensor::zeros(gl.raw_dim());
        self.linear
            .backward(params, grad_params, input, &lin_out, &gl)
    }
}
