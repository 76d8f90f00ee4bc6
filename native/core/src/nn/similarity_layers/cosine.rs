//! Cosine: the cosine similarity of the input with each of `outputSize` learned vectors.

use super::rows::{check_grad, out_shape, rows};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{from_vec, Tensor};

/// Torch's epsilon, added to both norms.
const EPS: f64 = 1e-12;

/// BigDL's (Torch's) `Cosine(inputSize, outputSize)`:
/// `y_j = w_j·x / ((‖w_j‖ + 1e-12)·(‖x‖ + 1e-12))`.
///
/// # Shapes
/// - input: `[inputSize]` or `[batch, inputSize]`
/// - output: `[outputSize]` or `[batch, outputSize]`
/// - parameters: weight `[outputSize, inputSize]` (row `j` is `w_j`)
///
/// Default initialisation (BigDL's): uniform in `±1/√outputSize`.
#[derive(Debug, Clone)]
pub struct Cosine {
    input_size: usize,
    output_size: usize,
}

impl Cosine {
    /// Both sizes positive.
    pub fn new(input_size: usize, output_size: usize) -> Result<Self> {
        if input_size == 0 || output_size == 0 {
            return Err(Error::invalid(
                "Cosine",
                format!("sizes must be positive, got {input_size} -> {output_size}"),
            ));
        }
        crate::error::checked_count("Cosine", &[input_size, output_size])?;
        Ok(Cosine {
            input_size,
            output_size,
        })
    }

    fn norm(v: &[f64]) -> f64 {
        v.iter().map(|a| a * a).sum::<f64>().sqrt()
    }
}

fn f64s<T: Element>(v: &[T]) -> Vec<f64> {
    v.iter().map(|a| a.as_f64()).collect()
}

impl<T: Element> Module<T> for Cosine {
    fn describe(&self) -> String {
        format!("Cosine({} -> {})", self.input_size, self.output_size)
    }

    fn num_params(&self) -> usize {
        self.input_size * self.output_size
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(&[self.output_size, self.input_size], None)
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.output_size as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, x) = rows(&name, self.input_size, input)?;
        let (x, w) = (f64s(&x), f64s(params));
        let d = self.input_size;
        let wn: Vec<f64> = w.chunks(d).map(|r| Self::norm(r) + EPS).collect();
        let mut y = Vec::with_capacity(n * self.output_size);
        for xr in x.chunks(d).take(n) {
            let xn = Self::norm(xr) + EPS;
            for (wr, a) in w.chunks(d).zip(&wn) {
                let dot: f64 = wr.iter().zip(xr).map(|(p, q)| p * q).sum();
                y.push(T::lit(dot / (a * xn)));
            }
        }
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
        let shape = out_shape(n, batched, self.output_size);
        check_grad(&name, output, grad_output, &shape)?;
        let (x, w, gy) = (
            f64s(&x),
            f64s(params),
            f64s(&crate::tensor::flat(grad_output)),
        );
        let d = self.input_size;
        let raw: Vec<f64> = w.chunks(d).map(Self::norm).collect();
        let mut gx = Vec::with_capacity(x.len());
        let mut gw = vec![0.0; w.len()];
        for (b, xr) in x.chunks(d).take(n).enumerate() {
            let xraw = Self::norm(xr);
            let xn = xraw + EPS;
            let mut gxr = vec![0.0; d];
            for (j, wr) in w.chunks(d).enumerate() {
                let g = gy[b * self.output_size + j];
                let a = raw[j] + EPS;
                let dot: f64 = wr.iter().zip(xr).map(|(p, q)| p * q).sum();
                let y = dot / (a * xn);
                // ∂y/∂x = w/(a·b) - y·x/(b·‖x‖), ∂y/∂w = x/(a·b) - y·w/(a·‖w‖).
                let cx = if xraw > 0.0 { y / (xn * xraw) } else { 0.0 };
                let cw = if raw[j] > 0.0 { y / (a * raw[j]) } else { 0.0 };
                for i in 0..d {
                    gxr[i] += g * (wr[i] / (a * xn) - cx * xr[i]);
                    gw[j * d + i] += g * (xr[i] / (a * xn) - cw * wr[i]);
                }
            }
            gx.extend(gxr.into_iter().map(T::lit));
        }
        for (acc, v) in grad_params.iter_mut().zip(gw) {
            *acc += T::lit(v);
        }
        from_vec(&name, input.shape(), gx)
    }
}
