//! Runtime CPU dispatch for the engine's element-wise loops.
//!
//! The library is built for baseline x86-64 (SSE2) so one jar runs on every executor. The GEMM
//! kernels pick their instruction set at run time; the element-wise loops of activations, LSTM
//! gates and pooling would otherwise stay at 4-wide SSE2. [`vectorized`] runs a closure compiled a
//! second time with AVX2 enabled, when the CPU has it, so those loops use 8-wide registers.
//!
//! Results do not depend on the path taken: the compiler may not contract `a * b + c` into a
//! fused multiply-add or reorder floating-point sums, so a wider loop computes every element
//! with the same operations in the same order. Only the code inlined into the closure is
//! compiled for AVX2, so callers mark the closure `#[inline(always)]` and put the loop itself (or
//! `#[inline(always)]` helpers) inside it: `simd::vectorized(#[inline(always)] || ...)`.
//!
//! `FERRODL_SIMD=off` forces the baseline path (for measuring what the wide one gains).

use once_cell::sync::Lazy;

/// Whether [`vectorized`] takes the AVX2 path: the CPU has AVX2 and `FERRODL_SIMD` is not `off`.
static WIDE: Lazy<bool> = Lazy::new(|| {
    let off = std::env::var("FERRODL_SIMD")
        .map(|v| v.trim().eq_ignore_ascii_case("off"))
        .unwrap_or(false);
    !off && cpu_has_avx2()
});

#[cfg(target_arch = "x86_64")]
fn cpu_has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_avx2() -> bool {
    false
}

/// The instruction set [`vectorized`] uses: `"avx2"` or `"baseline"`.
pub fn level() -> &'static str {
    if *WIDE {
        "avx2"
    } else {
        "baseline"
    }
}

/// Runs `f`, compiled for AVX2 when this CPU has it (see the module documentation).
#[inline(always)]
pub fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if *WIDE {
        // SAFETY: `WIDE` is true only when `is_x86_feature_detected!("avx2")` returned true, so
        // the instructions `avx2` is compiled with exist on this CPU.
        return unsafe { avx2(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_paths_compute_the_same_bits() {
        let x: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.013).collect();
        let body = |v: &[f32]| -> Vec<f32> {
            v.iter()
                .map(|&a| a * 1.5 + a * a - 1.0 / (1.0 + a.abs()))
                .collect()
        };
        let wide = vectorized(|| body(&x));
        assert_eq!(wide, body(&x));
        assert!(["avx2", "baseline"].contains(&level()));
    }
}
