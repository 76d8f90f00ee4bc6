//! The pure-Rust backend: the `gemm` crate, on arbitrary strides.

use super::backend::num_threads;
use ndarray::{ArrayView2, ArrayViewMut2};

/// `c = alpha * a · b + beta * c` with the `gemm` crate. Shapes are checked by the caller.
pub(super) fn gemm<T: Copy + 'static + PartialEq + Default>(
    alpha: T,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    beta: T,
    mut c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let n = b.dim().1;
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
    let read_dst = beta != T::default();
    let parallelism = match num_threads() {
        0 | 1 => gemm::Parallelism::None,
        t => gemm::Parallelism::Rayon(t),
    };
    // SAFETY: the pointers and strides come from live ndarray views whose shapes the caller has
    // checked to be (m, k), (k, n) and (m, n); `c` is borrowed mutably and cannot alias `a` or
    // `b`. The gemm crate computes dst := alpha_g * dst + beta_g * lhs * rhs, so our `beta` is its
    // `alpha` and our `alpha` its `beta`; with `read_dst` false, dst is never read.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            c_rs,
            read_dst,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            beta,
            alpha,
            false,
            false,
            false,
            parallelism,
        );
    }
}
