//! The MKL backend: `cblas_sgemm` from statically linked, sequential MKL (x86_64 builds only).
#![cfg(target_arch = "x86_64")]

// Links MKL into the final library; without this line `cblas_sgemm` stays undefined.
extern crate intel_mkl_src as _;

use cblas_sys::{cblas_sgemm, CBLAS_LAYOUT, CBLAS_TRANSPOSE};
use ndarray::{ArrayView2, ArrayViewMut2};
use std::os::raw::c_int;

/// A matrix operand as cblas takes it: the first element, a transpose flag and a leading
/// dimension. Views whose rows (or columns) are contiguous go in place, with the other stride
/// as the leading dimension; only a view with neither is copied, once.
struct Operand {
    ptr: *const f32,
    trans: CBLAS_TRANSPOSE,
    ld: c_int,
    /// The copy `ptr` points into, when one was needed.
    _owned: Option<Vec<f32>>,
}

/// The leading dimension for a row-major matrix with `inner` elements per row whose rows are
/// `stride` apart: in place when the elements of a row are adjacent (`unit`) and the stride is
/// a valid leading dimension (a matrix of one row may have any stride).
fn leading(outer: usize, inner: usize, stride: isize, unit: bool) -> Option<c_int> {
    let min = inner.max(1);
    if !unit {
        return None;
    }
    if outer <= 1 {
        return c_int::try_from(min).ok();
    }
    usize::try_from(stride)
        .ok()
        .filter(|&s| s >= min)
        .and_then(|s| c_int::try_from(s).ok())
}

fn operand(v: ArrayView2<'_, f32>) -> Operand {
    let (rows, cols) = v.dim();
    let (s0, s1) = (v.strides()[0], v.strides()[1]);
    if let Some(ld) = leading(rows, cols, s0, s1 == 1 || cols <= 1) {
        return Operand {
            ptr: v.as_ptr(),
            trans: CBLAS_TRANSPOSE::CblasNoTrans,
            ld,
            _owned: None,
        };
    }
    if let Some(ld) = leading(cols, rows, s1, s0 == 1 || rows <= 1) {
        return Operand {
            ptr: v.as_ptr(),
            trans: CBLAS_TRANSPOSE::CblasTrans,
            ld,
            _owned: None,
        };
    }
    let owned: Vec<f32> = v.iter().copied().collect();
    Operand {
        ptr: owned.as_ptr(),
        trans: CBLAS_TRANSPOSE::CblasNoTrans,
        ld: cols.max(1) as c_int,
        _owned: Some(owned),
    }
}

/// `c = alpha * a · b + beta * c` with MKL. Shapes are checked by the caller (all dimensions
/// fit in `c_int`).
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
    let run = |out: *mut f32, ldc: c_int| {
        // SAFETY: `oa` and `ob` point at the first element of matrices laid out as their `trans`
        // and `ld` say, kept alive (view or owned copy) for this call; `out` points at an m x n
        // row-major matrix with leading dimension `ldc` >= n that nothing else reads or writes
        // during the call (it comes from a mutable view). Dimensions fit in c_int (`matmul`).
        unsafe {
            cblas_sgemm(
                CBLAS_LAYOUT::CblasRowMajor,
                oa.trans,
                ob.trans,
                m as c_int,
                n as c_int,
                k as c_int,
                alpha,
                oa.ptr,
                oa.ld,
                ob.ptr,
                ob.ld,
                beta,
                out,
                ldc,
            );
        }
    };
    let (s0, s1) = (c.strides()[0], c.strides()[1]);
    if let Some(ldc) = leading(m, n, s0, s1 == 1 || n <= 1) {
        run(c.as_mut_ptr(), ldc);
        return;
    }
    let mut tmp = ndarray::Array2::<f32>::zeros((m, n));
    if beta != 0.0 {
        tmp.assign(&c);
    }
    run(tmp.as_mut_ptr(), n.max(1) as c_int);
    c.assign(&tmp);
}
