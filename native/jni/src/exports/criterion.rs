//! Criterions: create from a description, loss and gradient on a batch.

use crate::arrays::{new_floats, read_bytes, read_tensor};
use crate::error::JniResult;
use crate::guard::guard;
use crate::handle::{borrow_handle, free_handle, into_handle};
use ferrodl_core::criterion::ActivityCriterion;
use ferrodl_core::spec::{build_activity_criterion, decode};
use ferrodl_core::{Activity, Tensor};
use jni::objects::{JByteArray, JClass, JFloatArray, JIntArray};
use jni::sys::{jdouble, jlong};
use jni::EnvUnowned;

/// What a criterion handle points to.
pub type CriterionBox = Box<dyn ActivityCriterion<f32>>;

/// Builds a criterion from an encoded description.
pub fn create(spec: &[u8]) -> JniResult<CriterionBox> {
    Ok(build_activity_criterion::<f32>(&decode(spec)?)?)
}

/// Borrows the criterion behind a handle.
pub fn criterion<'a>(h: jlong) -> JniResult<&'a mut CriterionBox> {
    // SAFETY: criterion handles come from `createCriterion` and are owned by one
    // `NativeCriterion` on the JVM, which frees each once (see `handle`).
    unsafe { borrow_handle::<CriterionBox>(h, "criterion") }
}

/// The loss of tensor `x` against tensor `t`.
pub fn forward(c: &dyn ActivityCriterion<f32>, x: Tensor<f32>, t: Tensor<f32>) -> JniResult<f64> {
    Ok(c.forward(&Activity::Tensor(x), &Activity::Tensor(t))?)
}

/// The gradient of the loss with respect to tensor `x`, as flat data.
pub fn backward(
    c: &dyn ActivityCriterion<f32>,
    x: Tensor<f32>,
    t: Tensor<f32>,
) -> JniResult<Vec<f32>> {
    let name = c.describe();
    let g = c.backward(&Activity::Tensor(x), &Activity::Tensor(t))?;
    Ok(g.tensor(&name)?
        .as_standard_layout()
        .iter()
        .copied()
        .collect())
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_createCriterion<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
) -> jlong {
    guard(env, |env| {
        Ok(into_handle(create(&read_bytes(env, &spec)?)?))
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_freeCriterion<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    guard(env, |_| {
        // SAFETY: the JVM's NativeCriterion.close frees its handle once and never passes it again.
        unsafe { free_handle::<CriterionBox>(h) };
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_criterionForward<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    x: JFloatArray<'l>,
    xs: JIntArray<'l>,
    t: JFloatArray<'l>,
    ts: JIntArray<'l>,
) -> jdouble {
    guard(env, |env| {
        let (x, t) = (
            read_tensor(env, &x, &xs, "criterion")?,
            read_tensor(env, &t, &ts, "criterion")?,
        );
        forward(criterion(h)?.as_ref(), x, t)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_criterionBackward<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    x: JFloatArray<'l>,
    xs: JIntArray<'l>,
    t: JFloatArray<'l>,
    ts: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let (x, t) = (
            read_tensor(env, &x, &xs, "criterion")?,
            read_tensor(env, &t, &ts, "criterion")?,
        );
        new_floats(env, &backward(criterion(h)?.as_ref(), x, t)?)
    })
}
