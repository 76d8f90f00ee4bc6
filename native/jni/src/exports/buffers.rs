//! Passes over the driver's flat buffers (the summed gradient, the updated weights, bfloat16
//! packed gradients), run natively because they are vectorised here and in place in the Java
//! array.

use crate::arrays::{with_floats, with_u16s};
use crate::error::JniResult;
use crate::guard::guard;
use ferrodl_core::bf16;
use ferrodl_core::tensor::{first_non_finite, scale_first_non_finite};
use jni::objects::{JClass, JFloatArray, JShortArray, ReleaseMode};
use jni::sys::{jfloat, jint};
use jni::EnvUnowned;

/// An index for Java, -1 for none (Java arrays are indexed by `int`, so every index fits).
fn index_or_minus_one(i: Option<usize>) -> jint {
    i.and_then(|i| jint::try_from(i).ok()).unwrap_or(-1)
}

/// The index of the first NaN or infinity of `values`, or -1.
pub fn first_non_finite_index(values: &[f32]) -> JniResult<jint> {
    Ok(index_or_minus_one(first_non_finite(values)))
}

/// Multiplies `values` by `scale` in place; the index of the first non-finite result, or -1.
pub fn scale_and_check(values: &mut [f32], scale: f32) -> JniResult<jint> {
    Ok(index_or_minus_one(scale_first_non_finite(values, scale)))
}

/// Packs `src` into bfloat16 bits in `dst` (same length).
pub fn pack_bf16(src: &[f32], dst: &mut [u16]) -> JniResult<()> {
    Ok(bf16::pack(src, dst)?)
}

/// Adds the bfloat16 values `src` into `dst` (same length).
pub fn add_bf16(src: &[u16], dst: &mut [f32]) -> JniResult<()> {
    Ok(bf16::add_unpacked(src, dst)?)
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_packBf16<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    src: JFloatArray<'l>,
    dst: JShortArray<'l>,
) {
    guard(env, |env| {
        with_floats(env, &src, ReleaseMode::NoCopyBack, |s| {
            with_u16s(env, &dst, ReleaseMode::CopyBack, |d| pack_bf16(s, d))?
        })?
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_addBf16<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    src: JShortArray<'l>,
    dst: JFloatArray<'l>,
) {
    guard(env, |env| {
        with_u16s(env, &src, ReleaseMode::NoCopyBack, |s| {
            with_floats(env, &dst, ReleaseMode::CopyBack, |d| add_bf16(s, d))?
        })?
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_firstNonFinite<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    values: JFloatArray<'l>,
) -> jint {
    guard(env, |env| {
        with_floats(env, &values, ReleaseMode::NoCopyBack, |v| {
            first_non_finite_index(v)
        })?
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_scaleFirstNonFinite<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    values: JFloatArray<'l>,
    scale: jfloat,
) -> jint {
    guard(env, |env| {
        with_floats(env, &values, ReleaseMode::CopyBack, |v| {
            scale_and_check(v, scale)
        })?
    })
}
