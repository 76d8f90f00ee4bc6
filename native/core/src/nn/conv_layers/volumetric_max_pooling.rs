//! VolumetricMaxPooling: the maximum over 3-D windows of every channel.

use super::common::{split_batch, with_batch};
use super::window3d::Window3;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `VolumetricMaxPooling(kT, kW, kH, dT, dW, dH, padT = 0, padW = 0, padH = 0)`, with
/// `.ceil()` as `ceil_mode`. Padded positions never win.
///
/// # Shapes
/// - input: `[batch, C, T, H, W]` or `[C, T, H, W]`
/// - output: `[batch, C, oT, oH, oW]` (or without the batch dimension), with
///   `oT = floor((T + 2·padT - kT) / dT) + 1` (`ceil` in ceil mode) and likewise for H and W
#[derive(Debug, Clone)]
pub struct VolumetricMaxPooling {
    /// Kernel, stride and padding as (T, H, W).
    k: [usize; 3],
    stride: [usize; 3],
    pad: [usize; 3],
    ceil_mode: bool,
    /// For each output element of the last forward pass, the flat input index of its maximum.
    argmax: Vec<usize>,
}

impl VolumetricMaxPooling {
    /// A pooling; `k`, `stride` and `pad` are (T, H, W), padding at most half the kernel.
    pub fn new(
        k: [usize; 3],
        stride: [usize; 3],
        pad: [usize; 3],
        ceil_mode: bool,
    ) -> Result<Self> {
        if k.contains(&0) || stride.contains(&0) || (0..3).any(|a| pad[a] > k[a] / 2) {
            return Err(Error::invalid(
                "VolumetricMaxPooling",
                format!(
                    "kernel {k:?} and stride {stride:?} must be positive, padding {pad:?} at \
                     most half the kernel"
                ),
            ));
        }
        Ok(VolumetricMaxPooling {
            k,
            stride,
            pad,
            ceil_mode,
            argmax: Vec::new(),
        })
    }
}

impl<T: Element> Module<T> for VolumetricMaxPooling {
    fn describe(&self) -> String {
        let ceil = if self.ceil_mode { ", ceil" } else { "" };
        format!(
            "VolumetricMaxPooling({:?}, stride {:?}, pad {:?}{ceil})",
            self.k, self.stride, self.pad
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let shape = input.shape();
        let Some((n, &[c, t, h, w], batched)) = split_batch(shape, 4) else {
            return Err(Error::shape(
                &name,
                "[batch, C, T, H, W] or [C, T, H, W]",
                shape,
            ));
        };
        let geometry = (self.k, self.stride, self.pad);
        let g = Window3::new((&name, shape), c, [t, h, w], geometry, self.ceil_mode)?;
        let x = flat(input);
        let vol = t * h * w;
        self.argmax.clear();
        let mut y = Vec::with_capacity(n * c * g.out_len());
        for p in 0..n * c {
            for a in 0..g.out[0] {
                let (rt, _) = g.range(0, a);
                for b in 0..g.out[1] {
                    let (rh, _) = g.range(1, b);
                    for d in 0..g.out[2] {
                        let (rw, _) = g.range(2, d);
                        let mut best = p * vol + (rt.start * h + rh.start) * w + rw.start;
                        for z in rt.clone() {
                            for yy in rh.clone() {
                                for xx in rw.clone() {
                                    let i = p * vol + (z * h + yy) * w + xx;
                                    // NaN propagates, as in Torch: a NaN always wins.
                                    if x[i] > x[best] || x[i].is_nan() {
                                        best = i;
                                    }
                                }
                            }
                        }
                        y.push(x[best]);
                        self.argmax.push(best);
                    }
                }
            }
        }
        let [ot, oh, ow] = g.out;
        from_vec(&name, &with_batch(n, batched, &[c, ot, oh, ow]), y)
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
