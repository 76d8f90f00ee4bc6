//! ResizeBilinear: bilinear resampling of images to a fixed size.

use super::common::DataFormat;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `ResizeBilinear(outputHeight, outputWidth, alignCorners = false, dataFormat = NCHW)`,
/// with TensorFlow's sampling (as BigDL): output pixel `o` reads input position `o·scale`, where
/// `scale = (in - 1) / (out - 1)` with `alignCorners` and `in / out` without; the neighbour
/// past the last pixel is clamped to it.
///
/// # Shapes
/// - input: `[batch, C, H, W]` (`[batch, H, W, C]` for NHWC)
/// - output: `[batch, C, outputHeight, outputWidth]` (`[batch, outputHeight, outputWidth, C]`)
#[derive(Debug, Clone)]
pub struct ResizeBilinear {
    out_h: usize,
    out_w: usize,
    align_corners: bool,
    format: DataFormat,
}

/// Where one output coordinate samples: lower and upper input index and the upper weight.
#[derive(Debug, Clone, Copy)]
struct Tap {
    lo: usize,
    hi: usize,
    frac: f64,
}

fn taps(n_in: usize, n_out: usize, align_corners: bool) -> Vec<Tap> {
    let scale = if align_corners && n_out > 1 {
        (n_in as f64 - 1.0) / (n_out as f64 - 1.0)
    } else {
        n_in as f64 / n_out as f64
    };
    (0..n_out)
        .map(|o| {
            let src = o as f64 * scale;
            let lo = (src.floor() as usize).min(n_in - 1);
            Tap {
                lo,
                hi: (lo + 1).min(n_in - 1),
                frac: src - lo as f64,
            }
        })
        .collect()
}

impl ResizeBilinear {
    /// A resize to `output_height x output_width`.
    pub fn new(
        output_height: usize,
        output_width: usize,
        align_corners: bool,
        format: DataFormat,
    ) -> Result<Self> {
        if output_height == 0 || output_width == 0 {
            return Err(Error::invalid(
                "ResizeBilinear",
                format!("output size {output_height}x{output_width} must be positive"),
            ));
        }
        Ok(ResizeBilinear {
            out_h: output_height,
            out_w: output_width,
            align_corners,
            format,
        })
    }

    /// Input and output (batch, C, H, W), and the taps along H and W.
    #[allow(clippy::type_complexity)]
    fn plan(
        &self,
        name: &str,
        shape: &[usize],
    ) -> Result<([usize; 4], [usize; 4], Vec<Tap>, Vec<Tap>)> {
        let d = self.format.dims(name, shape)?;
        if d[2] == 0 || d[3] == 0 {
            return Err(Error::shape(name, "an image of at least 1x1 pixels", shape));
        }
        let o = [d[0], d[1], self.out_h, self.out_w];
        crate::error::checked_count(name, &o)?;
        let th = taps(d[2], self.out_h, self.align_corners);
        let tw = taps(d[3], self.out_w, self.align_corners);
        Ok((d, o, th, tw))
    }
}

impl<T: Element> Module<T> for ResizeBilinear {
    fn describe(&self) -> String {
        format!(
            "ResizeBilinear({}x{}, alignCorners={}, {})",
            self.out_h,
            self.out_w,
            self.align_corners,
            self.format.name()
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (d, o, th, tw) = self.plan(&name, input.shape())?;
        let x = flat(input);
        let f = self.format;
        let mut y = vec![T::zero(); o.iter().product()];
        for b in 0..o[0] {
            for c in 0..o[1] {
                for (i, v) in th.iter().enumerate() {
                    for (j, u) in tw.iter().enumerate() {
                        let at = |r: usize, s: usize| x[f.index(d, b, c, r, s)];
                        let (fy, fx) = (T::lit(v.frac), T::lit(u.frac));
                        let top = at(v.lo, u.lo) + (at(v.lo, u.hi) - at(v.lo, u.lo)) * fx;
                        let bottom = at(v.hi, u.lo) + (at(v.hi, u.hi) - at(v.hi, u.lo)) * fx;
                        y[f.index(o, b, c, i, j)] = top + (bottom - top) * fy;
                    }
                }
            }
        }
        from_vec(&name, &f.shape(o), y)
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
        let (d, o, th, tw) = self.plan(&name, input.shape())?;
        let f = self.format;
        let want = f.shape(o);
        if grad_output.shape() != want.as_slice() {
            let want = crate::error::fmt_shape(&want);
            return Err(Error::shape(&name, want, grad_output.shape()));
        }
        let gy = flat(grad_output);
        let mut gx = vec![T::zero(); input.len()];
        for b in 0..o[0] {
            for c in 0..o[1] {
                for (i, v) in th.iter().enumerate() {
                    for (j, u) in tw.iter().enumerate() {
                        let g = gy[f.index(o, b, c, i, j)];
                        let (fy, fx) = (T::lit(v.frac), T::lit(u.frac));
                        let (top, bottom) = (g * (T::one() - fy), g * fy);
                        gx[f.index(d, b, c, v.lo, u.lo)] += top * (T::one() - fx);
                        gx[f.index(d, b, c, v.lo, u.hi)] += top * fx;
                        gx[f.index(d, b, c, v.hi, u.lo)] += bottom * (T::one() - fx);
                        gx[f.index(d, b, c, v.hi, u.hi)] += bottom * fx;
                    }
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
