//! The MKL backend: `cblas_sgemm` from statically linked, sequential MKL (x86_64 builds only).
#![cfg(target_arch = "x86_64")]

// Links MKL into the final library; without this line `cblas_sgemm` stays undefined.
extern crate intel_mkl_src as _;

use cblas::{Layout, Transpose};
use ndarray::{ArrayView2, ArrayViewMut2};
use std::borrow::Cow;

/// A matrix operand as cblas wants it: contiguous memory, a transpose flag, a leading dimension.
struct Operand<'a> {
    data: Cow<'a, [f32]>,
    trans: Transpose,
    ld: i32,
}

fn operand<'a>(v: ArrayView2<'a, f32>) -> Operand<'a> {
    let (rows, cols) = v.dim();
    if let Some(s) = v.to_slice() {
        return Operand {
            data: Cow::Borrowed(s),
            trans: Transpose::None,
            ld: cols.max(1) as i32,
        };
    }
    let t = v.reversed_axes();
    if let Some(s) = t.to_slice() {
        return Operand {
            data: Cow::Borrowed(s),
            trans: Transpose::Ordinary,
            ld: rows.max(1) as i32,
        };
    }
    let owned: Vec<f32> = t.reversed_axes().iter().copied().collect();
    Operand {
        data: Cow::Owned(owned),
        trans: Transpose::None,
        ld: cols.max(1) as i32,
    }
}

/// `c = alpha * a · b + beta * c` with MKL. Shapes are checked by the caller.
pub(super) fn sgemm(
    alpha: f32,
    a: ArrayView2<'_, f32>,
    b: ArrayView2<'_, f32>,
    beta: f32,
    mut c: ArrayViewMut2<'_, f32>,
) {
    let (m, k) = a.dim();
    let n = b.dim().1;
    let (oa, ob) = (operand(a), operand(b));
    let run = |out: &mut [f32]| {
        // SAFETY: `out` holds m*n elements in row-major order with leading dimension n; the
        // operand slices hold the whole of each matrix in the layout `trans` and `ld` describe,
        // and all dimensions fit in i32 (checked by `matmul`).
        unsafe {
            cblas::sgemm(
                Layout::RowMajor,
                oa.trans,
                ob.trans,
                m as i32,
                n as i32,
                k as i32,
                alpha,
                &oa.data,
                oa.ld,
                &ob.data,
                ob.ld,
                beta,
                out,
                n.max(1) as i32,
            );
        }
    };
    if let Some(out) = c.as_slice_mut() {
        run(out);
        return;
    }
    let mut tmp = ndarray::Array2::<f32>::zeros((m, n));
    if beta != 0.0 {
        tmp.assign(&c);
    }
    if let Some(out) = tmp.as_slice_mut() {
        run(out);
    }
    c.assign(&tmp);
}
