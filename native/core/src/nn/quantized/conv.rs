//! QuantizedSpatialConvolution: the int8 version of SpatialConvolution (with groups) and
//! SpatialDilatedConvolution that `quantize()` puts in their place.

use super::scheme::{inference_only, init_from_float, quantize_sample, weight_codes};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul_i8;
use crate::module::Module;
use crate::nn::im2col::planes;
use crate::rng::Rng;
use crate::tensor::{flat, from_vec, Tensor};

/// The constructor arguments of [`QuantizedSpatialConvolution`] (BigDL's names).
/// `pad = (-1, -1)` means SAME padding, as in SpatialConvolution.
#[derive(Debug, Clone, PartialEq)]
pub struct QConvConfig {
    pub n_input_plane: usize,
    pub n_output_plane: usize,
    /// (kernelW, kernelH)
    pub kernel: (usize, usize),
    /// (strideW, strideH)
    pub stride: (usize, usize),
    /// (padW, padH)
    pub pad: (i64, i64),
    /// (dilationW, dilationH)
    pub dilation: (usize, usize),
    pub n_group: usize,
    pub with_bias: bool,
}

/// A 2-D convolution in int8: each image is quantized with its own scale (per sample), the
/// weights per output plane; im2col runs on the int8 image and each group is one int8 GEMM over
/// several images. Inference only.
///
/// # Shapes
/// - input: `[batch, n_input_plane, H, W]` or `[n_input_plane, H, W]`
/// - output: `[batch, n_output_plane, outH, outW]` (or without the batch dimension), with
///   `outH = (H + padTop + padBottom - dilationH·(kernelH - 1) - 1) / strideH + 1`
/// - parameters, in order: weight codes `[n_output_plane, n_input_plane/n_group, kernelH,
///   kernelW]` (integers in -127..=127 stored as floats; the float layer's weight layout),
///   weight scales `[n_output_plane]`, then bias `[n_output_plane]` if `with_bias`
#[derive(Debug, Clone)]
pub struct QuantizedSpatialConvolution {
    c: QConvConfig,
}

/// Where the window reads one image: sizes, and the top/left padding.
struct Geom {
    h: usize,
    w: usize,
    pad_top: usize,
    pad_left: usize,
    out_h: usize,
    out_w: usize,
}

impl QuantizedSpatialConvolution {
    /// Validates the configuration.
    pub fn new(c: QConvConfig) -> Result<Self> {
        let op = "QuantizedSpatialConvolution";
        let sizes = [
            c.n_input_plane,
            c.n_output_plane,
            c.kernel.0,
            c.kernel.1,
            c.stride.0,
            c.stride.1,
            c.dilation.0,
            c.dilation.1,
            c.n_group,
        ];
        let same = c.pad == (-1, -1);
        if sizes.contains(&0) || (!same && (c.pad.0 < 0 || c.pad.1 < 0)) {
            return Err(Error::invalid(
                op,
                format!("sizes must be positive and padding >= 0 (or -1, -1 for SAME): {c:?}"),
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
        crate::error::checked_count(
            op,
            &[
                c.n_output_plane,
                c.n_input_plane / c.n_group + 2,
                c.kernel.0,
                c.kernel.1,
            ],
        )?;
        Ok(QuantizedSpatialConvolution { c })
    }

    /// Weight elements per output plane: `n_input_plane/n_group · kernelH · kernelW`.
    fn k(&self) -> usize {
        self.c.n_input_plane / self.c.n_group * self.c.kernel.0 * self.c.kernel.1
    }

    fn weight_len(&self) -> usize {
        self.c.n_output_plane * self.k()
    }

    fn geom(&self, name: &str, shape: &[usize]) -> Result<(usize, Geom)> {
        let (n, ch, h, w) = planes(name, shape)?;
        if ch != self.c.n_input_plane {
            let c = self.c.n_input_plane;
            return Err(Error::shape(
                name,
                format!("[batch, {c}, H, W] or [{c}, H, W]"),
                shape,
            ));
        }
        let axis = |n: usize, k: usize, s: usize, d: usize, p: i64| -> Option<(usize, usize)> {
            let span = d.checked_mul(k - 1)? + 1;
            let (before, total) = if p < 0 {
                let total = ((n.div_ceil(s) - 1) * s + span).saturating_sub(n);
                (total / 2, total)
            } else {
                let p = p as usize;
                (p, p.checked_mul(2)?)
            };
            let out = (n + total).checked_sub(span)? / s + 1;
            Some((before, out))
        };
        let c = &self.c;
        match (
            axis(h, c.kernel.1, c.stride.1, c.dilation.1, c.pad.1),
            axis(w, c.kernel.0, c.stride.0, c.dilation.0, c.pad.0),
        ) {
            (Some((pad_top, out_h)), Some((pad_left, out_w))) => {
                crate::error::checked_count(name, &[n, c.n_output_plane, out_h, out_w])?;
                crate::error::checked_count(name, &[out_h * out_w, self.k()])?;
                Ok((
                    n,
                    Geom {
                        h,
                        w,
                        pad_top,
                        pad_left,
                        out_h,
                        out_w,
                    },
                ))
            }
            _ => Err(Error::shape(
                name,
                format!(
                    "an image at least as large as the {}x{} window (dilated, with padding)",
                    c.kernel.0, c.kernel.1
                ),
                shape,
            )),
        }
    }

    /// For each output position along one axis and each kernel tap, the input index it reads,
    /// or `usize::MAX` in the padding: `[out · k]`.
    fn taps(
        out: usize,
        k: usize,
        (stride, dilation, pad, n): (usize, usize, usize, usize),
    ) -> Vec<usize> {
        let mut t = Vec::with_capacity(out * k);
        for o in 0..out {
            for j in 0..k {
                let at = (o * stride + j * dilation)
                    .checked_sub(pad)
                    .filter(|v| *v < n);
                t.push(at.unwrap_or(usize::MAX));
            }
        }
        t
    }

    /// Unfolds channels `c0..c0 + cg` of one int8 image into rows `row0..` of `patches`, a
    /// `[positions, cg·kH·kW]` matrix (one row per output position, the weight's column order).
    /// `rows` and `cols` are the [`Self::taps`] of the two axes.
    #[allow(clippy::too_many_arguments)]
    fn im2row(
        &self,
        g: &Geom,
        (rows, cols): (&[usize], &[usize]),
        image: &[i8],
        c0: usize,
        patches: &mut [i8],
        row0: usize,
    ) {
        let (kw, kh) = self.c.kernel;
        let cg = self.c.n_input_plane / self.c.n_group;
        let k = self.k();
        for oh in 0..g.out_h {
            let rtaps = &rows[oh * kh..][..kh];
            for ow in 0..g.out_w {
                let ctaps = &cols[ow * kw..][..kw];
                let dst = &mut patches[(row0 + oh * g.out_w + ow) * k..][..k];
                for c in 0..cg {
                    let plane = &image[(c0 + c) * g.h * g.w..][..g.h * g.w];
                    for (i, ih) in rtaps.iter().enumerate() {
                        let row = &mut dst[(c * kh + i) * kw..][..kw];
                        match plane.get(ih.saturating_mul(g.w)..) {
                            Some(src) => {
                                for (v, iw) in row.iter_mut().zip(ctaps) {
                                    *v = src.get(*iw).copied().unwrap_or(0);
                                }
                            }
                            None => row.iter_mut().for_each(|v| *v = 0),
                        }
                    }
                }
            }
        }
    }
}

impl<T: Element> Module<T> for QuantizedSpatialConvolution {
    fn describe(&self) -> String {
        let c = &self.c;
        format!(
            "QuantizedSpatialConvolution({} -> {}, {}x{}, stride {}x{}, pad {}x{}, dilation {}x{}, \
             nGroup={}{})",
            c.n_input_plane,
            c.n_output_plane,
            c.kernel.0,
            c.kernel.1,
            c.stride.0,
            c.stride.1,
            c.pad.0,
            c.pad.1,
            c.dilation.0,
            c.dilation.1,
            c.n_group,
            if c.with_bias { "" } else { ", withBias=false" }
        )
    }

    fn num_params(&self) -> usize {
        self.weight_len() + self.c.n_output_plane * if self.c.with_bias { 2 } else { 1 }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let c = &self.c;
        let o = c.n_output_plane;
        let (kw, kh) = c.kernel;
        let mut out = vec![
            crate::param_tensor::ParamTensor::new(
                "weight",
                &[o, c.n_input_plane / c.n_group, kh, kw],
            ),
            crate::param_tensor::ParamTensor::new("weightScale", &[o]),
        ];
        if c.with_bias {
            out.push(crate::param_tensor::ParamTensor::new("bias", &[o]));
        }
        out
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let fan_in = self.c.n_input_plane * self.c.kernel.0 * self.c.kernel.1;
        init_from_float(params, (self.c.n_output_plane, self.k()), fan_in, rng);
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, g) = self.geom(&name, input.shape())?;
        let x = flat(input);
        let (o, k, l) = (self.c.n_output_plane, self.k(), g.out_h * g.out_w);
        let (groups, og, cg) = (
            self.c.n_group,
            o / self.c.n_group,
            self.c.n_input_plane / self.c.n_group,
        );
        let in_len = self.c.n_input_plane * g.h * g.w;
        let wl = self.weight_len();
        let qw = weight_codes(&params[..wl]);
        let f = |v: &T| v.as_f64() as f32;
        let sw: Vec<f32> = params[wl..wl + o].iter().map(f).collect();
        let bias: Vec<f32> = if self.c.with_bias {
            params[wl + o..wl + 2 * o].iter().map(f).collect()
        } else {
            vec![0.0; o]
        };
        // Images per GEMM: enough rows to make it large, at most ~4 MB of unfolded int8.
        let chunk = ((1usize << 22) / (l * k).max(1)).clamp(1, n.max(1));
        let mut qimg = vec![0i8; chunk * in_len];
        let mut sx = vec![0f32; chunk];
        let mut patches = vec![0i8; chunk * l * k];
        let mut acc = vec![0i32; chunk * l * og];
        let mut y = vec![T::zero(); n * o * l];
        let (sw_, dw) = (self.c.stride.0, self.c.dilation.0);
        let (sh, dh) = (self.c.stride.1, self.c.dilation.1);
        let rows = Self::taps(g.out_h, self.c.kernel.1, (sh, dh, g.pad_top, g.h));
        let cols = Self::taps(g.out_w, self.c.kernel.0, (sw_, dw, g.pad_left, g.w));
        for s0 in (0..n).step_by(chunk) {
            let nb = chunk.min(n - s0);
            for i in 0..nb {
                let image = &x[(s0 + i) * in_len..][..in_len];
                sx[i] = quantize_sample(&name, image, &mut qimg[i * in_len..][..in_len])?;
            }
            for grp in 0..groups {
                for i in 0..nb {
                    let image = &qimg[i * in_len..][..in_len];
                    self.im2row(&g, (&rows, &cols), image, grp * cg, &mut patches, i * l);
                }
                let a = &patches[..nb * l * k];
                let wg = &qw[grp * og * k..][..og * k];
                let out = &mut acc[..nb * l * og];
                matmul_i8((nb * l, og, k), a, wg, out)?;
                for i in 0..nb {
                    for q in 0..og {
                        let oc = grp * og + q;
                        let scale = sx[i] * sw[oc];
                        let dst = &mut y[((s0 + i) * o + oc) * l..][..l];
                        for (p, d) in dst.iter_mut().enumerate() {
                            let v = out[(i * l + p) * og + q] as f32 * scale + bias[oc];
                            *d = T::lit(v as f64);
                        }
                    }
                }
            }
        }
        let mut shape = vec![o, g.out_h, g.out_w];
        if input.ndim() == 4 {
            shape.insert(0, n);
        }
        from_vec(&name, &shape, y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Tensor<T>,
        _output: &Tensor<T>,
        _grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        Err(inference_only(&Module::<T>::describe(self)))
    }
}
