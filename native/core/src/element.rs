//! The scalar types the engine computes in: `f32` for training, `f64` for gradient checks.

use crate::gemm::Gemm;
use ndarray::NdFloat;

/// A floating-point element type with a GEMM kernel.
pub trait Element: NdFloat + Gemm + Default + Send + Sync {
    /// Converts from `f64` (rounding for `f32`).
    fn lit(x: f64) -> Self;
    /// Converts to `f64` (exact).
    fn as_f64(self) -> f64;
}

impl Element for f32 {
    fn lit(x: f64) -> Self {
        x as f32
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Element for f64 {
    fn lit(x: f64) -> Self {
        x
    }
    fn as_f64(self) -> f64 {
        self
    }
}
