//! LayerNormalization: normalises the last dimension of every row, then scales and shifts.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `LayerNormalization(hiddenSize)`: over the last dimension,
/// `y = (x - mean) / √(var + 1e-6) · weight + bias` with the biased variance.
///
/// # Shapes
/// - input: `[..., hiddenSize]` (any number of leading dimensions)
/// - output: same as input
/// - parameters, in order: weight `[hiddenSize]`, bias `[hiddenSize]`
///
/// Default initialisation (BigDL's): weight 1, bias 0.
#[derive(Debug, Clone)]
pub struct LayerNormalization {
    hidden_size: usize,
}

/// BigDL's fixed epsilon of `LayerNormalization`.
const EPS: f64 = 1e-6;

impl LayerNormalization {
    /// A normalisation of rows of `hidden_size > 0` values.
    pub fn new(hidden_size: usize) -> Result<Self> {
        if hidden_size == 0 {
            return Err(Error::invalid(
                "LayerNormalization",
                "hiddenSize must be positive",
            ));
        }
        crate::error::checked_count("LayerNormalization", &[2, hidden_size])?;
        Ok(LayerNormalization { hidden_size })
    }

    fn check(&self, name: &str, shape: &[usize]) -> Result<()> {
        if shape.last() == Some(&self.hidden_size) {
            Ok(())
        } else {
            Err(Error::shape(
                name,
                format!("[..., {}]", self.hidden_size),
                shape,
            ))
        }
    }

    /// The mean and 1/√(var + ε) of one row.
    fn stats<T: Element>(row: &[T]) -> (f64, f64) {
        let n = row.len() as f64;
        let mean = row.iter().map(|v| v.as_f64()).sum::<f64>() / n;
        let var = row.iter().map(|v| (v.as_f64() - mean).powi(2)).sum::<f64>() / n;
        (mean, 1.0 / (var + EPS).sqrt())
    }
}

impl<T: Element> Module<T> for LayerNormalization {
    fn describe(&self) -> String {
        format!("LayerNormalization({})", self.hidden_size)
    }

    fn num_params(&self) -> usize {
        2 * self.hidden_size
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(&[self.hidden_size], Some(self.hidden_size))
    }

    fn init_params(&self, params: &mut [T], _rng: &mut Rng) {
        let (w, b) = params.split_at_mut(self.hidden_size);
        w.iter_mut().for_each(|p| *p = T::one());
        b.iter_mut().for_each(|p| *p = T::zero());
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        self.check(&name, input.shape())?;
        let (w, b) = params.split_at(self.hidden_size);
        let x = flat(input);
        let mut y = Vec::with_capacity(x.len());
        for row in x.chunks(self.hidden_size) {
            let (mean, r) = Self::stats(row);
            let (mean, r) = (T::lit(mean), T::lit(r));
            y.extend(
                row.iter()
                    .zip(w.iter().zip(b))
                    .map(|(v, (wi, bi))| (*v - mean) * r * *wi + *bi),
            );
        }
        from_vec(&name, input.shape(), y)
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
        self.check(&name, input.shape())?;
        if input.shape() != grad_output.shape() {
            let want = crate::error::fmt_shape(input.shape());
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let h = self.hidden_size;
        let w = &params[..h];
        let (gw, gb) = grad_params.split_at_mut(h);
        let (x, gy) = (flat(input), flat(grad_output));
        let mut gx = Vec::with_capacity(x.len());
        let mut xhat = vec![T::zero(); h];
        let mut g = vec![T::zero(); h];
        let n = T::lit(h as f64);
        for (row, gyr) in x.chunks(h).zip(gy.chunks(h)) {
            let (mean, r) = Self::stats(row);
            let (mean, r) = (T::lit(mean), T::lit(r));
            for i in 0..h {
                xhat[i] = (row[i] - mean) * r;
                g[i] = gyr[i] * w[i];
                gw[i] += gyr[i] * xhat[i];
                gb[i] += gyr[i];
            }
            let mean_g = g.iter().fold(T::zero(), |s, v| s + *v) / n;
            let mean_gx = g.iter().zip(&xhat).fold(T::zero(), |s, (a, b)| s + *a * *b) / n;
            gx.extend((0..h).map(|i| r * (g[i] - mean_g - xhat[i] * mean_gx)));
        }
        from_vec(&name, input.shape(), gx)
    }
}
