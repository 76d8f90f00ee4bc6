//! SpatialDilatedConvolution: 2-D convolution with holes in the kernel (atrous), over NCHW images.

use super::common::{split_batch, view, view_mut, with_batch};
use super::window::{col2im, im2col, Axis, Window};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `SpatialDilatedConvolution(nInputPlane, nOutputPlane, kW, kH, dW = 1, dH = 1,
/// padW = 0, padH = 0, dilationW = 1, dilationH = 1)`: kernel taps `dilation` pixels apart.
///
/// # Shapes
/// - input: `[batch, nInputPlane, H, W]` or `[nInputPlane, H, W]`
/// - output: `[batch, nOutputPlane, outH, outW]` (or without the batch dimension), with
///   `outH = (H + 2·padH - dilationH·(kH - 1) - 1) / dH + 1`
/// - parameters, in order: weight `[nOutputPlane, nInputPlane, kH, kW]`, bias `[nOutputPlane]`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kW·kH·nInputPlane)`.
#[derive(Debug, Clone)]
pub struct SpatialDilatedConvolution {
    n_input_plane: usize,
    n_output_plane: usize,
    h: Axis,
    w: Axis,
}

impl SpatialDilatedConvolution {
    /// Validates BigDL's arguments, in BigDL's order.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        n_input_plane: usize,
        n_output_plane: usize,
        (k_w, k_h): (usize, usize),
        (d_w, d_h): (usize, usize),
        (pad_w, pad_h): (usize, usize),
        (dilation_w, dilation_h): (usize, usize),
    ) -> Result<Self> {
        let sizes = [
            n_input_plane,
            n_output_plane,
            k_w,
            k_h,
            d_w,
            d_h,
            dilation_w,
            dilation_h,
        ];
        if sizes.contains(&0) {
            return Err(Error::invalid(
                "SpatialDilatedConvolution",
                format!("planes, kernel, stride and dilation must be positive, got {sizes:?}"),
            ));
        }
        crate::error::checked_count(
            "SpatialDilatedConvolution",
            &[n_output_plane, n_input_plane + 1, k_h, k_w],
        )?;
        Ok(SpatialDilatedConvolution {
            n_input_plane,
            n_output_plane,
            h: Axis {
                k: k_h,
                stride: d_h,
                pad: pad_h,
                dilation: dilation_h,
            },
            w: Axis {
                k: k_w,
                stride: d_w,
                pad: pad_w,
                dilation: dilation_w,
            },
        })
    }

    fn weight_len(&self) -> usize {
        self.n_output_plane * self.n_input_plane * self.h.k * self.w.k
    }

    fn window(&self, name: &str, shape: &[usize]) -> Result<(usize, bool, Window)> {
        let c = self.n_input_plane;
        match split_batch(shape, 3) {
            Some((n, &[ch, h, w], batched)) if ch == c => {
                let g = Window::new((name, shape), (c, h, w), self.h, self.w)?;
                let dims = [n, self.n_output_plane, g.out_h, g.out_w];
                crate::error::checked_count(name, &dims)?;
                crate::error::checked_count(name, &[g.rows(), g.out_len()])?;
                Ok((n, batched, g))
            }
            _ => Err(Error::shape(
                name,
                format!("[batch, {c}, H, W] or [{c}, H, W]"),
                shape,
            )),
        }
    }
}

impl<T: Element> Module<T> for SpatialDilatedConvolution {
    fn describe(&self) -> String {
        format!(
            "SpatialDilatedConvolution({} -> {}, {}x{}, stride {}x{}, pad {}x{}, dilation {}x{})",
            self.n_input_plane,
            self.n_output_plane,
            self.w.k,
            self.h.k,
            self.w.stride,
            self.h.stride,
            self.w.pad,
            self.h.pad,
            self.w.dilation,
            self.h.dilation
        )
    }

    fn num_params(&self) -> usize {
        self.weight_len() + self.n_output_plane
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(
            &[self.n_output_plane, self.n_input_plane, self.h.k, self.w.k],
            Some(self.n_output_plane),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / ((self.h.k * self.w.k * self.n_input_plane) as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, g) = self.window(&name, input.shape())?;
        let x = flat(input);
        let (o, l, rows) = (self.n_output_plane, g.out_len(), g.rows());
        let (w, bias) = params.split_at(self.weight_len());
        let w = view(&name, w, o, rows)?;
        let mut col = vec![T::zero(); rows * l];
        let mut y = vec![T::zero(); n * o * l];
        for b in 0..n {
            im2col(&g, &x[b * g.in_len()..][..g.in_len()], &mut col);
            let out = &mut y[b * o * l..][..o * l];
            for (plane, bv) in out.chunks_mut(l).zip(bias) {
                plane.iter_mut().for_each(|v| *v = *bv);
            }
            matmul(
                T::one(),
                w,
                view(&name, &col, rows, l)?,
                T::one(),
                view_mut(&name, out, o, l)?,
            )?;
        }
        from_vec(&name, &with_batch(n, batched, &[o, g.out_h, g.out_w]), y)
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
        let (n, _, g) = self.window(&name, input.shape())?;
        let (x, gy) = (flat(input), flat(grad_output));
        let (o, l, rows) = (self.n_output_plane, g.out_len(), g.rows());
        if gy.len() != n * o * l {
            return Err(Error::shape(
                &name,
                "gradOutput of the output's shape",
                output.shape(),
            ));
        }
        let w = view(&name, &params[..self.weight_len()], o, rows)?;
        let (gw, gb) = grad_params.split_at_mut(self.weight_len());
        let mut col = vec![T::zero(); rows * l];
        let mut gcol = vec![T::zero(); rows * l];
        let mut gx = vec![T::zero(); input.len()];
        for b in 0..n {
            im2col(&g, &x[b * g.in_len()..][..g.in_len()], &mut col);
            let gyb = view(&name, &gy[b * o * l..][..o * l], o, l)?;
            matmul(
                T::one(),
                gyb,
                view(&name, &col, rows, l)?.t(),
                T::one(),
                view_mut(&name, gw, o, rows)?,
            )?;
            for (acc, row) in gb.iter_mut().zip(gyb.rows()) {
                *acc += row.sum();
            }
            matmul(
                T::one(),
                w.t(),
                gyb,
                T::zero(),
                view_mut(&name, &mut gcol, rows, l)?,
            )?;
            col2im(&g, &gcol, &mut gx[b * g.in_len()..][..g.in_len()]);
        }
        from_vec(&name, input.shape(), gx)
    }
}
