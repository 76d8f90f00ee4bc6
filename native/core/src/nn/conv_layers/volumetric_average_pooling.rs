//! VolumetricAveragePooling: the mean over 3-D windows of every channel.

use super::common::{split_batch, with_batch};
use super::window3d::Window3;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `VolumetricAveragePooling(kT, kW, kH, dT = 1, dW = 1, dH = 1, padT = 0, padW = 0,
/// padH = 0, countIncludePad = true, ceilMode = false)`. With `countIncludePad` a window is
/// divided by its size within the padded input, otherwise by the input elements it covers.
///
/// # Shapes
/// - input: `[batch, C, T, H, W]` or `[C, T, H, W]`
/// - output: `[batch, C, oT, oH, oW]` (or without the batch dimension), with
///   `oT = floor((T + 2·padT - kT) / dT) + 1` (`ceil` in ceil mode) and likewise for H and W
#[derive(Debug, Clone)]
pub struct VolumetricAveragePooling {
    /// Kernel, stride and padding as (T, H, W).
    k: [usize; 3],
    stride: [usize; 3],
    pad: [usize; 3],
    count_include_pad: bool,
    ceil_mode: bool,
}

impl VolumetricAveragePooling {
    /// A pooling; `k`, `stride` and `pad` are (T, H, W), padding at most half the kernel.
    pub fn new(
        k: [usize; 3],
        stride: [usize; 3],
        pad: [usize; 3],
        count_include_pad: bool,
        ceil_mode: bool,
    ) -> Result<Self> {
        if k.contains(&0) || stride.contains(&0) || (0..3).any(|a| pad[a] > k[a] / 2) {
            return Err(Error::invalid(
                "VolumetricAveragePooling",
                format!(
                    "kernel {k:?} and stride {stride:?} must be positive, padding {pad:?} at \
                     most half the kernel"
                ),
            ));
        }
        Ok(VolumetricAveragePooling {
            k,
            stride,
            pad,
            count_include_pad,
            ceil_mode,
        })
    }

    fn window(&self, name: &str, shape: &[usize]) -> Result<(usize, usize, bool, Window3)> {
        let Some((n, &[c, t, h, w], batched)) = split_batch(shape, 4) else {
            return Err(Error::shape(
                name,
                "[batch, C, T, H, W] or [C, T, H, W]",
                shape,
            ));
        };
        let geometry = (self.k, self.stride, self.pad);
        let g = Window3::new((name, shape), c, [t, h, w], geometry, self.ceil_mode)?;
        Ok((n, c, batched, g))
    }

    /// Calls `f(output index, input indices' ranges, divisor)` for every output element.
    fn for_windows<T: Element>(
        &self,
        g: &Window3,
        planes: usize,
        mut f: impl FnMut(usize, [std::ops::Range<usize>; 3], T),
    ) {
        let mut o = 0;
        for _ in 0..planes {
            for a in 0..g.out[0] {
                let (rt, pt) = g.range(0, a);
                for b in 0..g.out[1] {
                    let (rh, ph) = g.range(1, b);
                    for d in 0..g.out[2] {
                        let (rw, pw) = g.range(2, d);
                        let div = if self.count_include_pad {
                            pt * ph * pw
                        } else {
                            rt.len() * rh.len() * rw.len()
                        };
                        f(o, [rt.clone(), rh.clone(), rw], T::lit(div.max(1) as f64));
                        o += 1;
                    }
                }
            }
        }
    }
}

impl<T: Element> Module<T> for VolumetricAveragePooling {
    fn describe(&self) -> String {
        let ceil = if self.ceil_mode { ", ceil" } else { "" };
        format!(
            "VolumetricAveragePooling({:?}, stride {:?}, pad {:?}{ceil})",
            self.k, self.stride, self.pad
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, c, batched, g) = self.window(&name, input.shape())?;
        let x = flat(input);
        let [_, h, w] = g.size;
        let (vol, l) = (g.size.iter().product::<usize>(), g.out_len());
        let mut y = vec![T::zero(); n * c * l];
        self.for_windows(&g, n * c, |o, [rt, rh, rw], div: T| {
            let base = (o / l) * vol;
            let mut s = T::zero();
            for z in rt {
                for yy in rh.clone() {
                    for xx in rw.clone() {
                        s += x[base + (z * h + yy) * w + xx];
                    }
                }
            }
            y[o] = s / div;
        });
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
        let (n, c, batched, g) = self.window(&name, input.shape())?;
        let [ot, oh, ow] = g.out;
        let expected = with_batch(n, batched, &[c, ot, oh, ow]);
        if output.shape() != expected.as_slice() {
            let want = crate::error::fmt_shape(&expected);
            return Err(Error::shape(&name, want, output.shape()));
        }
        let gy = flat(grad_output);
        let [_, h, w] = g.size;
        let (vol, l) = (g.size.iter().product::<usize>(), g.out_len());
        let mut gx = vec![T::zero(); input.len()];
        self.for_windows(&g, n * c, |o, [rt, rh, rw], div: T| {
            let base = (o / l) * vol;
            let v = gy[o] / div;
            for z in rt {
                for yy in rh.clone() {
                    for xx in rw.clone() {
                        gx[base + (z * h + yy) * w + xx] += v;
                    }
                }
            }
        });
        from_vec(&name, input.shape(), gx)
    }
}
