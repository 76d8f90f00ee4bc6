//! Copies between Java arrays and Rust buffers: one region copy per array, never per element.

use crate::error::{JniError, JniResult};
use ferrodl_core::tensor::{from_vec, Tensor};
use jni::objects::{
    JByteArray, JDoubleArray, JFloatArray, JIntArray, JPrimitiveArray, JShortArray, ReleaseMode,
    TypeArray,
};
use jni::Env;

/// A Java `float[]` as a `Vec<f32>`.
pub fn read_floats(env: &Env<'_>, arr: &JFloatArray<'_>) -> JniResult<Vec<f32>> {
    let mut v = vec![0f32; arr.len(env)?];
    arr.get_region(env, 0, &mut v)?;
    Ok(v)
}

/// Runs `f` on the elements of a Java primitive array in place, without a copy where the JVM
/// allows (HotSpot pins the array for a JNI critical section). `mode` says whether changes are
/// kept.
///
/// `f` must be plain computation: no JNI call and nothing that waits for another Java thread
/// (the JVM may hold back garbage collection until it returns). Two of these may nest, as the
/// optimiser's step does for weights and gradients.
pub fn with_elements<T: TypeArray, R>(
    env: &Env<'_>,
    arr: &JPrimitiveArray<'_, T>,
    mode: ReleaseMode,
    f: impl FnOnce(&mut [T]) -> R,
) -> JniResult<R> {
    if arr.len(env)? == 0 {
        return Ok(f(&mut []));
    }
    // SAFETY: the critical section lasts while `elements` lives, which is the call of `f` only;
    // `f` makes no JNI call and does not block on Java threads (this function's contract). When
    // nested, the only JNI calls inside the outer section are the inner one's GetArrayLength and
    // Get/ReleasePrimitiveArrayCritical, which the JNI specification and HotSpot allow there.
    let mut elements = unsafe { arr.get_elements_critical(env, mode)? };
    Ok(f(&mut elements))
}

/// [`with_elements`] for a Java `float[]`.
pub fn with_floats<R>(
    env: &Env<'_>,
    arr: &JFloatArray<'_>,
    mode: ReleaseMode,
    f: impl FnOnce(&mut [f32]) -> R,
) -> JniResult<R> {
    with_elements(env, arr, mode, f)
}

/// [`with_elements`] for a Java `short[]` seen as the `u16` bit patterns it holds (bfloat16).
pub fn with_u16s<R>(
    env: &Env<'_>,
    arr: &JShortArray<'_>,
    mode: ReleaseMode,
    f: impl FnOnce(&mut [u16]) -> R,
) -> JniResult<R> {
    with_elements(env, arr, mode, |s: &mut [i16]| {
        // SAFETY: i16 and u16 have the same size and alignment and every bit pattern is valid
        // for both; the new slice covers exactly the memory of `s` and replaces it for `f`.
        let u = unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u16>(), s.len()) };
        f(u)
    })
}

/// [`write_floats`], unless `arr` is null (the caller does not want the values).
pub fn write_floats_if_wanted(
    env: &Env<'_>,
    arr: &JFloatArray<'_>,
    data: &[f32],
    op: &'static str,
) -> JniResult<()> {
    if arr.is_null() {
        Ok(())
    } else {
        write_floats(env, arr, data, op)
    }
}

/// Copies `data` into a Java `float[]` of exactly the same length.
pub fn write_floats(
    env: &Env<'_>,
    arr: &JFloatArray<'_>,
    data: &[f32],
    op: &'static str,
) -> JniResult<()> {
    let n = arr.len(env)?;
    if n != data.len() {
        return Err(ferrodl_core::Error::BufferSize {
            op: op.into(),
            what: "output".into(),
            expected: data.len(),
            actual: n,
        }
        .into());
    }
    arr.set_region(env, 0, data)?;
    Ok(())
}

/// A new Java `float[]` holding `data`.
pub fn new_floats<'local>(env: &mut Env<'local>, data: &[f32]) -> JniResult<JFloatArray<'local>> {
    let arr = JFloatArray::new(env, data.len())?;
    arr.set_region(env, 0, data)?;
    Ok(arr)
}

/// A new Java `double[]` holding `data`.
pub fn new_doubles<'local>(env: &mut Env<'local>, data: &[f64]) -> JniResult<JDoubleArray<'local>> {
    let arr = JDoubleArray::new(env, data.len())?;
    arr.set_region(env, 0, data)?;
    Ok(arr)
}

/// A new Java `int[]` holding `data` (dimensions beyond `i32` are an error).
pub fn new_ints<'local>(env: &mut Env<'local>, data: &[usize]) -> JniResult<JIntArray<'local>> {
    let v = data
        .iter()
        .map(|&d| i32::try_from(d))
        .collect::<Result<Vec<i32>, _>>()
        .map_err(|_| JniError::InvalidArgument {
            op: "shape",
            reason: "dimension exceeds int".into(),
        })?;
    let arr = JIntArray::new(env, v.len())?;
    arr.set_region(env, 0, &v)?;
    Ok(arr)
}

/// A Java `int[]` as `i32`s.
pub fn read_ints(env: &Env<'_>, arr: &JIntArray<'_>) -> JniResult<Vec<i32>> {
    let mut v = vec![0i32; arr.len(env)?];
    arr.get_region(env, 0, &mut v)?;
    Ok(v)
}

/// A new Java `int[]` holding `data`.
pub fn new_i32s<'local>(env: &mut Env<'local>, data: &[i32]) -> JniResult<JIntArray<'local>> {
    let arr = JIntArray::new(env, data.len())?;
    arr.set_region(env, 0, data)?;
    Ok(arr)
}

/// A Java `byte[]` as bytes.
pub fn read_bytes(env: &Env<'_>, arr: &JByteArray<'_>) -> JniResult<Vec<u8>> {
    Ok(env.convert_byte_array(arr)?)
}

/// A Java `float[]` and `int[]` shape as a tensor (the element count must match the shape).
pub fn read_tensor(
    env: &Env<'_>,
    data: &JFloatArray<'_>,
    shape: &JIntArray<'_>,
    op: &'static str,
) -> JniResult<Tensor<f32>> {
    let mut dims = vec![0i32; shape.len(env)?];
    shape.get_region(env, 0, &mut dims)?;
    let dims = dims
        .iter()
        .map(|&d| usize::try_from(d))
        .collect::<Result<Vec<usize>, _>>()
        .map_err(|_| JniError::InvalidArgument {
            op,
            reason: format!("negative dimension in shape {dims:?}"),
        })?;
    Ok(from_vec(op, &dims, read_floats(env, data)?)?)
}
