//! The products of locally connected layers: one small GEMM per output position, each position
//! with its own weights.

use super::common::{view, view_mut};
use crate::element::Element;
use crate::error::Result;
use crate::gemm::matmul;

/// Sizes of a locally connected product: `positions` output positions, `batch` images, `rows`
/// unfolded inputs per position and image, `out` outputs per position.
#[derive(Debug, Clone, Copy)]
pub struct LocalDims {
    pub positions: usize,
    pub batch: usize,
    pub rows: usize,
    pub out: usize,
}

/// `y[p] = u[p] · w[p]ᵀ + b[p]` for every position `p`, with `u` `[positions, batch, rows]`,
/// `w` `[positions, out, rows]`, `b` `[positions, out]` (when given); returns
/// `[positions, batch, out]`.
pub fn forward<T: Element>(
    op: &str,
    d: LocalDims,
    u: &[T],
    w: &[T],
    b: Option<&[T]>,
) -> Result<Vec<T>> {
    let LocalDims {
        positions,
        batch,
        rows,
        out,
    } = d;
    let mut y = vec![T::zero(); positions * batch * out];
    for p in 0..positions {
        let yp = &mut y[p * batch * out..][..batch * out];
        if let Some(b) = b {
            for row in yp.chunks_mut(out.max(1)) {
                row.copy_from_slice(&b[p * out..][..out]);
            }
        }
        let up = view(op, &u[p * batch * rows..][..batch * rows], batch, rows)?;
        let wp = view(op, &w[p * out * rows..][..out * rows], out, rows)?;
        matmul(
            T::one(),
            up,
            wp.t(),
            T::one(),
            view_mut(op, yp, batch, out)?,
        )?;
    }
    Ok(y)
}

/// The adjoint of [`forward`]: adds the weight and bias gradients into `gw` and `gb`, returns
/// the gradient of `u` (`[positions, batch, rows]`) when `propagate`.
#[allow(clippy::too_many_arguments)]
pub fn backward<T: Element>(
    op: &str,
    d: LocalDims,
    u: &[T],
    w: &[T],
    gy: &[T],
    gw: &mut [T],
    gb: Option<&mut [T]>,
    propagate: bool,
) -> Result<Vec<T>> {
    let LocalDims {
        positions,
        batch,
        rows,
        out,
    } = d;
    let mut gu = vec![T::zero(); if propagate { u.len() } else { 0 }];
    let mut gb = gb;
    for p in 0..positions {
        let gyp = view(op, &gy[p * batch * out..][..batch * out], batch, out)?;
        let up = view(op, &u[p * batch * rows..][..batch * rows], batch, rows)?;
        let gwp = view_mut(op, &mut gw[p * out * rows..][..out * rows], out, rows)?;
        matmul(T::one(), gyp.t(), up, T::one(), gwp)?;
        if let Some(gb) = gb.as_deref_mut() {
            for row in gyp.rows() {
                for (acc, v) in gb[p * out..][..out].iter_mut().zip(row) {
                    *acc += *v;
                }
            }
        }
        if propagate {
            let wp = view(op, &w[p * out * rows..][..out * rows], out, rows)?;
            let gup = view_mut(op, &mut gu[p * batch * rows..][..batch * rows], batch, rows)?;
            matmul(T::one(), gyp, wp, T::zero(), gup)?;
        }
    }
    Ok(gu)
}
