//! SpatialFullConvolution: transposed 2-D convolution ("deconvolution") over NCHW images.

use super::common::{split_batch, view, view_mut, with_batch};
use super::window::{col2im, im2col, Axis, Window};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `SpatialFullConvolution(nInputPlane, nOutputPlane, kW, kH, dW = 1, dH = 1, padW = 0,
/// padH = 0, adjW = 0, adjH = 0, nGroup = 1, noBias = false)`: the adjoint of a convolution, one
/// GEMM then col2im per image and group. `adjW < dW` and `adjH < dH` add columns and rows at the end.
///
/// # Shapes
/// - input: `[batch, nInputPlane, H, W]` or `[nInputPlane, H, W]`
/// - output: `[batch, nOutputPlane, outH, outW]` (or without the batch dimension), with
///   `outH = (H - 1)·dH - 2·padH + kH + adjH`
/// - parameters, in order: weight `[nGroup, nInputPlane/nGroup, nOutputPlane/nGroup, kH, kW]`,
///   then bias `[nOutputPlane]` unless `noBias`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kW·kH·nInputPlane)`.
#[derive(Debug, Clone)]
pub struct SpatialFullConvolution {
    n_input_plane: usize,
    n_output_plane: usize,
    h: Axis,
    w: Axis,
    adj: (usize, usize),
    n_group: usize,
    no_bias: bool,
}

/// BigDL's constructor arguments of [`SpatialFullConvolution`].
#[derive(Debug, Clone)]
pub struct FullConvConfig {
    pub n_input_plane: usize,
    pub n_output_plane: usize,
    pub k_w: usize,
    pub k_h: usize,
    pub d_w: usize,
    pub d_h: usize,
    pub pad_w: usize,
    pub pad_h: usize,
    pub adj_w: usize,
    pub adj_h: usize,
    pub n_group: usize,
    pub no_bias: bool,
}

impl FullConvConfig {
    /// A `kW x kH` transposed convolution with BigDL's defaults for everything else.
    pub fn new(n_input_plane: usize, n_output_plane: usize, k_w: usize, k_h: usize) -> Self {
        FullConvConfig {
            n_input_plane,
            n_output_plane,
            k_w,
            k_h,
            d_w: 1,
            d_h: 1,
            pad_w: 0,
            pad_h: 0,
            adj_w: 0,
            adj_h: 0,
            n_group: 1,
            no_bias: false,
        }
    }
}

impl SpatialFullConvolution {
    /// Validates the configuration.
    pub fn new(c: FullConvConfig) -> Result<Self> {
        let op = "SpatialFullConvolution";
        let sizes = [
            c.n_input_plane,
            c.n_output_plane,
            c.k_w,
            c.k_h,
            c.d_w,
            c.d_h,
            c.n_group,
        ];
        if sizes.contains(&0) {
            return Err(Error::invalid(
                op,
                format!("planes, kernel, stride and nGroup must be positive: {c:?}"),
            ));
        }
        if c.n_input_plane % c.n_group != 0 || c.n_output_plane % c.n_group != 0 {
            return Err(Error::invalid(
                op,
                format!(
                    "nGroup {} must divide nInputPlane {} and nOutputPlane {}",
                    c.n_group, c.n_input_plane, c.n_output_plane
                ),
            ));
        }
        if c.adj_w >= c.d_w || c.adj_h >= c.d_h {
            return Err(Error::invalid(
                op,
                format!(
                    "adjW {} and adjH {} must be smaller than the strides dW {} and dH {}",
                    c.adj_w, c.adj_h, c.d_w, c.d_h
                ),
            ));
        }
        crate::error::checked_count(op, &[c.n_input_plane, c.n_output_plane + 1, c.k_h, c.k_w])?;
        let axis = |k, stride, pad| Axis {
            k,
            stride,
            pad,
            dilation: 1,
        };
        Ok(SpatialFullConvolution {
            n_input_plane: c.n_input_plane,
            n_output_plane: c.n_output_plane,
            h: axis(c.k_h, c.d_h, c.pad_h),
            w: axis(c.k_w, c.d_w, c.pad_w),
            adj: (c.adj_h, c.adj_w),
            n_group: c.n_group,
            no_bias: c.no_bias,
        })
    }

    fn weight_len(&self) -> usize {
        self.n_input_plane * (self.n_output_plane / self.n_group) * self.h.k * self.w.k
    }

    /// (batch, batched, the window of the *output* image of one group whose positions are the
    /// input pixels).
    fn window(&self, name: &str, shape: &[usize]) -> Result<(usize, bool, Window)> {
        let c = self.n_input_plane;
        let expected = || format!("[batch, {c}, H, W] or [{c}, H, W]");
        let (n, h, w, batched) = match split_batch(shape, 3) {
            Some((n, &[ch, h, w], batched)) if ch == c => (n, h, w, batched),
            _ => return Err(Error::shape(name, expected(), shape)),
        };
        let size = |i: usize, a: &Axis, adj: usize| {
            let full = i
                .checked_sub(1)?
                .checked_mul(a.stride)?
                .checked_add(a.k)?
                .checked_add(adj)?;
            full.checked_sub(a.pad.checked_mul(2)?)
        };
        let too_small = || {
            Error::shape(
                name,
                format!("{} with a positive output size", expected()),
                shape,
            )
        };
        let out_h = size(h, &self.h, self.adj.0).filter(|v| *v > 0);
        let out_w = size(w, &self.w, self.adj.1).filter(|v| *v > 0);
        let (Some(out_h), Some(out_w)) = (out_h, out_w) else {
            return Err(too_small());
        };
        let g = Window::new(
            (name, shape),
            (self.n_output_plane / self.n_group, out_h, out_w),
            self.h,
            self.w,
        )
        .map_err(|_| too_small())?;
        crate::error::checked_count(name, &[n, self.n_output_plane, out_h, out_w])?;
        crate::error::checked_count(name, &[g.rows(), g.out_len()])?;
        if (g.out_h, g.out_w) != (h, w) {
            return Err(too_small());
        }
        Ok((n, batched, g))
    }
}

impl<T: Element> Module<T> for SpatialFullConvolution {
    fn describe(&self) -> String {
        format!(
            "SpatialFullConvolution({} -> {}, {}x{}, {}, {}, {}, {}, adj {}x{}{})",
            self.n_input_plane,
            self.n_output_plane,
            self.w.k,
            self.h.k,
            self.w.stride,
            self.h.stride,
            self.w.pad,
            self.h.pad,
            self.adj.1,
            self.adj.0,
            if self.n_group > 1 {
                format!(", nGroup={}", self.n_group)
            } else {
                String::new()
            }
        )
    }

    fn num_params(&self) -> usize {
        self.weight_len() + if self.no_bias { 0 } else { self.n_output_plane }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let g = self.n_group;
        crate::param_tensor::weight_bias(
            &[
                g,
                self.n_input_plane / g,
                self.n_output_plane / g,
                self.h.k,
                self.w.k,
            ],
            (!self.no_bias).then_some(self.n_output_plane),
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
        let (ci, l, rows) = (self.n_input_plane / self.n_group, g.out_len(), g.rows());
        let (co, out_len) = (g.channels, g.in_len());
        let mut col = vec![T::zero(); rows * l];
        let mut y = vec![T::zero(); n * self.n_group * out_len];
        for b in 0..n {
            for grp in 0..self.n_group {
                let w = view(&name, &params[grp * ci * rows..][..ci * rows], ci, rows)?;
                let xg = view(
                    &name,
                    &x[(b * self.n_group + grp) * ci * l..][..ci * l],
                    ci,
                    l,
                )?;
                matmul(
                    T::one(),
                    w.t(),
                    xg,
                    T::zero(),
                    view_mut(&name, &mut col, rows, l)?,
                )?;
                let image = &mut y[(b * self.n_group + grp) * out_len..][..out_len];
                col2im(&g, &col, image);
                if !self.no_bias {
                    let bias = &params[self.weight_len() + grp * co..][..co];
                    for (plane, bv) in image.chunks_mut(g.in_h * g.in_w).zip(bias) {
                        plane.iter_mut().for_each(|v| *v += *bv);
                    }
                }
            }
        }
        let shape = [self.n_output_plane, g.in_h, g.in_w];
        from_vec(&name, &with_batch(n, batched, &shape), y)
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
        let (n, batched, g) = self.window(&name, input.shape())?;
        let shape = with_batch(n, batched, &[self.n_output_plane, g.in_h, g.in_w]);
        if output.shape() != shape.as_slice() {
            return Err(Error::shape(
                &name,
                crate::error::fmt_shape(&shape),
                output.shape(),
            ));
        }
        let (x, gy) = (flat(input), flat(grad_output));
        let (ci, l, rows) = (self.n_input_plane / self.n_group, g.out_len(), g.rows());
        let (co, out_len) = (g.channels, g.in_len());
        let wl = self.weight_len();
        let (gw_all, gb_all) = grad_params.split_at_mut(wl);
        let mut gcol = vec![T::zero(); rows * l];
        let mut gx = vec![T::zero(); input.len()];
        for b in 0..n {
            for grp in 0..self.n_group {
                let img = (b * self.n_group + grp) * out_len;
                im2col(&g, &gy[img..][..out_len], &mut gcol);
                let gcolv = view(&name, &gcol, rows, l)?;
                let at = (b * self.n_group + grp) * ci * l;
                let w = view(&name, &params[grp * ci * rows..][..ci * rows], ci, rows)?;
                let gw = view_mut(&name, &mut gw_all[grp * ci * rows..][..ci * rows], ci, rows)?;
                let xg = view(&name, &x[at..][..ci * l], ci, l)?;
                matmul(T::one(), xg, gcolv.t(), T::one(), gw)?;
                let gxg = view_mut(&name, &mut gx[at..][..ci * l], ci, l)?;
                matmul(T::one(), w, gcolv, T::zero(), gxg)?;
                if !self.no_bias {
                    let planes = gy[img..][..out_len].chunks(g.in_h * g.in_w);
                    for (acc, plane) in gb_all[grp * co..][..co].iter_mut().zip(planes) {
                        *acc += plane.iter().fold(T::zero(), |s, v| s + *v);
                    }
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
