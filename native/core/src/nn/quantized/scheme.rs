//! The int8 quantization scheme: symmetric, per output channel for weights (calibrated once from
//! the weights), per sample for activations (at run time).
//!
//! A real value `v` with scale `s` is stored as `q = round(v / s)` clamped to `-127..=127` and
//! stands for `s · q`. Weights: `s_w[o] = max|w[o, ·]| / 127`; a channel of zeros gets scale 0
//! and zero codes. Activations: `s_x = max|x| / 127` over one sample; an all-zero sample gets
//! scale 1. The int8 product `Σ q_x·q_w` is exact in `i32`, and `y = s_x · s_w[o] · Σ + b[o]`.
//!
//! Error bound, per output: with `|x - s_x q_x| ≤ s_x/2` and `|w - s_w q_w| ≤ s_w/2`,
//! `|y_float - y_int8| ≤ (s_x/2)·Σ|w| + (s_w/2)·Σ|s_x q_x|` (plus float rounding);
//! see [`error_bound`].

use crate::element::Element;
use crate::error::{Error, Result};

/// The largest code; -128 is never used, so the scheme is symmetric.
pub const QMAX: f32 = 127.0;

/// Per-row scales of a `[rows, cols]` weight matrix and its codes (integers in `-127..=127`,
/// returned as f32 to live in the model's flat buffer).
pub fn quantize_weights(w: &[f32], rows: usize, cols: usize) -> (Vec<f32>, Vec<f32>) {
    let mut codes = vec![0f32; rows * cols];
    let mut scales = vec![0f32; rows];
    for ((row, out), s) in w
        .chunks_exact(cols.max(1))
        .zip(codes.chunks_exact_mut(cols.max(1)))
        .zip(scales.iter_mut())
    {
        let max = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        if max > 0.0 && max.is_finite() {
            *s = max / QMAX;
            for (o, v) in out.iter_mut().zip(row) {
                *o = (v / *s).round().clamp(-QMAX, QMAX);
            }
        }
    }
    (codes, scales)
}

/// The weight codes of a layer's parameters as `i8`. Codes are clamped, so any buffer a user
/// sets (even a non-integer or out-of-range one) gives a well-defined, bounded result.
pub fn weight_codes<T: Element>(params: &[T]) -> Vec<i8> {
    params.iter().map(|v| code(v.as_f64() as f32)).collect()
}

/// `v` rounded half away from zero and clamped to `-127..=127` (NaN gives 0), without a libm
/// call so that the loops around it vectorise.
#[inline(always)]
pub fn code(v: f32) -> i8 {
    (v + 0.5f32.copysign(v)).clamp(-QMAX, QMAX) as i8
}

/// Quantizes one sample `x` into `out` and returns its scale; fails naming `layer` when `x`
/// holds NaN or infinity (no scale can represent it).
pub fn quantize_sample<T: Element>(layer: &str, x: &[T], out: &mut [i8]) -> Result<f32> {
    // Branch-free: the largest magnitude, and whether any exponent is all ones (NaN or inf).
    let (mut max, mut special) = (0f32, 0u32);
    for v in x {
        let a = (v.as_f64() as f32).abs();
        max = max.max(a);
        special |= u32::from(a.to_bits() >= 0x7f80_0000);
    }
    if special != 0 {
        return Err(Error::invalid(
            layer,
            "input holds NaN or infinity, which int8 cannot represent",
        ));
    }
    let scale = if max > 0.0 { max / QMAX } else { 1.0 };
    let inv = 1.0 / scale;
    for (o, v) in out.iter_mut().zip(x) {
        *o = code((v.as_f64() as f32) * inv);
    }
    Ok(scale)
}

/// The bound of the module docs for one output: `x` the float input row, `w` the float weight row.
pub fn error_bound(x: &[f32], w: &[f32]) -> f32 {
    let sx = x.iter().fold(0f32, |m, v| m.max(v.abs())) / QMAX;
    let sw = w.iter().fold(0f32, |m, v| m.max(v.abs())) / QMAX;
    let w1: f32 = w.iter().map(|v| v.abs()).sum();
    let x1: f32 = x.iter().map(|v| v.abs() + sx / 2.0).sum();
    sx / 2.0 * w1 + sw / 2.0 * x1
}

/// The error every backward pass of a quantized layer returns.
pub fn inference_only(layer: &str) -> Error {
    Error::state(
        layer,
        "quantized layers are inference-only: backward and training are not supported \
         (train the float model, then quantize() it)",
    )
}

/// Fills a quantized layer's parameters `[codes, scales, bias]` from a float initialisation of
/// `[weight, bias]`, so a quantized layer built from a bare description is usable.
pub fn init_from_float<T: Element>(
    params: &mut [T],
    (rows, cols): (usize, usize),
    fan_in: usize,
    rng: &mut crate::rng::Rng,
) {
    let stdv = 1.0 / (fan_in.max(1) as f64).sqrt();
    let w: Vec<f32> = (0..rows * cols)
        .map(|_| rng.uniform(-stdv, stdv) as f32)
        .collect();
    let (codes, scales) = quantize_weights(&w, rows, cols);
    let floats = codes.into_iter().chain(scales);
    for (p, v) in params.iter_mut().zip(floats) {
        *p = T::lit(v as f64);
    }
    for p in params.iter_mut().skip(rows * cols + rows) {
        *p = T::lit(rng.uniform(-stdv, stdv));
    }
}
