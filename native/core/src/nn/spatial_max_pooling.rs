//! SpatialMaxPooling: the maximum over 2-D windows of every plane.

use super::im2col::{planes, Geometry, Pad2d};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::simd;
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// BigDL's `SpatialMaxPooling(kW, kH, dW = 1, dH = 1, padW = 0, padH = 0)`, with `.ceil()` as
/// `ceil_mode`. Padded positions never win; `padW = padH = -1` means SAME.
///
/// # Shapes
/// - input: `[batch, C, H, W]` or `[C, H, W]`
/// - output: `[batch, C, outH, outW]` (or without the batch dimension), with
///   `outH = floor((H + 2·padH - kH) / dH) + 1` (`ceil` in ceil mode)
#[derive(Debug, Clone)]
pub struct SpatialMaxPooling {
    kernel: (usize, usize),
    stride: (usize, usize),
    pad: Pad2d,
    ceil_mode: bool,
    /// For each output element of the last forward pass, the flat index of its maximum.
    argmax: Vec<usize>,
    /// Evaluation mode takes the 2x2 kernel's maxima without recording where they were.
    training: bool,
    /// The last forward pass ran in evaluation mode and recorded no `argmax`; a backward pass
    /// then finds the maxima again from its input.
    skipped: bool,
}

impl SpatialMaxPooling {
    /// A pooling layer; kernel and stride must be positive.
    pub fn new(
        k_w: usize,
        k_h: usize,
        d_w: usize,
        d_h: usize,
        pad_w: i64,
        pad_h: i64,
        ceil_mode: bool,
    ) -> Result<Self> {
        if [k_w, k_h, d_w, d_h].contains(&0) {
            return Err(Error::invalid(
                "SpatialMaxPooling",
                format!("kernel {k_w}x{k_h} and stride {d_w}x{d_h} must be positive"),
            ));
        }
        Ok(SpatialMaxPooling {
            kernel: (k_h, k_w),
            stride: (d_h, d_w),
            pad: Pad2d::from_bigdl("SpatialMaxPooling", pad_w, pad_h)?,
            ceil_mode,
            argmax: Vec::new(),
            training: true,
            skipped: false,
        })
    }

    /// A 2x2 window with stride 2, no padding, and whole windows: the common case, which has a
    /// kernel of its own.
    fn is_plain_2x2(&self, g: &Geometry) -> bool {
        self.kernel == (2, 2)
            && self.stride == (2, 2)
            && g.pad_top == 0
            && g.pad_left == 0
            && 2 * g.out_h <= g.in_h
            && 2 * g.out_w <= g.in_w
    }

    fn output<T: Element>(
        &self,
        name: &str,
        ndim: usize,
        n: usize,
        g: &Geometry,
        y: Vec<T>,
    ) -> Result<Tensor<T>> {
        let mut shape = vec![g.channels, g.out_h, g.out_w];
        if ndim == 4 {
            shape.insert(0, n);
        }
        from_vec(name, &shape, y)
    }

    fn geometry(&self, name: &str, shape: &[usize]) -> Result<(usize, Geometry)> {
        let (n, c, h, w) = planes(name, shape)?;
        Ok((
            n,
            Geometry::new(
                name,
                (c, h, w),
                self.kernel,
                self.stride,
                self.pad,
                self.ceil_mode,
            )?,
        ))
    }
}

impl<T: Element> Module<T> for SpatialMaxPooling {
    fn describe(&self) -> String {
        let ceil = if self.ceil_mode { ", ceil" } else { "" };
        format!(
            "SpatialMaxPooling({}x{}, {}, {}{ceil})",
            self.kernel.1, self.kernel.0, self.stride.1, self.stride.0
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, g) = self.geometry(&name, input.shape())?;
        let x = crate::tensor::flat(input);
        let planes = n * g.channels;
        let plane_len = g.in_h * g.in_w;
        let mut y = vec![T::zero(); planes * g.out_len()];
        self.argmax.clear();
        self.skipped = false;
        if !self.training && self.is_plain_2x2(&g) {
            simd::vectorized(
                #[inline(always)]
                || {
                    for (r, y_row) in y.chunks_exact_mut(g.out_w).enumerate() {
                        let (p, oh) = (r / g.out_h, r % g.out_h);
                        let top = p * plane_len + 2 * oh * g.in_w;
                        max_2x2_values(&x[top..top + 2 * g.in_w], g.in_w, y_row);
                    }
                },
            );
            self.skipped = true;
            return self.output(&name, input.ndim(), n, &g, y);
        }
        self.argmax.resize(planes * g.out_len(), 0);
        // Each output column's input columns, computed once per call.
        let cols: Vec<(usize, usize)> = (0..g.out_w)
            .map(|ow| {
                let w0 = (ow * g.stride_w).saturating_sub(g.pad_left);
                let w1 = (ow * g.stride_w + g.k_w)
                    .saturating_sub(g.pad_left)
                    .min(g.in_w);
                (w0, w1)
            })
            .collect();
        let plain = self.is_plain_2x2(&g);
        let outs = y
            .chunks_exact_mut(g.out_w)
            .zip(self.argmax.chunks_exact_mut(g.out_w));
        if plain {
            simd::vectorized(
                #[inline(always)]
                || {
                    for (r, (y_row, a_row)) in outs.enumerate() {
                        let (p, oh) = (r / g.out_h, r % g.out_h);
                        let top = p * plane_len + 2 * oh * g.in_w;
                        max_2x2(&x[top..top + 2 * g.in_w], g.in_w, top, y_row, a_row);
                    }
                },
            );
            return self.output(&name, input.ndim(), n, &g, y);
        }
        for (r, (y_row, a_row)) in outs.enumerate() {
            let (p, oh) = (r / g.out_h, r % g.out_h);
            let plane = &x[p * plane_len..(p + 1) * plane_len];
            let h0 = (oh * g.stride_h).saturating_sub(g.pad_top);
            let h1 = (oh * g.stride_h + g.k_h)
                .saturating_sub(g.pad_top)
                .min(g.in_h);
            for ((yv, av), &(w0, w1)) in y_row.iter_mut().zip(a_row.iter_mut()).zip(&cols) {
                let mut best = h0 * g.in_w + w0;
                let mut best_v = plane[best];
                for ih in h0..h1 {
                    let start = ih * g.in_w + w0;
                    for (k, &v) in plane[start..ih * g.in_w + w1].iter().enumerate() {
                        // NaN propagates, as in Torch: a NaN always wins. Non-short-circuit
                        // `|` and selects: random comparisons mispredict, so this stays
                        // branch-free.
                        let take = (v > best_v) | v.is_nan();
                        best = if take { start + k } else { best };
                        best_v = if take { v } else { best_v };
                    }
                }
                *yv = best_v;
                *av = p * plane_len + best;
            }
        }
        self.output(&name, input.ndim(), n, &g, y)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn backward(
        &mut self,
        params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        if self.skipped {
            // The evaluation-mode forward kept no argmax: find the maxima again.
            let training = std::mem::replace(&mut self.training, true);
            let again = Module::<T>::forward(self, params, input);
            self.training = training;
            again?;
        }
        if self.argmax.len() != output.len() {
            return Err(Error::state(&name, "backward called before forward"));
        }
        let mut gx = vec![T::zero(); input.len()];
        let gy = crate::tensor::flat(grad_output);
        for (&i, &g) in self.argmax.iter().zip(gy.iter()) {
            if let Some(v) = gx.get_mut(i) {
                *v += g;
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}

/// [`max_2x2`]'s maxima alone, for evaluation mode.
#[inline(always)]
fn max_2x2_values<T: Element>(rows: &[T], in_w: usize, y: &mut [T]) {
    let (r0, r1) = rows.split_at(in_w);
    for (ow, yv) in y.iter_mut().enumerate() {
        let c = 2 * ow;
        let mut best_v = r0[c];
        for v in [r0[c + 1], r1[c], r1[c + 1]] {
            let take = (v > best_v) | v.is_nan();
            best_v = if take { v } else { best_v };
        }
        *yv = best_v;
    }
}

/// One output row of a 2x2, stride-2 pooling: `rows` holds the two input rows (`in_w` each),
/// which start at flat index `top`. Ties and NaN resolve as the general loop does: the first
/// maximum in row-major window order wins, and the last NaN wins over everything.
#[inline(always)]
fn max_2x2<T: Element>(rows: &[T], in_w: usize, top: usize, y: &mut [T], arg: &mut [usize]) {
    let (r0, r1) = rows.split_at(in_w);
    for (ow, (yv, av)) in y.iter_mut().zip(arg.iter_mut()).enumerate() {
        let c = 2 * ow;
        let (mut best, mut best_v) = (c, r0[c]);
        for (at, v) in [
            (c + 1, r0[c + 1]),
            (in_w + c, r1[c]),
            (in_w + c + 1, r1[c + 1]),
        ] {
            let take = (v > best_v) | v.is_nan();
            best = if take { at } else { best };
            best_v = if take { v } else { best_v };
        }
        *yv = best_v;
        *av = top + best;
    }
}
