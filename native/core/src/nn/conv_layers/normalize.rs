//! Normalize: scales vectors to unit L_p norm.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `Normalize(p, eps = 1e-10)`: `y = x / (Σ|x|^p + eps)^(1/p)`, the sum over the
/// features of a row (1-D and 2-D input) or over the channels of a pixel (4-D NCHW input).
///
/// # Shapes
/// - input: `[n]`, `[batch, n]` or `[batch, C, H, W]`
/// - output: same as input
#[derive(Debug, Clone)]
pub struct Normalize {
    p: f64,
    eps: f64,
}

/// How the vectors lie in memory: `count` vectors of `len` elements `stride` apart; vector `v`
/// starts at `(v / stride)·len·stride + v % stride`.
#[derive(Debug, Clone, Copy)]
struct Layout {
    count: usize,
    len: usize,
    stride: usize,
}

impl Layout {
    fn indices(self, v: usize) -> impl Iterator<Item = usize> {
        let start = (v / self.stride) * self.len * self.stride + v % self.stride;
        (0..self.len).map(move |k| start + k * self.stride)
    }
}

impl Normalize {
    /// An L_p normalisation, `p >= 1` finite, `eps >= 0`.
    pub fn new(p: f64, eps: f64) -> Result<Self> {
        if !(p.is_finite() && p >= 1.0 && eps.is_finite() && eps >= 0.0) {
            return Err(Error::invalid(
                "Normalize",
                format!("p must be finite and >= 1, eps >= 0; got p={p}, eps={eps}"),
            ));
        }
        Ok(Normalize { p, eps })
    }

    fn layout(&self, name: &str, shape: &[usize]) -> Result<Layout> {
        let (count, len, stride) = match *shape {
            [n] => (1, n, 1),
            [b, n] => (b, n, 1),
            [b, c, h, w] => (b * h * w, c, h * w),
            _ => {
                return Err(Error::shape(
                    name,
                    "[n], [batch, n] or [batch, C, H, W]",
                    shape,
                ))
            }
        };
        Ok(Layout {
            count,
            len,
            stride: stride.max(1),
        })
    }

    /// `(Σ|x|^p + eps)^(1/p)` over the vector at `idx`.
    fn norm<T: Element>(&self, x: &[T], idx: impl Iterator<Item = usize>) -> f64 {
        let s: f64 = idx.map(|i| x[i].as_f64().abs().powf(self.p)).sum();
        (s + self.eps).powf(1.0 / self.p)
    }
}

impl<T: Element> Module<T> for Normalize {
    fn describe(&self) -> String {
        format!("Normalize(p={}, eps={})", self.p, self.eps)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let lay = self.layout(&name, input.shape())?;
        let x = flat(input);
        let mut y = vec![T::zero(); x.len()];
        for v in 0..lay.count {
            let inv = T::lit(1.0 / self.norm(&x, lay.indices(v)));
            lay.indices(v).for_each(|i| y[i] = x[i] * inv);
        }
        from_vec(&name, input.shape(), y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        if input.shape() != grad_output.shape() {
            let want = crate::error::fmt_shape(input.shape());
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let lay = self.layout(&name, input.shape())?;
        let (x, gy) = (flat(input), flat(grad_output));
        let mut gx = vec![T::zero(); x.len()];
        for v in 0..lay.count {
            // y = x / N with N = (S + eps)^(1/p): dN/dx_j = N^(1-p)·|x_j|^(p-1)·sign(x_j).
            let n = self.norm(&x, lay.indices(v));
            let dot: f64 = lay.indices(v).map(|i| gy[i].as_f64() * x[i].as_f64()).sum();
            let c = dot * n.powf(-1.0 - self.p);
            for i in lay.indices(v) {
                let xi = x[i].as_f64();
                let d = xi.signum() * xi.abs().powf(self.p - 1.0);
                let d = if xi == 0.0 { 0.0 } else { d };
                gx[i] = T::lit(gy[i].as_f64() / n - c * d);
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
