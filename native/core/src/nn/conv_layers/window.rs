//! A 2-D convolution window with dilation, and its im2col / col2im transforms.

use crate::element::Element;
use crate::error::{Error, Result};

/// Where a dilated `k_h x k_w` window reads a `[channels, in_h, in_w]` image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub channels: usize,
    pub in_h: usize,
    pub in_w: usize,
    pub k_h: usize,
    pub k_w: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub pad_h: usize,
    pub pad_w: usize,
    pub dil_h: usize,
    pub dil_w: usize,
    pub out_h: usize,
    pub out_w: usize,
}

/// Sizes of a window along one axis: kernel, stride, padding, dilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    pub k: usize,
    pub stride: usize,
    pub pad: usize,
    pub dilation: usize,
}

impl Axis {
    /// Output positions along an axis of `n` inputs, if the dilated window fits.
    pub fn out_len(&self, n: usize) -> Option<usize> {
        let span = self.dilation.checked_mul(self.k.checked_sub(1)?)? + 1;
        let padded = n.checked_add(self.pad.checked_mul(2)?)?;
        padded.checked_sub(span).map(|r| r / self.stride + 1)
    }
}

impl Window {
    /// The window over a `[channels, in_h, in_w]` image; a shape error naming `layer` and the
    /// whole input shape `actual` when the (dilated, padded) window does not fit.
    pub fn new(
        (layer, actual): (&str, &[usize]),
        (channels, in_h, in_w): (usize, usize, usize),
        h: Axis,
        w: Axis,
    ) -> Result<Window> {
        match (h.out_len(in_h), w.out_len(in_w)) {
            (Some(out_h), Some(out_w)) if out_h > 0 && out_w > 0 => Ok(Window {
                channels,
                in_h,
                in_w,
                k_h: h.k,
                k_w: w.k,
                stride_h: h.stride,
                stride_w: w.stride,
                pad_h: h.pad,
                pad_w: w.pad,
                dil_h: h.dilation,
                dil_w: w.dilation,
                out_h,
                out_w,
            }),
            _ => Err(Error::shape(
                layer,
                format!(
                    "a [{channels}, H, W] image at least as large as the {}x{} window \
                     (dilated, with padding)",
                    h.k, w.k
                ),
                actual,
            )),
        }
    }

    /// Elements of one image.
    pub fn in_len(&self) -> usize {
        self.channels * self.in_h * self.in_w
    }

    /// Output positions per plane.
    pub fn out_len(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Rows of the unfolded matrix: `channels · k_h · k_w`.
    pub fn rows(&self) -> usize {
        self.channels * self.k_h * self.k_w
    }

    fn in_row(&self, o: usize, i: usize) -> Option<usize> {
        (o * self.stride_h + i * self.dil_h)
            .checked_sub(self.pad_h)
            .filter(|r| *r < self.in_h)
    }

    fn in_col(&self, o: usize, j: usize) -> Option<usize> {
        (o * self.stride_w + j * self.dil_w)
            .checked_sub(self.pad_w)
            .filter(|c| *c < self.in_w)
    }
}

/// Unfolds one image into `col`, a row-major `[channels·k_h·k_w, out_h·out_w]` matrix.
pub fn im2col<T: Element>(g: &Window, image: &[T], col: &mut [T]) {
    let l = g.out_len();
    for c in 0..g.channels {
        let plane = &image[c * g.in_h * g.in_w..][..g.in_h * g.in_w];
        for i in 0..g.k_h {
            for j in 0..g.k_w {
                let row = &mut col[((c * g.k_h + i) * g.k_w + j) * l..][..l];
                for oh in 0..g.out_h {
                    let out = &mut row[oh * g.out_w..][..g.out_w];
                    match g.in_row(oh, i) {
                        None => out.iter_mut().for_each(|v| *v = T::zero()),
                        Some(ih) => {
                            let src = &plane[ih * g.in_w..][..g.in_w];
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

/// Adds the columns of `col` back into `image` (overlapping windows add): the adjoint of
/// [`im2col`].
pub fn col2im<T: Element>(g: &Window, col: &[T], image: &mut [T]) {
    let l = g.out_len();
    for c in 0..g.channels {
        let plane = &mut image[c * g.in_h * g.in_w..][..g.in_h * g.in_w];
        for i in 0..g.k_h {
            for j in 0..g.k_w {
                let row = &col[((c * g.k_h + i) * g.k_w + j) * l..][..l];
                for oh in 0..g.out_h {
                    if let Some(ih) = g.in_row(oh, i) {
                        let dst = &mut plane[ih * g.in_w..][..g.in_w];
                        for (ow, v) in row[oh * g.out_w..][..g.out_w].iter().enumerate() {
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
