//! The scalar types the engine computes in: `f32` for training, `f64` for gradient checks.

use crate::gemm::Gemm;
use ndarray::NdFloat;

/// A floating-point element type with a GEMM kernel.
pub trait Element: NdFloat + Gemm + Default + Send + Sync {
    /// Converts from `f64` (rounding for `f32`).
    fn lit(x: f64) -> Self;
    /// Converts to `f64` (exact).
    fn as_f64(self) -> f64;

    /// `tanh`, vectorisable: a rational approximation accurate to a few ulp for `f32`, the
    /// standard library's for `f64` (gradient checks and references).
    fn tanh_fast(self) -> Self;

    /// `exp`, vectorisable: for `f32` a polynomial within a few ulp on `[-87.3, 88.3]`, to which
    /// the argument is clamped (NaN stays NaN); the standard library's for `f64`.
    fn exp_fast(self) -> Self;
}

/// Eigen's rational approximation of tanh for f32 (max error a few ulp on the clamped range).
#[inline(always)]
fn tanh_f32(x: f32) -> f32 {
    const A: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_672e-11,
        2.000_188e-13,
        -2.760_768_5e-16,
    ];
    const B: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347e-4, 1.198_258_4e-6];
    let x = x.clamp(-7.905_311, 7.905_311);
    let x2 = x * x;
    let p = x
        * (A[0] + x2 * (A[1] + x2 * (A[2] + x2 * (A[3] + x2 * (A[4] + x2 * (A[5] + x2 * A[6]))))));
    let q = B[0] + x2 * (B[1] + x2 * (B[2] + x2 * B[3]));
    p / q
}

/// Cephes' `expf`: `x = n·ln 2 + r` with `|r| <= ln 2 / 2`, a degree-7 polynomial for `e^r`, and
/// `2^n` put into the exponent bits. Rounding to the nearest `n` adds and subtracts 1.5·2^23 (no
/// rounding instruction is needed, so the loop vectorises without SSE4.1).
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const ROUND: f32 = 12_582_912.0;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.3, 88.3);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_2e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let e = p * r * r + r + 1.0;
    e * f32::from_bits(((n as i32 + 127) << 23) as u32)
}

impl Element for f32 {
    fn lit(x: f64) -> Self {
        x as f32
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn tanh_fast(self) -> Self {
        tanh_f32(self)
    }
    fn exp_fast(self) -> Self {
        exp_f32(self)
    }
}

impl Element for f64 {
    fn lit(x: f64) -> Self {
        x
    }
    fn as_f64(self) -> f64 {
        self
    }
    fn tanh_fast(self) -> Self {
        self.tanh()
    }
    fn exp_fast(self) -> Self {
        self.exp()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_tanh_is_within_a_few_ulp() {
        let mut worst = 0f64;
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let want = (x as f64).tanh();
            worst = worst.max((super::tanh_f32(x) as f64 - want).abs());
        }
        assert!(worst < 5e-7, "max error {worst}");
        assert_eq!(super::tanh_f32(100.0), 1.0);
        assert_eq!(super::tanh_f32(-100.0), -1.0);
    }
}
