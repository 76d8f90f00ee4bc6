//! A small 2-D kernel slid over one image plane with zero padding of half the kernel (an odd
//! kernel keeps the plane's size): the local sums that the within-channel LRN and the
//! subtractive and divisive normalisations take. Computed in f64.

use crate::error::{Error, Result};

/// The most taps a kernel may have (a 1023 x 1023 window).
pub const MAX_TAPS: usize = 1 << 20;

/// An odd `kh x kw` kernel, row-major; applied as a correlation centred on each pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaneFilter {
    pub kh: usize,
    pub kw: usize,
    pub taps: Vec<f64>,
}

impl PlaneFilter {
    /// A kernel of the given odd sizes and `kh·kw` finite taps; errors name `layer`.
    pub fn new(layer: &str, kh: usize, kw: usize, taps: Vec<f64>) -> Result<Self> {
        if kh.checked_mul(kw).is_none_or(|n| n > MAX_TAPS) {
            return Err(Error::invalid(
                layer,
                format!("a {kh}x{kw} kernel has more than {MAX_TAPS} values"),
            ));
        }
        if kh % 2 == 0 || kw % 2 == 0 || taps.len() != kh * kw {
            return Err(Error::invalid(
                layer,
                format!(
                    "the kernel must have odd sizes and kH·kW values, got {kh}x{kw} with {} values",
                    taps.len()
                ),
            ));
        }
        if taps.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid(layer, "the kernel values must be finite"));
        }
        Ok(PlaneFilter { kh, kw, taps })
    }

    /// `out[y, x] = Σ k[i, j] · src[y + i - kh/2, x + j - kw/2]` over the taps inside the plane.
    pub fn correlate(&self, src: &[f64], h: usize, w: usize) -> Vec<f64> {
        let mut out = vec![0.0; h * w];
        self.for_taps(h, w, |o, s, k| out[o] += k * src[s]);
        out
    }

    /// The adjoint of [`PlaneFilter::correlate`]: `out[s] = Σ k · src[o]` over the same taps.
    pub fn correlate_t(&self, src: &[f64], h: usize, w: usize) -> Vec<f64> {
        let mut out = vec![0.0; h * w];
        self.for_taps(h, w, |o, s, k| out[s] += k * src[o]);
        out
    }

    /// `f(output index, source index, tap)` for every tap that lands inside an `h x w` plane.
    fn for_taps(&self, h: usize, w: usize, mut f: impl FnMut(usize, usize, f64)) {
        let (ph, pw) = (self.kh / 2, self.kw / 2);
        for i in 0..self.kh {
            for j in 0..self.kw {
                let k = self.taps[i * self.kw + j];
                // Output rows y with 0 <= y + i - ph < h.
                let y0 = ph.saturating_sub(i);
                let y1 = (h + ph).saturating_sub(i).min(h);
                let x0 = pw.saturating_sub(j);
                let x1 = (w + pw).saturating_sub(j).min(w);
                for y in y0..y1 {
                    let sy = y + i - ph;
                    for x in x0..x1 {
                        f(y * w + x, sy * w + x + j - pw, k);
                    }
                }
            }
        }
    }
}
