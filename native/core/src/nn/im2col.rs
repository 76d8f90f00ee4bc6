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
        if let (Some(out_h), Some(out_w)) = (oh, ow) {
            // One image's unfolded columns must be countable (huge paddings make huge outputs).
            crate::error::checked_count(layer, &[channels, k_h, k_w, out_h, out_w])?;
        }
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
}

/// The output columns `lo..hi` whose kernel column `j` lands inside the image; the others read
/// padding. Depends only on `j`, so each kernel column computes it once.
fn valid_cols(g: &Geometry, j: usize) -> (usize, usize) {
    let s = g.stride_w;
    let lo = g.pad_left.saturating_sub(j).div_ceil(s).min(g.out_w);
    let hi = (g.in_w + g.pad_left)
        .saturating_sub(j)
        .div_ceil(s)
        .clamp(lo, g.out_w);
    (lo, hi)
}

/// Unfolds one image `[channels, in_h, in_w]` into columns `offset..offset + out_h·out_w` of
/// `col`, a `[channels·k_h·k_w, ld]` row-major matrix (several images side by side share one GEMM).
///
/// Each output row is a zero prefix, a (strided) copy of one input row and a zero suffix, so the
/// inner loop has no bounds tests; with stride 1 the copy is a `memcpy`.
pub fn im2col<T: Element>(g: &Geometry, image: &[T], col: &mut [T], ld: usize, offset: usize) {
    let l = g.out_len();
    let s = g.stride_w;
    for c in 0..g.channels {
        let plane = &image[c * g.in_h * g.in_w..(c + 1) * g.in_h * g.in_w];
        for i in 0..g.k_h {
            for j in 0..g.k_w {
                let (lo, hi) = valid_cols(g, j);
                let row = &mut col[((c * g.k_h + i) * g.k_w + j) * ld + offset..][..l];
                for (oh, out) in row.chunks_exact_mut(g.out_w).enumerate() {
                    let Some(ih) = g.in_row(oh, i) else {
                        out.fill(T::zero());
                        continue;
                    };
                    out[..lo].fill(T::zero());
                    out[hi..].fill(T::zero());
                    if lo < hi {
                        // In range by construction of `valid_cols`: lo·s + j >= pad_left.
                        let start = ih * g.in_w + lo * s + j - g.pad_left;
                        let dst = &mut out[lo..hi];
                        if s == 1 {
                            dst.copy_from_slice(&plane[start..start + dst.len()]);
                        } else {
                            for (v, x) in dst.iter_mut().zip(plane[start..].iter().step_by(s)) {
                                *v = *x;
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
    let s = g.stride_w;
    for c in 0..g.channels {
        let plane = &mut image[c * g.in_h * g.in_w..(c + 1) * g.in_h * g.in_w];
        for i in 0..g.k_h {
            for j in 0..g.k_w {
                let (lo, hi) = valid_cols(g, j);
                if lo >= hi {
                    continue;
                }
                let row = &col[((c * g.k_h + i) * g.k_w + j) * ld + offset..][..l];
                for (oh, src) in row.chunks_exact(g.out_w).enumerate() {
                    let Some(ih) = g.in_row(oh, i) else {
                        continue;
                    };
                    let start = ih * g.in_w + lo * s + j - g.pad_left;
                    let src = &src[lo..hi];
                    if s == 1 {
                        for (d, v) in plane[start..start + src.len()].iter_mut().zip(src) {
                            *d += *v;
                        }
                    } else {
                        for (d, v) in plane[start..].iter_mut().step_by(s).zip(src) {
                            *d += *v;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook unfold, one bounds test per element: the reference for the fast one.
    fn naive(g: &Geometry, image: &[f64]) -> Vec<f64> {
        let l = g.out_len();
        let mut col = vec![0.0; g.channels * g.k_h * g.k_w * l];
        for c in 0..g.channels {
            for i in 0..g.k_h {
                for j in 0..g.k_w {
                    for oh in 0..g.out_h {
                        for ow in 0..g.out_w {
                            let r = (oh * g.stride_h + i) as i64 - g.pad_top as i64;
                            let q = (ow * g.stride_w + j) as i64 - g.pad_left as i64;
                            let inside =
                                (0..g.in_h as i64).contains(&r) && (0..g.in_w as i64).contains(&q);
                            col[((c * g.k_h + i) * g.k_w + j) * l + oh * g.out_w + ow] = if inside {
                                image[(c * g.in_h + r as usize) * g.in_w + q as usize]
                            } else {
                                0.0
                            };
                        }
                    }
                }
            }
        }
        col
    }

    #[test]
    fn unfold_and_fold_match_the_textbook_definition_and_are_adjoint() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let mut cases = 0;
        for _ in 0..400 {
            let (h, w) = (1 + next() % 9, 1 + next() % 9);
            let (kh, kw) = (1 + next() % 5, 1 + next() % 5);
            let (sh, sw) = (1 + next() % 3, 1 + next() % 3);
            let pad = if next() % 4 == 0 {
                Pad2d::Same
            } else {
                Pad2d::Explicit {
                    pad_h: next() % 3,
                    pad_w: next() % 3,
                }
            };
            let Ok(g) = Geometry::new("t", (2, h, w), (kh, kw), (sh, sw), pad, next() % 2 == 0)
            else {
                continue;
            };
            cases += 1;
            let image: Vec<f64> = (0..g.in_len()).map(|_| (next() % 1000) as f64).collect();
            let want = naive(&g, &image);
            let l = g.out_len();
            // Unfold into the middle of a wider matrix, as a batched GEMM does.
            let ld = 3 * l;
            let mut col = vec![-1.0; g.channels * g.k_h * g.k_w * ld];
            im2col(&g, &image, &mut col, ld, l);
            for (r, w) in want.chunks(l).enumerate() {
                assert_eq!(&col[r * ld + l..r * ld + 2 * l], w, "{g:?} row {r}");
                assert!(col[r * ld..r * ld + l].iter().all(|v| *v == -1.0));
            }
            // col2im is the adjoint: <im2col(x), y> == <x, col2im(y)>.
            let y: Vec<f64> = (0..col.len()).map(|_| (next() % 100) as f64).collect();
            let mut back = vec![0.0; g.in_len()];
            col2im(&g, &y, ld, l, &mut back);
            let lhs: f64 = want
                .chunks(l)
                .enumerate()
                .map(|(r, w)| {
                    w.iter()
                        .zip(&y[r * ld + l..])
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
                })
                .sum();
            let rhs: f64 = image.iter().zip(&back).map(|(a, b)| a * b).sum();
            assert_eq!(lhs, rhs, "{g:?}");
        }
        assert!(cases > 200, "only {cases} valid geometries");
    }
}
