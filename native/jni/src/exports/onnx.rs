//! ONNX: export a model (description, weights, buffers) to ONNX bytes, and import ONNX bytes
//! into a description with its weights and buffers (`saveONNX`, `Module.loadONNX`).

use crate::arrays::{new_floats, read_bytes, read_floats};
use crate::error::JniResult;
use crate::guard::guard;
use ferrodl_core::onnx::{export_onnx, import_onnx};
use ferrodl_core::spec::{decode, encode};
use jni::objects::{JByteArray, JClass, JFloatArray};
use jni::sys::jboolean;
use jni::EnvUnowned;

/// The ONNX bytes of an encoded description with its flat weights and buffers.
pub fn export(spec: &[u8], weights: &[f32], buffers: &[f32]) -> JniResult<Vec<u8>> {
    Ok(export_onnx(&decode(spec)?, weights, buffers)?)
}

/// The encoded description of an ONNX model.
pub fn import_spec(onnx: &[u8]) -> JniResult<Vec<u8>> {
    Ok(encode(&import_onnx(onnx)?.spec))
}

/// The flat weights (or, with `buffers`, the buffers) of an ONNX model in ferrodl's layout.
pub fn import_floats(onnx: &[u8], buffers: bool) -> JniResult<Vec<f32>> {
    let imported = import_onnx(onnx)?;
    Ok(if buffers {
        imported.buffers
    } else {
        imported.weights
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_exportOnnx<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
    weights: JFloatArray<'l>,
    buffers: JFloatArray<'l>,
) -> JByteArray<'l> {
    guard(env, |env| {
        let (w, b) = (read_floats(env, &weights)?, read_floats(env, &buffers)?);
        let bytes = export(&read_bytes(env, &spec)?, &w, &b)?;
        Ok(env.byte_array_from_slice(&bytes)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_importOnnxSpec<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    onnx: JByteArray<'l>,
) -> JByteArray<'l> {
    guard(env, |env| {
        let spec = import_spec(&read_bytes(env, &onnx)?)?;
        Ok(env.byte_array_from_slice(&spec)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_importOnnxFloats<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    onnx: JByteArray<'l>,
    buffers: jboolean,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let v = import_floats(&read_bytes(env, &onnx)?, buffers)?;
        new_floats(env, &v)
    })
}
