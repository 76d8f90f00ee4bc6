//! LocallyConnected2D: a 2-D convolution whose weights differ at every output pixel.

use super::common::{split_batch, with_batch};
use super::local_gemm::{backward, forward, LocalDims};
use super::window::{col2im, im2col, Axis, Window};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `LocallyConnected2D(nInputPlane, inputWidth, inputHeight, nOutputPlane, kernelW,
/// kernelH, strideW = 1, strideH = 1, padW = 0, padH = 0, propagateBack = true,
/// withBias = true)` over NCHW images: unfolded like a convolution (im2col), then one GEMM per
/// output pixel with that pixel's own weights.
///
/// # Shapes
/// - input: `[batch, nInputPlane, inputHeight, inputWidth]` or without the batch dimension
/// - output: `[batch, nOutputPlane, outH, outW]` (or without the batch dimension), with
///   `outH = (inputHeight + 2·padH - kernelH) / strideH + 1`
/// - parameters, in order: weight `[outH·outW, nOutputPlane, nInputPlane·kernelH·kernelW]`,
///   then, when `withBias`, bias `[outH·outW, nOutputPlane]`
///
/// Default initialisation (BigDL's): weight and bias uniform in
/// `±1/√(kernelW·kernelH·nInputPlane)`.
#[derive(Debug, Clone)]
pub struct LocallyConnected2D {
    n_output_plane: usize,
    window: Window,
    propagate_back: bool,
    with_bias: bool,
}

/// BigDL's constructor arguments of [`LocallyConnected2D`].
#[derive(Debug, Clone)]
pub struct LocalConfig {
    pub n_input_plane: usize,
    pub input_width: usize,
    pub input_height: usize,
    pub n_output_plane: usize,
    pub kernel_w: usize,
    pub kernel_h: usize,
    pub stride_w: usize,
    pub stride_h: usize,
    pub pad_w: usize,
    pub pad_h: usize,
    pub propagate_back: bool,
    pub with_bias: bool,
}

impl LocalConfig {
    /// A layer with BigDL's defaults for stride (1), padding (0) and the flags (true).
    pub fn new(
        (n_input_plane, input_width, input_height): (usize, usize, usize),
        n_output_plane: usize,
        kernel_w: usize,
        kernel_h: usize,
    ) -> LocalConfig {
        LocalConfig {
            n_input_plane,
            input_width,
            input_height,
            n_output_plane,
            kernel_w,
            kernel_h,
            stride_w: 1,
            stride_h: 1,
            pad_w: 0,
            pad_h: 0,
            propagate_back: true,
            with_bias: true,
        }
    }
}

impl LocallyConnected2D {
    /// Validates the configuration (the input size is fixed at construction).
    pub fn new(c: LocalConfig) -> Result<Self> {
        let op = "LocallyConnected2D";
        let sizes = [
            c.n_input_plane,
            c.input_width,
            c.input_height,
            c.n_output_plane,
            c.kernel_w,
            c.kernel_h,
            c.stride_w,
            c.stride_h,
        ];
        if sizes.contains(&0) {
            return Err(Error::invalid(op, format!("sizes must be positive: {c:?}")));
        }
        let axis = |k, stride, pad| Axis {
            k,
            stride,
            pad,
            dilation: 1,
        };
        let image = [c.n_input_plane, c.input_height, c.input_width];
        let window = Window::new(
            (op, &image),
            (c.n_input_plane, c.input_height, c.input_width),
            axis(c.kernel_h, c.stride_h, c.pad_h),
            axis(c.kernel_w, c.stride_w, c.pad_w),
        )
        .map_err(|e| Error::invalid(op, e.to_string()))?;
        crate::error::checked_count(op, &[window.out_len(), c.n_output_plane, window.rows() + 1])?;
        Ok(LocallyConnected2D {
            n_output_plane: c.n_output_plane,
            window,
            propagate_back: c.propagate_back,
            with_bias: c.with_bias,
        })
    }

    fn dims(&self, name: &str, shape: &[usize]) -> Result<(LocalDims, bool)> {
        let g = &self.window;
        let image = [g.channels, g.in_h, g.in_w];
        match split_batch(shape, 3) {
            Some((n, inner, batched)) if inner == image => Ok((
                LocalDims {
                    positions: g.out_len(),
                    batch: n,
                    rows: g.rows(),
                    out: self.n_output_plane,
                },
                batched,
            )),
            _ => Err(Error::shape(
                name,
                format!(
                    "[batch, {}, {}, {}] or [{}, {}, {}]",
                    image[0], image[1], image[2], image[0], image[1], image[2]
                ),
                shape,
            )),
        }
    }

    /// The unfolded images, position-major: `[outH·outW, batch, rows]`.
    fn unfold<T: Element>(&self, d: LocalDims, x: &[T]) -> Vec<T> {
        let g = &self.window;
        let mut col = vec![T::zero(); d.rows * d.positions];
        let mut u = vec![T::zero(); d.positions * d.batch * d.rows];
        for b in 0..d.batch {
            im2col(g, &x[b * g.in_len()..][..g.in_len()], &mut col);
            for r in 0..d.rows {
                for p in 0..d.positions {
                    u[(p * d.batch + b) * d.rows + r] = col[r * d.positions + p];
                }
            }
        }
        u
    }
}

impl<T: Element> Module<T> for LocallyConnected2D {
    fn describe(&self) -> String {
        let g = &self.window;
        format!(
            "LocallyConnected2D({}x{}x{} -> {}, {}x{}, {}, {}, {}, {})",
            g.channels,
            g.in_h,
            g.in_w,
            self.n_output_plane,
            g.k_w,
            g.k_h,
            g.stride_w,
            g.stride_h,
            g.pad_w,
            g.pad_h
        )
    }

    fn num_params(&self) -> usize {
        let per = self.window.rows() + usize::from(self.with_bias);
        self.window.out_len() * self.n_output_plane * per
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let (p, o) = (self.window.out_len(), self.n_output_plane);
        let mut out = vec![crate::param_tensor::ParamTensor::new(
            "weight",
            &[p, o, self.window.rows()],
        )];
        if self.with_bias {
            out.push(crate::param_tensor::ParamTensor::new("bias", &[p, o]));
        }
        out
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.window.rows() as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (d, batched) = self.dims(&name, input.shape())?;
        let u = self.unfold(d, &flat(input));
        let (w, b) = params.split_at(d.positions * d.out * d.rows);
        let yp = forward(&name, d, &u, w, self.with_bias.then_some(b))?;
        let mut y = vec![T::zero(); yp.len()];
        for p in 0..d.positions {
            for bi in 0..d.batch {
                for o in 0..d.out {
                    y[(bi * d.out + o) * d.positions + p] = yp[(p * d.batch + bi) * d.out + o];
                }
            }
        }
        let (oh, ow) = (self.window.out_h, self.window.out_w);
        from_vec(&name, &with_batch(d.batch, batched, &[d.out, oh, ow]), y)
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
        let (d, batched) = self.dims(&name, input.shape())?;
        let g = self.window;
        let expected = with_batch(d.batch, batched, &[d.out, g.out_h, g.out_w]);
        if output.shape() != expected.as_slice() {
            let want = crate::error::fmt_shape(&expected);
            return Err(Error::shape(&name, want, output.shape()));
        }
        let u = self.unfold(d, &flat(input));
        let gy = flat(grad_output);
        let mut gyp = vec![T::zero(); gy.len()];
        for p in 0..d.positions {
            for bi in 0..d.batch {
                for o in 0..d.out {
                    gyp[(p * d.batch + bi) * d.out + o] = gy[(bi * d.out + o) * d.positions + p];
                }
            }
        }
        let wl = d.positions * d.out * d.rows;
        let (gw, gb) = grad_params.split_at_mut(wl);
        let gb = self.with_bias.then_some(gb);
        let propagate = self.propagate_back;
        let gu = backward(&name, d, &u, &params[..wl], &gyp, gw, gb, propagate)?;
        let mut gx = vec![T::zero(); input.len()];
        if propagate {
            let mut gcol = vec![T::zero(); d.rows * d.positions];
            for b in 0..d.batch {
                for r in 0..d.rows {
                    for p in 0..d.positions {
                        gcol[r * d.positions + p] = gu[(p * d.batch + b) * d.rows + r];
                    }
                }
                col2im(&g, &gcol, &mut gx[b * g.in_len()..][..g.in_len()]);
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
