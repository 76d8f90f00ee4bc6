//! A 3-D window over `[channels, T, H, W]` volumes: output sizes, vol2col / col2vol for the
//! convolution, and the clipped ranges the poolings read.

use crate::element::Element;
use crate::error::{Error, Result};

/// Where a `kT x kH x kW` window with strides and padding reads a `[channels, T, H, W]` volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window3 {
    pub channels: usize,
    /// Input sizes, (T, H, W).
    pub size: [usize; 3],
    pub k: [usize; 3],
    pub stride: [usize; 3],
    pub pad: [usize; 3],
    /// Output sizes, (T, H, W).
    pub out: [usize; 3],
}

fn out_size(n: usize, k: usize, s: usize, p: usize, ceil: bool) -> Option<usize> {
    let span = n.checked_add(p.checked_mul(2)?)?.checked_sub(k)?;
    let mut o = if ceil { span.div_ceil(s) } else { span / s } + 1;
    // With ceil mode the last window must still start inside the input or its leading padding.
    if ceil && (o - 1) * s >= n + p {
        o -= 1;
    }
    Some(o)
}

impl Window3 {
    /// The window over a `[channels, T, H, W]` volume; a shape error naming `layer` and the
    /// whole input shape `actual` when it does not fit.
    pub fn new(
        (layer, actual): (&str, &[usize]),
        channels: usize,
        size: [usize; 3],
        (k, stride, pad): ([usize; 3], [usize; 3], [usize; 3]),
        ceil: bool,
    ) -> Result<Window3> {
        let mut out = [0; 3];
        for a in 0..3 {
            match out_size(size[a], k[a], stride[a], pad[a], ceil) {
                Some(o) if o > 0 => out[a] = o,
                _ => {
                    return Err(Error::shape(
                        layer,
                        format!(
                            "a [{channels}, T, H, W] volume at least as large as the {}x{}x{} \
                             window (with padding)",
                            k[0], k[1], k[2]
                        ),
                        actual,
                    ))
                }
            }
        }
        crate::error::checked_count(layer, &[channels, k[0], k[1], k[2], out[0], out[1], out[2]])?;
        Ok(Window3 {
            channels,
            size,
            k,
            stride,
            pad,
            out,
        })
    }

    /// Elements of one volume.
    pub fn in_len(&self) -> usize {
        self.channels * self.size.iter().product::<usize>()
    }

    /// Output positions per channel.
    pub fn out_len(&self) -> usize {
        self.out.iter().product()
    }

    /// Rows of the unfolded matrix: `channels · kT · kH · kW`.
    pub fn rows(&self) -> usize {
        self.channels * self.k.iter().product::<usize>()
    }

    /// The input index along axis `a` for output `o` and kernel offset `i`, if inside.
    fn at(&self, a: usize, o: usize, i: usize) -> Option<usize> {
        (o * self.stride[a] + i)
            .checked_sub(self.pad[a])
            .filter(|v| *v < self.size[a])
    }

    /// Along axis `a`, for output `o`: the clipped input range and the window's length within
    /// the padded input (PyTorch's divisor when padding counts).
    pub fn range(&self, a: usize, o: usize) -> (std::ops::Range<usize>, usize) {
        let start = o * self.stride[a];
        let end = (start + self.k[a]).min(self.size[a] + 2 * self.pad[a]);
        let padded = end - start;
        let lo = start.saturating_sub(self.pad[a]);
        let hi = end.saturating_sub(self.pad[a]).min(self.size[a]);
        (lo..hi.max(lo), padded)
    }

    /// Calls `f(row, column, input index)` for every in-bounds tap of the unfolded matrix.
    fn for_taps(&self, mut f: impl FnMut(usize, usize, usize)) {
        let [t, h, w] = self.size;
        let [ot, oh, ow] = self.out;
        let mut row = 0;
        for c in 0..self.channels {
            for i in 0..self.k[0] {
                for j in 0..self.k[1] {
                    for l in 0..self.k[2] {
                        for a in 0..ot {
                            let Some(z) = self.at(0, a, i) else { continue };
                            for b in 0..oh {
                                let Some(y) = self.at(1, b, j) else { continue };
                                for d in 0..ow {
                                    if let Some(x) = self.at(2, d, l) {
                                        f(
                                            row,
                                            (a * oh + b) * ow + d,
                                            ((c * t + z) * h + y) * w + x,
                                        );
                                    }
                                }
                            }
                        }
                        row += 1;
                    }
                }
            }
        }
    }
}

/// Unfolds one volume into `col`, a row-major `[channels·kT·kH·kW, oT·oH·oW]` matrix.
pub fn vol2col<T: Element>(g: &Window3, volume: &[T], col: &mut [T]) {
    col.iter_mut().for_each(|v| *v = T::zero());
    let l = g.out_len();
    g.for_taps(|r, c, i| col[r * l + c] = volume[i]);
}

/// Adds the columns of `col` back into `volume`: the adjoint of [`vol2col`].
pub fn col2vol<T: Element>(g: &Window3, col: &[T], volume: &mut [T]) {
    let l = g.out_len();
    g.for_taps(|r, c, i| volume[i] += col[r * l + c]);
}
