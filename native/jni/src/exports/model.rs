//! Models: create from a description, move flat buffers, forward, backward and train on a batch.

use crate::arrays::{
    new_doubles, new_floats, new_ints, read_bytes, read_tensor, with_floats, write_floats,
    write_floats_if_wanted,
};
use crate::error::JniResult;
use crate::exports::criterion::criterion;
use crate::guard::guard;
use crate::handle::{borrow_handle, free_handle, into_handle};
use ferrodl_core::criterion::{ActivityCriterion, LossSum};
use ferrodl_core::spec::{build_block, decode};
use ferrodl_core::{Activity, Model, Tensor};
use jni::objects::{
    JByteArray, JClass, JDoubleArray, JFloatArray, JIntArray, JString, ReleaseMode,
};
use jni::sys::{jboolean, jlong};
use jni::EnvUnowned;

const KIND: &str = "model";

/// Builds a model from an encoded description, initialised from `seed`.
pub fn create(spec: &[u8], seed: i64) -> JniResult<Model<f32>> {
    let module = build_block::<f32>(&decode(spec)?)?;
    Ok(Model::from_block(module, seed as u64)?)
}

/// Runs a forward pass; returns the output's data and shape.
pub fn forward(model: &mut Model<f32>, input: Tensor<f32>) -> JniResult<Vec<f32>> {
    let y = model.forward(input)?;
    Ok(y.as_standard_layout().iter().copied().collect())
}

/// The shape of the last output.
pub fn output_shape(model: &Model<f32>) -> JniResult<Vec<usize>> {
    model
        .output()
        .map(|y| y.shape().to_vec())
        .ok_or_else(|| ferrodl_core::Error::state("outputShape", "no forward pass yet").into())
}

/// Backpropagates; returns the gradient with respect to the last input.
pub fn backward(model: &mut Model<f32>, grad_output: Tensor<f32>) -> JniResult<Vec<f32>> {
    let gx = model.backward(&grad_output)?;
    Ok(gx.as_standard_layout().iter().copied().collect())
}

/// Zeroes the gradients and accumulates those of the summed loss on one batch.
/// Re-seeds the model's random streams (Dropout) with `seed`, zeroes the gradients and
/// accumulates those of the summed loss on one batch.
pub fn train_batch(
    model: &mut Model<f32>,
    crit: &dyn ActivityCriterion<f32>,
    input: Activity<f32>,
    target: Activity<f32>,
    seed: i64,
) -> JniResult<LossSum> {
    model.reseed(seed as u64);
    Ok(model.train_batch_activity(crit, input, &target)?)
}

/// Replaces the weights (the whole flat buffer).
pub fn set_weights(h: jlong, weights: &[f32]) -> JniResult<()> {
    Ok(model(h)?.set_weights(weights)?)
}

/// Replaces the buffers (running statistics; the whole flat buffer).
pub fn set_buffers(h: jlong, buffers: &[f32]) -> JniResult<()> {
    Ok(model(h)?.set_buffers(buffers)?)
}

pub(crate) fn model<'a>(h: jlong) -> JniResult<&'a mut Model<f32>> {
    // SAFETY: model handles come from `createModel` and are owned by one `NativeModel` on the
    // JVM, which serialises calls and frees the handle once (see `handle`).
    unsafe { borrow_handle::<Model<f32>>(h, KIND) }
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_createModel<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
    seed: jlong,
) -> jlong {
    guard(env, |env| {
        Ok(into_handle(create(&read_bytes(env, &spec)?, seed)?))
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_freeModel<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    guard(env, |_| {
        // SAFETY: the JVM's NativeModel.close frees its handle once and never passes it again.
        unsafe { free_handle::<Model<f32>>(h) };
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_describe<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JString<'l> {
    guard(env, |env| Ok(JString::from_str(env, model(h)?.describe())?))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_numParams<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> jlong {
    guard(env, |_| Ok(model(h)?.num_params() as jlong))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_getWeights<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    out: JFloatArray<'l>,
) {
    guard(env, |env| {
        write_floats(env, &out, model(h)?.weights(), "getWeights")
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_setWeights<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    w: JFloatArray<'l>,
) {
    guard(env, |env| {
        with_floats(env, &w, ReleaseMode::NoCopyBack, |v| set_weights(h, v))?
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_getGradients<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    out: JFloatArray<'l>,
) {
    guard(env, |env| {
        write_floats(env, &out, model(h)?.grads(), "getGradients")
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_numBuffers<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> jlong {
    guard(env, |_| Ok(model(h)?.buffers().len() as jlong))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_getBuffers<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    out: JFloatArray<'l>,
) {
    guard(env, |env| {
        write_floats(env, &out, &model(h)?.buffers(), "getBuffers")
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_setBuffers<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    b: JFloatArray<'l>,
) {
    guard(env, |env| {
        with_floats(env, &b, ReleaseMode::NoCopyBack, |v| set_buffers(h, v))?
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_zeroGradients<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    guard(env, |_| {
        model(h)?.zero_grad();
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_setTraining<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    training: jboolean,
) {
    guard(env, |_| {
        model(h)?.set_training(training);
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_forward<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    x: JFloatArray<'l>,
    shape: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let y = forward(model(h)?, read_tensor(env, &x, &shape, "forward")?)?;
        new_floats(env, &y)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_outputShape<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JIntArray<'l> {
    guard(env, |env| new_ints(env, &output_shape(model(h)?)?))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_backward<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    g: JFloatArray<'l>,
    shape: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let gx = backward(model(h)?, read_tensor(env, &g, &shape, "backward")?)?;
        new_floats(env, &gx)
    })
}

#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_trainBatch<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    crit: jlong,
    x: JFloatArray<'l>,
    x_shape: JIntArray<'l>,
    t: JFloatArray<'l>,
    t_shape: JIntArray<'l>,
    grads_out: JFloatArray<'l>,
    seed: jlong,
) -> JDoubleArray<'l> {
    guard(env, |env| {
        let x = Activity::Tensor(read_tensor(env, &x, &x_shape, "trainBatch")?);
        let t = Activity::Tensor(read_tensor(env, &t, &t_shape, "trainBatch")?);
        let loss = train_batch(model(h)?, criterion(crit)?.as_ref(), x, t, seed)?;
        write_floats_if_wanted(env, &grads_out, model(h)?.grads(), "trainBatch")?;
        new_doubles(env, &[loss.sum, loss.norm])
    })
}
