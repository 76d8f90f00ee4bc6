//! Helpers the layers of this folder share: matrix views for GEMM and batch layouts.

use crate::element::Element;
use crate::error::{Error, Result};
use ndarray::{ArrayView2, ArrayViewMut2};

/// `data` as a row-major `[rows, cols]` matrix.
pub fn view<'a, T: Element>(
    op: &str,
    data: &'a [T],
    rows: usize,
    cols: usize,
) -> Result<ArrayView2<'a, T>> {
    ArrayView2::from_shape((rows, cols), data).map_err(|e| Error::invalid(op, e.to_string()))
}

/// `data` as a mutable row-major `[rows, cols]` matrix.
pub fn view_mut<'a, T: Element>(
    op: &str,
    data: &'a mut [T],
    rows: usize,
    cols: usize,
) -> Result<ArrayViewMut2<'a, T>> {
    ArrayViewMut2::from_shape((rows, cols), data).map_err(|e| Error::invalid(op, e.to_string()))
}

/// Splits `[batch, d..]` or `[d..]` (the unbatched form has `rank` dimensions) into the batch
/// size and the inner dimensions; `None` when the rank is neither.
pub fn split_batch(shape: &[usize], rank: usize) -> Option<(usize, &[usize], bool)> {
    if shape.len() == rank + 1 {
        Some((shape[0], &shape[1..], true))
    } else if shape.len() == rank {
        Some((1, shape, false))
    } else {
        None
    }
}

/// The output shape for `inner` dimensions, with the batch dimension when the input had one.
pub fn with_batch(batch: usize, batched: bool, inner: &[usize]) -> Vec<usize> {
    let mut s = Vec::with_capacity(inner.len() + 1);
    if batched {
        s.push(batch);
    }
    s.extend_from_slice(inner);
    s
}

/// The memory order of a 4-D image batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// `[batch, channels, height, width]`.
    Nchw,
    /// `[batch, height, width, channels]`.
    Nhwc,
}

impl DataFormat {
    /// From BigDL's name, `"NCHW"` or `"NHWC"`.
    pub fn parse(op: &str, s: &str) -> Result<DataFormat> {
        match s {
            "NCHW" => Ok(DataFormat::Nchw),
            "NHWC" => Ok(DataFormat::Nhwc),
            _ => Err(Error::invalid(
                op,
                format!("format must be NCHW or NHWC, got '{s}'"),
            )),
        }
    }

    /// (batch, channels, height, width) of a 4-D shape in this format.
    pub fn dims(self, layer: &str, shape: &[usize]) -> Result<[usize; 4]> {
        match (self, shape) {
            (DataFormat::Nchw, &[n, c, h, w]) => Ok([n, c, h, w]),
            (DataFormat::Nhwc, &[n, h, w, c]) => Ok([n, c, h, w]),
            (DataFormat::Nchw, _) => Err(Error::shape(layer, "[batch, C, H, W]", shape)),
            (DataFormat::Nhwc, _) => Err(Error::shape(layer, "[batch, H, W, C]", shape)),
        }
    }

    /// The shape of (batch, channels, height, width) in this format.
    pub fn shape(self, [n, c, h, w]: [usize; 4]) -> Vec<usize> {
        match self {
            DataFormat::Nchw => vec![n, c, h, w],
            DataFormat::Nhwc => vec![n, h, w, c],
        }
    }

    /// The flat index of element (b, ch, y, x) in an image batch of `dims` in this format.
    pub fn index(self, [_, c, h, w]: [usize; 4], b: usize, ch: usize, y: usize, x: usize) -> usize {
        match self {
            DataFormat::Nchw => ((b * c + ch) * h + y) * w + x,
            DataFormat::Nhwc => ((b * h + y) * w + x) * c + ch,
        }
    }

    /// BigDL's name of the format.
    pub fn name(self) -> &'static str {
        match self {
            DataFormat::Nchw => "NCHW",
            DataFormat::Nhwc => "NHWC",
        }
    }
}
