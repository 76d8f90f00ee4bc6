//! The entry point every layer uses: a checked `c = alpha * a · b + beta * c` on ndarray views.

use super::backend::{backend, Backend};
#[cfg(target_arch = "x86_64")]
use super::mkl;
use super::pure;
use crate::error::{Error, Result};
use ndarray::{ArrayView2, ArrayViewMut2};

/// Element types with a GEMM kernel.
pub trait Gemm: Copy + 'static {
    /// `c = alpha * a · b + beta * c` with the given backend. Shapes are already checked.
    fn gemm_kernel(
        backend: Backend,
        alpha: Self,
        a: ArrayView2<'_, Self>,
        b: ArrayView2<'_, Self>,
        beta: Self,
        c: ArrayViewMut2<'_, Self>,
    );
}

impl Gemm for f32 {
    fn gemm_kernel(
        backend: Backend,
        alpha: f32,
        a: ArrayView2<'_, f32>,
        b: ArrayView2<'_, f32>,
        beta: f32,
        c: ArrayViewMut2<'_, f32>,
    ) {
        match backend.resolve() {
            #[cfg(target_arch = "x86_64")]
            Backend::Mkl => mkl::sgemm(alpha, a, b, beta, c),
            _ => pure::gemm(alpha, a, b, beta, c),
        }
    }
}

impl Gemm for f64 {
    /// f64 is for gradient checks and references: it always runs the pure-Rust kernel.
    fn gemm_kernel(
        _backend: Backend,
        alpha: f64,
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        beta: f64,
        c: ArrayViewMut2<'_, f64>,
    ) {
        pure::gemm(alpha, a, b, beta, c)
    }
}

/// `c = alpha * a · b + beta * c` on the process-wide backend.
///
/// # Shapes
/// - `a`: `[m, k]`, `b`: `[k, n]`, `c`: `[m, n]`; any strides (transposed views are free).
pub fn matmul<T: Gemm>(
    alpha: T,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    beta: T,
    c: ArrayViewMut2<'_, T>,
) -> Result<()> {
    matmul_with(backend(), alpha, a, b, beta, c)
}

/// [`matmul`] on an explicit backend (benchmarks and tests compare backends with it).
pub fn matmul_with<T: Gemm>(
    backend: Backend,
    alpha: T,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    beta: T,
    c: ArrayViewMut2<'_, T>,
) -> Result<()> {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    if k != k2 || c.dim() != (m, n) {
        return Err(Error::ShapeMismatch {
            layer: "gemm".into(),
            expected: format!("a [m, k], b [k, n], c [m, n] with a = [{m}, {k}]"),
            actual: vec![k2, n, c.dim().0, c.dim().1],
        });
    }
    let limit = i32::MAX as usize;
    if m > limit || n > limit || k > limit || m.saturating_mul(n) > limit {
        return Err(Error::invalid(
            "gemm",
            format!("dimensions {m}x{n}x{k} exceed i32"),
        ));
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    T::gemm_kernel(backend, alpha, a, b, beta, c);
    Ok(())
}
