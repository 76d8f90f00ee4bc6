//! Int8 inference: the quantized description and weights of a model (`model.quantize()`).

use crate::arrays::{new_floats, read_bytes, read_floats};
use crate::error::JniResult;
use crate::guard::guard;
use ferrodl_core::nn::quantized::quantize;
use ferrodl_core::spec::{decode, encode};
use jni::objects::{JByteArray, JClass, JFloatArray};
use jni::EnvUnowned;

/// The encoded description of the quantized model.
pub fn quantized_spec(spec: &[u8], weights: &[f32]) -> JniResult<Vec<u8>> {
    let (node, _) = quantize(&decode(spec)?, weights)?;
    Ok(encode(&node))
}

/// The flat weights of the quantized model (codes, scales and biases; other layers unchanged).
pub fn quantized_weights(spec: &[u8], weights: &[f32]) -> JniResult<Vec<f32>> {
    Ok(quantize(&decode(spec)?, weights)?.1)
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_quantizeSpec<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
    weights: JFloatArray<'l>,
) -> JByteArray<'l> {
    guard(env, |env| {
        let q = quantized_spec(&read_bytes(env, &spec)?, &read_floats(env, &weights)?)?;
        Ok(env.byte_array_from_slice(&q)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_quantizeWeights<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
    weights: JFloatArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let q = quantized_weights(&read_bytes(env, &spec)?, &read_floats(env, &weights)?)?;
        new_floats(env, &q)
    })
}
