//! TemporalMaxPooling: the maximum of every feature over windows of frames.

use super::common::{split_batch, with_batch};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `TemporalMaxPooling(kW, dW = -1)`; `dW = -1` means `dW = kW`.
///
/// # Shapes
/// - input: `[batch, nInputFrame, frameSize]` or `[nInputFrame, frameSize]`
/// - output: `[batch, nOutputFrame, frameSize]` (or without the batch dimension), with
///   `nOutputFrame = (nInputFrame - kW) / dW + 1`
#[derive(Debug, Clone)]
pub struct TemporalMaxPooling {
    k_w: usize,
    d_w: usize,
    /// For each output element of the last forward pass, the flat input index of its maximum.
    argmax: Vec<usize>,
}

impl TemporalMaxPooling {
    /// A pooling over `k_w` frames every `d_w` frames (`None`: `d_w = k_w`).
    pub fn new(k_w: usize, d_w: Option<usize>) -> Result<Self> {
        let d_w = d_w.unwrap_or(k_w);
        if k_w == 0 || d_w == 0 {
            return Err(Error::invalid(
                "TemporalMaxPooling",
                format!("kW {k_w} and dW {d_w} must be positive"),
            ));
        }
        Ok(TemporalMaxPooling {
            k_w,
            d_w,
            argmax: Vec::new(),
        })
    }
}

impl<T: Element> Module<T> for TemporalMaxPooling {
    fn describe(&self) -> String {
        format!("TemporalMaxPooling({}, {})", self.k_w, self.d_w)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, t, f) = match split_batch(input.shape(), 2) {
            Some((n, &[t, f], batched)) if t >= self.k_w && f > 0 => (n, batched, t, f),
            _ => {
                return Err(Error::shape(
                    &name,
                    format!(
                    "[batch, frames, features] or [frames, features] with at least kW = {} frames",
                    self.k_w
                ),
                    input.shape(),
                ))
            }
        };
        let t_out = (t - self.k_w) / self.d_w + 1;
        let x = flat(input);
        let mut y = Vec::with_capacity(n * t_out * f);
        self.argmax.clear();
        for b in 0..n {
            for o in 0..t_out {
                for j in 0..f {
                    let start = (b * t + o * self.d_w) * f + j;
                    let mut best = start;
                    for k in 1..self.k_w {
                        let i = start + k * f;
                        // NaN propagates, as in Torch: a NaN always wins.
                        if x[i] > x[best] || x[i].is_nan() {
                            best = i;
                        }
                    }
                    y.push(x[best]);
                    self.argmax.push(best);
                }
            }
        }
        from_vec(&name, &with_batch(n, batched, &[t_out, f]), y)
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
        if self.argmax.len() != output.len() || self.argmax.iter().any(|i| *i >= input.len()) {
            return Err(Error::state(
                &name,
                "backward called before forward on this input",
            ));
        }
        let mut gx = vec![T::zero(); input.len()];
        for (&i, &g) in self.argmax.iter().zip(flat(grad_output).iter()) {
            gx[i] += g;
        }
        from_vec(&name, input.shape(), gx)
    }
}
