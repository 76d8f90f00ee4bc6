//! Forward and backward with tables: an activity crosses as one `float[]` of all its tensors'
//! elements and one `int[]` layout (see `ferrodl_core::Activity::encode`).

use crate::arrays::{new_floats, new_i32s, read_floats, read_ints};
use crate::error::JniResult;
use crate::exports::model::model;
use crate::guard::guard;
use ferrodl_core::{Activity, Error, Model};
use jni::objects::{JClass, JFloatArray, JIntArray};
use jni::sys::jlong;
use jni::EnvUnowned;

/// Forward on a tensor or table; returns the output's elements (its layout: [`output_layout`]).
pub fn forward_table(model: &mut Model<f32>, data: &[f32], layout: &[i32]) -> JniResult<Vec<f32>> {
    let y = model.forward_activity(Activity::decode(layout, data)?)?;
    let (mut l, mut d) = (Vec::new(), Vec::new());
    y.encode(&mut l, &mut d);
    Ok(d)
}

/// The layout of the last output.
pub fn output_layout(model: &Model<f32>) -> JniResult<Vec<i32>> {
    let y = model
        .output_activity()
        .ok_or_else(|| Error::state("outputLayout", "no forward pass yet"))?;
    let (mut l, mut d) = (Vec::new(), Vec::new());
    y.encode(&mut l, &mut d);
    Ok(l)
}

/// Backward with a tensor or table gradient; returns the input gradient's elements (laid out
/// as the last input).
pub fn backward_table(model: &mut Model<f32>, data: &[f32], layout: &[i32]) -> JniResult<Vec<f32>> {
    let g = model.backward_activity(&Activity::decode(layout, data)?)?;
    let (mut l, mut d) = (Vec::new(), Vec::new());
    g.encode(&mut l, &mut d);
    Ok(d)
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_forwardTable<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    data: JFloatArray<'l>,
    layout: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let y = forward_table(
            model(h)?,
            &read_floats(env, &data)?,
            &read_ints(env, &layout)?,
        )?;
        new_floats(env, &y)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_outputLayout<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JIntArray<'l> {
    guard(env, |env| new_i32s(env, &output_layout(model(h)?)?))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_backwardTable<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    data: JFloatArray<'l>,
    layout: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let g = backward_table(
            model(h)?,
            &read_floats(env, &data)?,
            &read_ints(env, &layout)?,
        )?;
        new_floats(env, &g)
    })
}
