//! The int8 GEMM of quantized inference: `c = a · bᵀ` with `i8` operands and exact `i32` sums.
//!
//! Two kernels, chosen like the float GEMM ([`Backend`]):
//! - MKL's `cblas_gemm_s8u8s32` (through the same static link as `cblas_sgemm`). MKL wants one
//!   operand unsigned, so `a` is shifted by +128 into `u8` and the offset `-128` given back to
//!   MKL (`(a + 128) - 128 = a`). It is used only on CPUs with VNNI (`vpdpbusd`): without VNNI,
//!   MKL multiplies with `vpmaddubsw`, whose pairwise `i16` sums saturate for `u8` values near
//!   255, and the result would no longer be exact.
//! - A pure-Rust kernel, written so that LLVM vectorises it (`i8 → i16` widening and `vpmaddwd`),
//!   compiled for AVX-512BW and AVX2 and picked at run time; exact on every CPU.
//!
//! `auto` picks MKL on Intel CPUs with VNNI and the Rust kernel elsewhere; `FERRODL_GEMM` and
//! `-Dferrodl.gemm` choose as for the float GEMM.

use super::backend::{backend, Backend};
use crate::error::{Error, Result};

/// `c = a · bᵀ` on the process-wide backend.
///
/// # Shapes
/// - `a`: `[m, k]` row-major, `b`: `[n, k]` row-major (each row of `b` is one output column),
///   `c`: `[m, n]` row-major. Values of `a` and `b` must lie in `-127..=127` (symmetric
///   quantization never produces -128), so no sum of `k < 2^17` products can overflow `i32`.
pub fn matmul_i8(
    (m, n, k): (usize, usize, usize),
    a: &[i8],
    b: &[i8],
    c: &mut [i32],
) -> Result<()> {
    matmul_i8_with(backend(), (m, n, k), a, b, c)
}

/// [`matmul_i8`] on an explicit backend (benchmarks and tests compare kernels with it).
pub fn matmul_i8_with(
    backend: Backend,
    (m, n, k): (usize, usize, usize),
    a: &[i8],
    b: &[i8],
    c: &mut [i32],
) -> Result<()> {
    let sizes = (m.checked_mul(k), n.checked_mul(k), m.checked_mul(n));
    let ok = matches!(sizes, (Some(ak), Some(bk), Some(mn))
        if ak == a.len() && bk == b.len() && mn == c.len());
    if !ok {
        return Err(Error::ShapeMismatch {
            layer: "gemm i8".into(),
            expected: format!("a [{m}, {k}], b [{n}, {k}], c [{m}, {n}]"),
            actual: vec![a.len(), b.len(), c.len()],
        });
    }
    if k >= 1 << 17 {
        return Err(Error::invalid(
            "gemm i8",
            format!("inner dimension {k} could overflow the i32 sums (at most 131071)"),
        ));
    }
    let limit = i32::MAX as usize;
    if m > limit || n > limit || m.saturating_mul(n) > limit {
        return Err(Error::invalid(
            "gemm i8",
            format!("dimensions {m}x{n}x{k} exceed i32"),
        ));
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        c.iter_mut().for_each(|v| *v = 0);
        return Ok(());
    }
    match resolve_i8(backend) {
        #[cfg(target_arch = "x86_64")]
        Backend::Mkl => mkl_s8u8s32((m, n, k), a, b, c),
        _ => pure_i8((m, n, k), a, b, c),
    }
    Ok(())
}

/// The kernel a backend choice runs for int8: MKL only where it is exact (VNNI).
pub fn resolve_i8(backend: Backend) -> Backend {
    match backend.resolve() {
        Backend::Mkl if has_vnni() && cfg!(target_arch = "x86_64") => Backend::Mkl,
        _ => Backend::Rust,
    }
}

/// Whether the CPU multiplies `u8 × i8` without intermediate saturation (VNNI).
pub fn has_vnni() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

// --- MKL ----------------------------------------------------------------------------------------

// MKL is linked on x86_64 only (see backend.rs); elsewhere `resolve_i8` never picks it.
#[cfg(target_arch = "x86_64")]
const CBLAS_ROW_MAJOR: i32 = 101;
#[cfg(target_arch = "x86_64")]
const CBLAS_NO_TRANS: i32 = 111;
#[cfg(target_arch = "x86_64")]
const CBLAS_TRANS: i32 = 112;
#[cfg(target_arch = "x86_64")]
const CBLAS_FIX_OFFSET: i32 = 173;

#[cfg(target_arch = "x86_64")]
extern "C" {
    /// `C := alpha·(op(A) + ao)·(op(B) + bo) + beta·C + co`, with A unsigned and B signed in the
    /// row-major layout (oneMKL's `cblas_gemm_s8u8s32`, LP64 integers).
    #[allow(clippy::too_many_arguments)]
    fn cblas_gemm_s8u8s32(
        layout: i32,
        transa: i32,
        transb: i32,
        offsetc: i32,
        m: i32,
        n: i32,
        k: i32,
        alpha: f32,
        a: *const u8,
        lda: i32,
        ao: i8,
        b: *const i8,
        ldb: i32,
        bo: i8,
        beta: f32,
        c: *mut i32,
        ldc: i32,
        co: *const i32,
    );
}

#[cfg(target_arch = "x86_64")]
fn mkl_s8u8s32((m, n, k): (usize, usize, usize), a: &[i8], b: &[i8], c: &mut [i32]) {
    let shifted: Vec<u8> = a.iter().map(|v| (*v as i16 + 128) as u8).collect();
    let co = [0i32];
    // SAFETY: `shifted` holds m·k values row-major with leading dimension k, `b` holds n·k values
    // row-major (read transposed, leading dimension k), `c` holds m·n values with leading
    // dimension n (all checked by `matmul_i8_with`), every dimension fits in i32 and is positive (k = 0 returns before),
    // and `co` is the one offset a fixed C offset reads. MKL writes only inside `c`.
    unsafe {
        cblas_gemm_s8u8s32(
            CBLAS_ROW_MAJOR,
            CBLAS_NO_TRANS,
            CBLAS_TRANS,
            CBLAS_FIX_OFFSET,
            m as i32,
            n as i32,
            k as i32,
            1.0,
            shifted.as_ptr(),
            k as i32,
            -128,
            b.as_ptr(),
            k as i32,
            0,
            0.0,
            c.as_mut_ptr(),
            n as i32,
            co.as_ptr(),
        );
    }
}

// --- pure Rust ----------------------------------------------------------------------------------

/// Dot product of two `i8` rows with `i32` sums, in a shape LLVM turns into `vpmaddwd`.
#[inline(always)]
fn dot(a: &[i8], b: &[i8]) -> i32 {
    let mut lanes = [0i32; 16];
    let (ac, bc) = (a.chunks_exact(16), b.chunks_exact(16));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for l in 0..16 {
            lanes[l] += x[l] as i16 as i32 * y[l] as i16 as i32;
        }
    }
    let tail: i32 = ar.iter().zip(br).map(|(x, y)| *x as i32 * *y as i32).sum();
    lanes.iter().sum::<i32>() + tail
}

/// The portable body: every row of `a` against four rows of `b` at a time, so each loaded chunk
/// of `a` is used four times while it sits in a register.
#[inline(always)]
fn kernel((m, n, k): (usize, usize, usize), a: &[i8], b: &[i8], c: &mut [i32]) {
    for i in 0..m {
        let ar = &a[i * k..(i + 1) * k];
        let cr = &mut c[i * n..(i + 1) * n];
        let mut j = 0;
        while j + 4 <= n {
            let rows = [
                &b[j * k..(j + 1) * k],
                &b[(j + 1) * k..(j + 2) * k],
                &b[(j + 2) * k..(j + 3) * k],
                &b[(j + 3) * k..(j + 4) * k],
            ];
            let mut acc = [[0i32; 16]; 4];
            let whole = k - k % 16;
            for t in (0..whole).step_by(16) {
                let x = &ar[t..t + 16];
                for (r, lanes) in rows.iter().zip(acc.iter_mut()) {
                    let y = &r[t..t + 16];
                    for l in 0..16 {
                        lanes[l] += x[l] as i16 as i32 * y[l] as i16 as i32;
                    }
                }
            }
            for (q, (r, lanes)) in rows.iter().zip(acc.iter()).enumerate() {
                cr[j + q] = lanes.iter().sum::<i32>() + dot(&ar[whole..], &r[whole..]);
            }
            j += 4;
        }
        for (jj, out) in cr.iter_mut().enumerate().skip(j) {
            *out = dot(ar, &b[jj * k..(jj + 1) * k]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn kernel_avx512(s: (usize, usize, usize), a: &[i8], b: &[i8], c: &mut [i32]) {
    kernel(s, a, b, c)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn kernel_avx2(s: (usize, usize, usize), a: &[i8], b: &[i8], c: &mut [i32]) {
    kernel(s, a, b, c)
}

fn pure_i8(s: (usize, usize, usize), a: &[i8], b: &[i8], c: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: the CPU supports AVX-512F/BW (checked just above); the kernel itself is
            // safe code over checked slices.
            unsafe { kernel_avx512(s, a, b, c) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above); the kernel is safe code.
            unsafe { kernel_avx2(s, a, b, c) };
            return;
        }
    }
    kernel(s, a, b, c)
}
