//! One convolution window of the convolutional LSTM cells, 2-D (the im2col of
//! `SpatialConvolution`) or 3-D (the vol2col of `VolumetricConvolution`), unfolding images into
//! columns of one shared matrix so a whole sequence is one GEMM.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::nn::conv_layers::{col2vol, vol2col, Window3};
use crate::nn::im2col::{col2im, im2col};
use crate::nn::{Geometry, Pad2d};

/// A square (cubic) window with a stride and per-axis padding over `[channels, (D,) H, W]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unfold {
    Plane(Geometry),
    Volume(Window3),
}

impl Unfold {
    /// A `k`-wide window with stride `s` over `[channels, spatial..]` (2 or 3 spatial axes);
    /// `padding` on each side of every axis, or `-1` for SAME (2-D: an odd total puts the extra
    /// row at the end, like BigDL; 3-D needs an even total).
    pub fn new(
        (layer, actual): (&str, &[usize]),
        channels: usize,
        spatial: &[usize],
        (k, s): (usize, usize),
        padding: i64,
    ) -> Result<Unfold> {
        match *spatial {
            [h, w] => Ok(Unfold::Plane(Geometry::new(
                layer,
                (channels, h, w),
                (k, k),
                (s, s),
                Pad2d::from_bigdl(layer, padding, padding)?,
                false,
            )?)),
            [d, h, w] => {
                let p = |n| pad3(layer, n, (k, s), padding);
                Ok(Unfold::Volume(Window3::new(
                    (layer, actual),
                    channels,
                    [d, h, w],
                    ([k; 3], [s; 3], [p(d)?, p(h)?, p(w)?]),
                    false,
                )?))
            }
            _ => Err(Error::shape(layer, "2 or 3 spatial dimensions", actual)),
        }
    }

    /// Output sizes per axis.
    pub fn out_dims(&self) -> Vec<usize> {
        match self {
            Unfold::Plane(g) => vec![g.out_h, g.out_w],
            Unfold::Volume(w) => w.out.to_vec(),
        }
    }

    /// Elements of one input image.
    pub fn in_len(&self) -> usize {
        match self {
            Unfold::Plane(g) => g.in_len(),
            Unfold::Volume(w) => w.in_len(),
        }
    }

    /// Output positions per channel.
    pub fn out_len(&self) -> usize {
        match self {
            Unfold::Plane(g) => g.out_len(),
            Unfold::Volume(w) => w.out_len(),
        }
    }

    /// Unfolds `image` into columns `offset..offset + out_len` of `col` (`[rows, ld]`);
    /// `scratch` holds the 3-D case's one-image matrix.
    pub fn unfold<T: Element>(
        &self,
        image: &[T],
        col: &mut [T],
        (ld, offset): (usize, usize),
        scratch: &mut Vec<T>,
    ) {
        match self {
            Unfold::Plane(g) => im2col(g, image, col, ld, offset),
            Unfold::Volume(w) => {
                let l = w.out_len();
                scratch.resize(w.rows() * l, T::zero());
                vol2col(w, image, scratch);
                for (r, src) in scratch.chunks_exact(l).enumerate() {
                    col[r * ld + offset..][..l].copy_from_slice(src);
                }
            }
        }
    }

    /// Adds columns `offset..offset + out_len` of `col` back into `image`: the adjoint of
    /// [`Unfold::unfold`].
    pub fn fold<T: Element>(
        &self,
        col: &[T],
        (ld, offset): (usize, usize),
        image: &mut [T],
        scratch: &mut Vec<T>,
    ) {
        match self {
            Unfold::Plane(g) => col2im(g, col, ld, offset, image),
            Unfold::Volume(w) => {
                let l = w.out_len();
                scratch.resize(w.rows() * l, T::zero());
                for (r, dst) in scratch.chunks_exact_mut(l).enumerate() {
                    dst.copy_from_slice(&col[r * ld + offset..][..l]);
                }
                col2vol(w, scratch, image);
            }
        }
    }
}

/// The 3-D padding of one axis of `n` elements (symmetric; SAME must split evenly).
fn pad3(layer: &str, n: usize, (k, s): (usize, usize), padding: i64) -> Result<usize> {
    if padding >= 0 {
        return Ok(padding as usize);
    }
    let total = ((n.div_ceil(s).max(1) - 1) * s + k).saturating_sub(n);
    if total % 2 == 1 {
        return Err(Error::invalid(
            layer,
            format!(
                "SAME padding of a {k}-wide window with stride {s} over {n} elements is uneven; \
                 the 3-D cell needs an odd kernel with stride 1, or an explicit padding"
            ),
        ));
    }
    Ok(total / 2)
}
