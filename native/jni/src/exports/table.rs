//! Forward and backward with tables: an activity crosses as one `float[]` of all its tensors'
//! elements and one `int[]` layout (see `ferrodl_core::Activity::encode`).

use crate::arrays::{
    new_doubles, new_floats, new_i32s, read_floats, read_ints, write_floats_if_wanted,
};
use crate::error::JniResult;
use crate::exports::criterion::criterion;
use crate::exports::model::model;
use crate::exports::model::train_batch;
use crate::guard::guard;
use ferrodl_core::{Activity, Error, Model};
use jni::objects::{JClass, JDoubleArray, JFloatArray, JIntArray};
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

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_trainBatchTable<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    crit: jlong,
    x: JFloatArray<'l>,
    x_layout: JIntArray<'l>,
    t: JFloatArray<'l>,
    t_layout: JIntArray<'l>,
    grads_out: JFloatArray<'l>,
    seed: jlong,
) -> JDoubleArray<'l> {
    guard(env, |env| {
        let x = Activity::decode(&read_ints(env, &x_layout)?, &read_floats(env, &x)?)?;
        let t = Activity::decode(&read_ints(env, &t_layout)?, &read_floats(env, &t)?)?;
        let loss = train_batch(model(h)?, criterion(crit)?.as_ref(), x, t, seed)?;
        write_floats_if_wanted(env, &grads_out, model(h)?.grads(), "trainBatchTable")?;
        new_doubles(env, &[loss.sum, loss.norm])
    })
}

/// A criterion's loss on a tensor or table input and target.
pub fn criterion_forward_table(
    c: &dyn ferrodl_core::criterion::ActivityCriterion<f32>,
    x: (&[f32], &[i32]),
    t: (&[f32], &[i32]),
) -> JniResult<f64> {
    Ok(c.forward(&Activity::decode(x.1, x.0)?, &Activity::decode(t.1, t.0)?)?)
}

/// A criterion's input gradient, laid out as the input.
pub fn criterion_backward_table(
    c: &dyn ferrodl_core::criterion::ActivityCriterion<f32>,
    x: (&[f32], &[i32]),
    t: (&[f32], &[i32]),
) -> JniResult<Vec<f32>> {
    let g = c.backward(&Activity::decode(x.1, x.0)?, &Activity::decode(t.1, t.0)?)?;
    let (mut l, mut d) = (Vec::new(), Vec::new());
    g.encode(&mut l, &mut d);
    Ok(d)
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_criterionForwardTable<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    x: JFloatArray<'l>,
    xl: JIntArray<'l>,
    t: JFloatArray<'l>,
    tl: JIntArray<'l>,
) -> jni::sys::jdouble {
    guard(env, |env| {
        let (x, xl) = (read_floats(env, &x)?, read_ints(env, &xl)?);
        let (t, tl) = (read_floats(env, &t)?, read_ints(env, &tl)?);
        criterion_forward_table(criterion(h)?.as_ref(), (&x, &xl), (&t, &tl))
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_criterionBackwardTable<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    x: JFloatArray<'l>,
    xl: JIntArray<'l>,
    t: JFloatArray<'l>,
    tl: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let (x, xl) = (read_floats(env, &x)?, read_ints(env, &xl)?);
        let (t, tl) = (read_floats(env, &t)?, read_ints(env, &tl)?);
        let g = criterion_backward_table(criterion(h)?.as_ref(), (&x, &xl), (&t, &tl))?;
        new_floats(env, &g)
    })
}
