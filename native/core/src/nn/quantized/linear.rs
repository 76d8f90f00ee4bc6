//! QuantizedLinear: the int8 version of Linear that `quantize()` puts in its place.

use super::scheme::{inference_only, init_from_float, quantize_sample, weight_codes};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul_i8;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{as_batch, Tensor};

/// `y = x · Wᵀ + b` in int8: each input row is quantized with its own scale (per sample), the
/// weights per output channel (see [`super::scheme`]); the products are summed in `i32`.
/// Inference only.
///
/// # Shapes
/// - input: `[batch, input_size]` or `[input_size]`
/// - output: `[batch, output_size]` or `[output_size]`
/// - parameters, in order: weight codes `[output_size, input_size]` (integers in -127..=127,
///   stored as floats), weight scales `[output_size]`, then bias `[output_size]` if `with_bias`
#[derive(Debug, Clone)]
pub struct QuantizedLinear {
    input_size: usize,
    output_size: usize,
    with_bias: bool,
}

impl QuantizedLinear {
    /// A quantized linear layer; both sizes must be positive.
    pub fn new(input_size: usize, output_size: usize, with_bias: bool) -> Result<Self> {
        crate::error::checked_count("QuantizedLinear", &[input_size + 2, output_size])?;
        if input_size == 0 || output_size == 0 {
            return Err(Error::invalid(
                "QuantizedLinear",
                format!("sizes must be positive, got {input_size} -> {output_size}"),
            ));
        }
        Ok(QuantizedLinear {
            input_size,
            output_size,
            with_bias,
        })
    }

    fn weight_len(&self) -> usize {
        self.output_size * self.input_size
    }
}

impl<T: Element> Module<T> for QuantizedLinear {
    fn describe(&self) -> String {
        let bias = if self.with_bias {
            ""
        } else {
            ", withBias=false"
        };
        format!(
            "QuantizedLinear({} -> {}{bias})",
            self.input_size, self.output_size
        )
    }

    fn num_params(&self) -> usize {
        self.weight_len() + self.output_size * if self.with_bias { 2 } else { 1 }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let (o, i) = (self.output_size, self.input_size);
        let mut out = vec![
            crate::param_tensor::ParamTensor::new("weight", &[o, i]),
            crate::param_tensor::ParamTensor::new("weightScale", &[o]),
        ];
        if self.with_bias {
            out.push(crate::param_tensor::ParamTensor::new("bias", &[o]));
        }
        out
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let shape = (self.output_size, self.input_size);
        init_from_float(params, shape, self.input_size, rng);
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let x = as_batch(&name, self.input_size, input)?;
        let (batch, k, o) = (x.dim().0, self.input_size, self.output_size);
        let mut qx = vec![0i8; batch * k];
        let mut sx = vec![0f32; batch];
        let mut row = Vec::with_capacity(k);
        for ((xr, q), s) in x.rows().into_iter().zip(qx.chunks_mut(k)).zip(&mut sx) {
            row.clear();
            row.extend(xr.iter().copied());
            *s = quantize_sample(&name, &row, q)?;
        }
        let wl = self.weight_len();
        let qw = weight_codes(&params[..wl]);
        let mut acc = vec![0i32; batch * o];
        matmul_i8((batch, o, k), &qx, &qw, &mut acc)?;
        let sw: Vec<f32> = params[wl..wl + o]
            .iter()
            .map(|v| v.as_f64() as f32)
            .collect();
        let bias: Vec<f32> = if self.with_bias {
            params[wl + o..wl + 2 * o]
                .iter()
                .map(|v| v.as_f64() as f32)
                .collect()
        } else {
            vec![0.0; o]
        };
        let mut y = Vec::with_capacity(batch * o);
        for (a, s) in acc.chunks(o).zip(&sx) {
            for ((v, w), b) in a.iter().zip(&sw).zip(&bias) {
                y.push(T::lit((*v as f32 * (s * w) + b) as f64));
            }
        }
        let shape: Vec<usize> = if input.ndim() == 1 {
            vec![o]
        } else {
            vec![batch, o]
        };
        crate::tensor::from_vec(&name, &shape, y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        _output: &Tensor<T>,
        _grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        Err(inference_only(&Module::<T>::describe(self)))
    }
}
