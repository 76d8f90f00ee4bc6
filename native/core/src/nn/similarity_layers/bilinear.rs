//! Bilinear: `y_k = x1ᵀ W_k x2 + b_k` over a table of two inputs.

use super::rows::{matrix as view, matrix_mut as view_mut};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::gemm::matmul;
use crate::nn::table_ops::{grad_tensor, two_tensors};
use crate::nn::{Fans, ParamOptions};
use crate::rng::Rng;
use crate::tensor::{flat, from_vec, Tensor};

/// BigDL's `Bilinear(inputSize1, inputSize2, outputSize, biasRes = true, wRegularizer = null,
/// bRegularizer = null)`: `y[b, k] = x1[b]ᵀ W_k x2[b] + bias_k`. Initialisation methods and
/// regularisers of the weight and bias are options of the layer (it is a table layer, so the
/// tensor-level `Decorated` wrapper does not apply).
///
/// # Shapes
/// - input: a table of two tensors, `[batch, inputSize1]` and `[batch, inputSize2]`
/// - output: `[batch, outputSize]`
/// - parameters, in order: weight `[outputSize, inputSize1, inputSize2]`, then bias
///   `[outputSize]` when `biasRes`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√inputSize1`.
#[derive(Debug, Clone)]
pub struct Bilinear {
    in1: usize,
    in2: usize,
    out: usize,
    bias: bool,
    options: (ParamOptions, ParamOptions),
}

impl Bilinear {
    /// Sizes positive.
    pub fn new(in1: usize, in2: usize, out: usize, bias: bool) -> Result<Self> {
        if in1 == 0 || in2 == 0 || out == 0 {
            return Err(Error::invalid(
                "Bilinear",
                format!("sizes must be positive, got {in1}, {in2} -> {out}"),
            ));
        }
        crate::error::checked_count("Bilinear", &[in1, in2, out + 1])?;
        Ok(Bilinear {
            in1,
            in2,
            out,
            bias,
            options: (ParamOptions::default(), ParamOptions::default()),
        })
    }

    /// Sets the initialisation methods and regularisers of the weight and the bias.
    pub fn with_options(mut self, weight: ParamOptions, bias: ParamOptions) -> Self {
        self.options = (weight, bias);
        self
    }

    /// BigDL's fans for the initialisation methods.
    pub fn fans(&self) -> Fans {
        Fans {
            fan_in: self.in1,
            fan_out: self.out,
            weight_len: self.weight_len(),
        }
    }

    fn weight_len(&self) -> usize {
        self.out * self.in1 * self.in2
    }

    fn name(&self) -> String {
        format!("Bilinear({}, {} -> {})", self.in1, self.in2, self.out)
    }

    /// The two inputs and the batch size.
    fn inputs<'a, T: Element>(
        &self,
        input: &'a Activity<T>,
    ) -> Result<(&'a Tensor<T>, &'a Tensor<T>, usize)> {
        let name = self.name();
        let (a, b) = two_tensors(&name, input)?;
        let n = match a.shape() {
            [n, d] if *d == self.in1 => *n,
            other => return Err(Error::shape(&name, format!("[batch, {}]", self.in1), other)),
        };
        if b.shape() != [n, self.in2] {
            return Err(Error::shape(&name, fmt_shape(&[n, self.in2]), b.shape()));
        }
        Ok((a, b, n))
    }
}

impl<T: Element> ActivityModule<T> for Bilinear {
    fn describe(&self) -> String {
        self.name()
    }

    fn num_params(&self) -> usize {
        self.weight_len() + if self.bias { self.out } else { 0 }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(
            &[self.out, self.in1, self.in2],
            self.bias.then_some(self.out),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.in1 as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
        let f = self.fans();
        let (w, b) = params.split_at_mut(f.weight_len);
        if let Some(m) = &self.options.0.init {
            m.fill(w, f.fan_in, f.fan_out, rng);
        }
        if let Some(m) = &self.options.1.init {
            m.fill(b, f.fan_in, f.fan_out, rng);
        }
    }

    fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64) {
        let wl = self.weight_len();
        let (w, b) = params.split_at(wl);
        let (gw, gb) = grads.split_at_mut(wl);
        if let Some(r) = &self.options.0.regularizer {
            r.add(w, gw, scale);
        }
        if let Some(r) = &self.options.1.regularizer {
            r.add(b, gb, scale);
        }
    }

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let name = self.name();
        let (a, b, n) = self.inputs(input)?;
        let (x1, x2) = (flat(a), flat(b));
        let (d1, d2, m) = (self.in1, self.in2, self.out);
        let x1v = view(&name, &x1, n, d1)?;
        let mut z = vec![T::zero(); n * d2];
        let mut y = vec![T::zero(); n * m];
        for k in 0..m {
            let wk = view(&name, &params[k * d1 * d2..][..d1 * d2], d1, d2)?;
            matmul(
                T::one(),
                x1v,
                wk,
                T::zero(),
                view_mut(&name, &mut z, n, d2)?,
            )?;
            for r in 0..n {
                let dot = z[r * d2..][..d2]
                    .iter()
                    .zip(&x2[r * d2..][..d2])
                    .fold(T::zero(), |s, (p, q)| s + *p * *q);
                y[r * m + k] = dot
                    + if self.bias {
                        params[self.weight_len() + k]
                    } else {
                        T::zero()
                    };
            }
        }
        Ok(Activity::Tensor(from_vec(&name, &[n, m], y)?))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let name = self.name();
        let (a, b, n) = self.inputs(input)?;
        let (d1, d2, m) = (self.in1, self.in2, self.out);
        let gy = flat(grad_tensor(&name, grad_output, &[n, m])?);
        let (x1, x2) = (flat(a), flat(b));
        let x1v = view(&name, &x1, n, d1)?;
        let wl = self.weight_len();
        let (gw_all, gb) = grad_params.split_at_mut(wl);
        let (mut g1, mut g2) = (vec![T::zero(); n * d1], vec![T::zero(); n * d2]);
        // Row r of gs is g[r, k]·x2[r] (then x1[r]).
        let mut gs2 = vec![T::zero(); n * d2];
        let mut gs1 = vec![T::zero(); n * d1];
        for k in 0..m {
            for r in 0..n {
                let g = gy[r * m + k];
                for i in 0..d2 {
                    gs2[r * d2 + i] = g * x2[r * d2 + i];
                }
                for i in 0..d1 {
                    gs1[r * d1 + i] = g * x1[r * d1 + i];
                }
                if self.bias {
                    gb[k] += g;
                }
            }
            let wk = view(&name, &params[k * d1 * d2..][..d1 * d2], d1, d2)?;
            let (gs1v, gs2v) = (view(&name, &gs1, n, d1)?, view(&name, &gs2, n, d2)?);
            // gx1 += (g·x2) W_kᵀ, gx2 += (g·x1) W_k, gW_k += x1ᵀ (g·x2).
            matmul(
                T::one(),
                gs2v,
                wk.t(),
                T::one(),
                view_mut(&name, &mut g1, n, d1)?,
            )?;
            matmul(
                T::one(),
                gs1v,
                wk,
                T::one(),
                view_mut(&name, &mut g2, n, d2)?,
            )?;
            let gwk = view_mut(&name, &mut gw_all[k * d1 * d2..][..d1 * d2], d1, d2)?;
            matmul(T::one(), x1v.t(), gs2v, T::one(), gwk)?;
        }
        Ok(Activity::Table(vec![
            Activity::Tensor(from_vec(&name, a.shape(), g1)?),
            Activity::Tensor(from_vec(&name, b.shape(), g2)?),
        ]))
    }
}
