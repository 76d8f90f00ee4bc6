//! Euclidean: the distance from the input to each of `outputSize` learned points.

use super::rows::{check_grad, out_shape, rows};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{flat, from_vec, Tensor};

/// BigDL's (Torch's) `Euclidean(inputSize, outputSize, fastBackward = true)`:
/// `y_j = ‖x - w_j‖`. The gradient is the exact one, zero where a distance is zero (Torch adds
/// 1e-7 to the distance in backward). `fastBackward` only selects a caching strategy in BigDL;
/// the results are the same, so it is accepted and has no effect.
///
/// # Shapes
/// - input: `[inputSize]` or `[batch, inputSize]`
/// - output: `[outputSize]` or `[batch, outputSize]`
/// - parameters: weight `[inputSize, outputSize]` (column `j` is `w_j`)
///
/// Default initialisation (BigDL's): uniform in `±1/√inputSize`.
#[derive(Debug, Clone)]
pub struct Euclidean {
    input_size: usize,
    output_size: usize,
}

impl Euclidean {
    /// Both sizes positive.
    pub fn new(input_size: usize, output_size: usize) -> Result<Self> {
        if input_size == 0 || output_size == 0 {
            return Err(Error::invalid(
                "Euclidean",
                format!("sizes must be positive, got {input_size} -> {output_size}"),
            ));
        }
        crate::error::checked_count("Euclidean", &[input_size, output_size])?;
        Ok(Euclidean {
            input_size,
            output_size,
        })
    }

    /// `‖x - w_j‖` for every `j`; `w` is `[inputSize, outputSize]`.
    fn distances<T: Element>(&self, x: &[T], w: &[T]) -> Vec<f64> {
        let m = self.output_size;
        (0..m)
            .map(|j| {
                x.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let d = v.as_f64() - w[i * m + j].as_f64();
                        d * d
                    })
                    .sum::<f64>()
                    .sqrt()
            })
            .collect()
    }
}

impl<T: Element> Module<T> for Euclidean {
    fn describe(&self) -> String {
        format!("Euclidean({} -> {})", self.input_size, self.output_size)
    }

    fn num_params(&self) -> usize {
        self.input_size * self.output_size
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(&[self.input_size, self.output_size], None)
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.input_size as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, x) = rows(&name, self.input_size, input)?;
        let y = x
            .chunks(self.input_size)
            .take(n)
            .flat_map(|r| self.distances(r, params))
            .map(T::lit)
            .collect();
        from_vec(&name, &out_shape(n, batched, self.output_size), y)
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
        let (n, batched, x) = rows(&name, self.input_size, input)?;
        let (d, m) = (self.input_size, self.output_size);
        check_grad(&name, output, grad_output, &out_shape(n, batched, m))?;
        let gy = flat(grad_output);
        let mut gx = vec![T::zero(); x.len()];
        for (b, xr) in x.chunks(d).take(n).enumerate() {
            let dist = self.distances(xr, params);
            for (j, y) in dist.iter().enumerate() {
                if *y == 0.0 {
                    continue;
                }
                let s = gy[b * m + j].as_f64() / y;
                for i in 0..d {
                    let v = T::lit(s * (xr[i].as_f64() - params[i * m + j].as_f64()));
                    gx[b * d + i] += v;
                    grad_params[i * m + j] -= v;
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
