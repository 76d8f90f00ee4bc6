//! Convolution geometry and the im2col / col2im transforms that turn a convolution into a GEMM.

use crate::element::Element;
use crate::error::{Error, Result};

/// Padding of a 2-D window op: explicit, or BigDL's SAME (`pad = -1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pad2d {
    /// `pad_h` rows above and below, `pad_w` columns left and right.
    Explicit { pad_h: usize, pad_w: usize },
    /// Output size `ceil(in / stride)`, padding split with the extra row/column at the end.
    Same,
}

impl Pad2d {
    /// From BigDL's `(padW, padH)`: `-1, -1` means SAME; other negatives are an error.
    pub fn from_bigdl(op: &str, pad_w: i64, pad_h: i64) -> Result<Pad2d> {
        match (pad_w, pad_h) {
            (-1, -1) => Ok(Pad2d::Same),
            (w, h) if w >= 0 && h >= 0 => Ok(Pad2d::Explicit {
                pad_h: h as usize,
                pad_w: w as usize,
            }),
            _ => Err(Error::invalid(
                op,
                format!("padding must be >= 0, or -1 for SAME; got padW={pad_w}, padH={pad_h}"),
            )),
        }
    }
}

/// Where a 2-D window op reads its input and how large its output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub channels: usize,
    pub in_h: usize,
    pub in_w: usize,
    pub k_h: usize,
    pub k_w: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub pad_top: usize,
    pub pad_left: usize,
    pub out_h: usize,
    pub out_w: usize,
}

fn out_size(
    input: usize,
    k: usize,
    stride: usize,
    pad_begin: usize,
    pad_end: usize,
    ceil: bool,
) -> Option<usize> {
    // Checked throughout: absurd paddings or strides are errors, not overflows.
    let span = input
        .checked_add(pad_begin)?
        .checked_add(pad_end)?
        .checked_sub(k)?;
    let mut n = if ceil {
        span.checked_div(stride)? + usize::from(span % stride != 0)
    } else {
        span.checked_div(stride)?
    } + 1;
    // With ceil mode the last window must still start inside the input or its leading padding.
    if ceil && (n - 1).checked_mul(stride)? >= input + pad_begin {
        n -= 1;
    }
    Some(n)
}

impl Geometry {
    /// The geometry of a `k_h x k_w` window with the given strides and padding over `[c, h, w]`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layer: &str,
        (channels, in_h, in_w): (usize, usize, usize),
        (k_h, k_w): (usize, usize),
        (stride_h, stride_w): (usize, usize),
        pad: Pad2d,
        ceil: bool,
    ) -> Result<Geometry> {
        let (pad_top, pad_bottom, pad_left, pad_right) = match pad {
            Pad2d::Explicit { pad_h, pad_w } => (pad_h, pad_h, pad_w, pad_w),
            Pad2d::Same => {
                let total =
                    |n: usize, k: usize, s: usize| ((n.div_ceil(s) - 1) * s + k).saturating_sub(n);
                let (th, tw) = (total(in_h, k_h, stride_h), total(in_w, k_w, stride_w));
                (th / 2, th - th / 2, tw / 2, tw - tw / 2)
            }
        };
        let oh = out_size(in_h, k_h, stride_h, pad_top, pad_bottom, ceil);
        let ow = out_size(in_w, k_w, stride_w, pad_left, pad_right, ceil);
        match (oh, ow) {
            (Some(out_h), Some(out_w)) if out_h > 0 && out_w > 0 => Ok(Geometry {
                channels,
                in_h,
                in_w,
                k_h,
                k_w,
                stride_h,
                stride_w,
                pad_top,
                pad_left,
                out_h,
                out_w,
            }),
            _ => Err(Error::shape(
                layer,
                format!(
                    "a [{channels}, H, W] plane of at least the {k_h}x{k_w} window (with padding)"
                ),
                &[channels, in_h, in_w],
            )),
        }
    }

    /// Elements of one input image.
    pub fn in_len(&self) -> usize {
        self.channels * self.in_h * self.in_w
    }

    /// Output positions per plane.
    pub fn out_len(&self) -> usize {
        self.out_h * self.out_w
    }

    /// The input row for output row `o` and kernel row `i`, if inside the image.
    fn in_row(&self, o: usize, i: usize) -> Option<usize> {
        (o * self.stride_h + i)
            .checked_sub(self.pad_top)
            .filter(|r| *r < self.in_h)
    }

    fn in_col(&self, o: usize, j: usize) -> Option<usize> {
        (o * self.stride_w + j)
            .checked_sub(self.pad_left)
            .filter(|c| *c < self.in_w)
    }
}

/// Unfolds one image `[channels, in_h, in_w]` into columns `offset..offset + out_h·out_w` of
/// `col`, a `[channels·k_h·k_w, ld]` row-major matrix (several images side by side share one GEMM).
pub fn im2col<T: Element>(g: &Geometry, image: &[T], col: &mut [T], ld: usize, offset: usize) {
    let l = g.out_len();
    for c in 0..g.channels {
        let plane = &image[c * g.in_h * g.in_w..(c + 1) * g.in_h * g.in_w];
        for i in 0..g.k_h {
            for j in 0..g.k_w {
                let row = &mut col[((c * g.k_h + i) * g.k_w + j) * ld + offset..][..l];
                for oh in 0..g.out_h {
                    let out = &mut row[oh * g.out_w..(oh + 1) * g.out_w];
                    match g.in_row(oh, i) {
                        None => out.iter_mut().for_each(|v| *v = T::zero()),
                        Some(ih) => {
                            let src = &plane[ih * g.in_w..(ih + 1) * g.in_w];
                            for (ow, v) in out.iter_mut().enumerate() {
                                *v = g.in_col(ow, j).map_or(T::zero(), |iw| src[iw]);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Folds columns `offset..offset + out_h·out_w` of `col` (`[channels·k_h·k_w, ld]`) back into an
/// image gradient, adding overlapping windows: the adjoint of [`im2col`].
pub fn col2im<T: Element>(g: &Geometry, col: &[T], ld: usize, offset: usize, image: &mut [T]) {
    let l = g.out_len();
    for c in 0..g.channels {
        let plane = &mut image[c * g.in_h * g.in_w..(c + 1) * g.in_h * g.in_w];
        for i in 0..g.k_h {
            for j in 0..g.k_w {
                let row = &col[((c * g.k_h + i) * g.k_w + j) * ld + offset..][..l];
                for oh in 0..g.out_h {
                    if let Some(ih) = g.in_row(oh, i) {
                        let dst = &mut plane[ih * g.in_w..(ih + 1) * g.in_w];
                        for (ow, v) in row[oh * g.out_w..(oh + 1) * g.out_w].iter().enumerate() {
                            if let Some(iw) = g.in_col(ow, j) {
                                dst[iw] += *v;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Splits an image input of any channel count, `[batch, c, h, w]` or `[c, h, w]`, into
/// (batch, c, h, w).
pub fn planes(layer: &str, shape: &[usize]) -> Result<(usize, usize, usize, usize)> {
    match *shape {
        [n, c, h, w] => Ok((n, c, h, w)),
        [c, h, w] => Ok((1, c, h, w)),
        _ => Err(Error::shape(layer, "[batch, C, H, W] or [C, H, W]", shape)),
    }
}

/// Splits an input of shape `[batch, c, h, w]` or `[c, h, w]` into (batch, c, h, w).
pub fn nchw(layer: &str, shape: &[usize], channels: usize) -> Result<(usize, usize, usize, usize)> {
    match *shape {
        [n, c, h, w] if c == channels => Ok((n, c, h, w)),
        [c, h, w] if c == channels => Ok((1, c, h, w)),
        _ => Err(Error::shape(
            layer,
            format!("[batch, {channels}, H, W] or [{channels}, H, W]"),
            shape,
        )),
    }
}
