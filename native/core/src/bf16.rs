//! bfloat16 packing of gradients for the trip from executors to the driver (`Optimizer`'s
//! gradient compression): the upper 16 bits of an f32, rounded to nearest even. Halves the bytes
//! Spark moves per iteration at a relative error of at most 2^-8 per value (8 significant bits).

/// `v` as bfloat16 bits, rounded to nearest even. NaN stays NaN (quiet), infinities stay
/// infinite, and finite values beyond bfloat16's range round to infinity as IEEE rounding does.
#[inline]
pub fn to_bf16(v: f32) -> u16 {
    let bits = v.to_bits();
    if v.is_nan() {
        // Keep the sign and force a quiet NaN: truncation alone could clear every mantissa bit.
        return ((bits >> 16) as u16) | 0x0040;
    }
    let round = 0x7fff + ((bits >> 16) & 1);
    (bits.wrapping_add(round) >> 16) as u16
}

/// The f32 that bfloat16 bits `b` stand for (exact).
#[inline]
pub fn from_bf16(b: u16) -> f32 {
    f32::from_bits((b as u32) << 16)
}

/// Packs `src` into `dst` (same length).
pub fn pack(src: &[f32], dst: &mut [u16]) -> crate::Result<()> {
    check("bf16 pack", src.len(), dst.len())?;
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = to_bf16(s);
    }
    Ok(())
}

/// Adds the unpacked values of `src` into `dst` (same length).
pub fn add_unpacked(src: &[u16], dst: &mut [f32]) -> crate::Result<()> {
    check("bf16 add", src.len(), dst.len())?;
    for (d, &s) in dst.iter_mut().zip(src) {
        *d += from_bf16(s);
    }
    Ok(())
}

fn check(op: &str, src: usize, dst: usize) -> crate::Result<()> {
    if src == dst {
        Ok(())
    } else {
        Err(crate::Error::BufferSize {
            op: op.into(),
            what: "destination".into(),
            expected: src,
            actual: dst,
        })
    }
}
