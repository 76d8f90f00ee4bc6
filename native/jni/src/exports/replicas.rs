//! Local training's replicas (one model per thread in this JVM): their gradients are added up
//! natively into the driver's array, so that none of them is copied out on its own.

use crate::arrays::with_floats;
use crate::error::{JniError, JniResult};
use crate::exports::model::model;
use crate::guard::guard;
use ferrodl_core::Model;
use jni::objects::{JClass, JFloatArray, JLongArray, ReleaseMode};
use jni::EnvUnowned;

/// Writes the sum of the gradient buffers of the models `handles` into `dst` (zeros for none).
/// Every model must have `dst.len()` parameters, and no handle may appear twice.
pub fn sum_gradients(handles: &[i64], dst: &mut [f32]) -> JniResult<()> {
    for (i, h) in handles.iter().enumerate() {
        if handles[..i].contains(h) {
            return Err(JniError::InvalidArgument {
                op: "sumGradients",
                reason: format!("model handle {h:#x} appears twice"),
            });
        }
    }
    let models = handles
        .iter()
        .map(|&h| model(h).map(|m| &*m))
        .collect::<JniResult<Vec<&Model<f32>>>>()?;
    for m in &models {
        if m.grads().len() != dst.len() {
            return Err(ferrodl_core::Error::BufferSize {
                op: "sumGradients".into(),
                what: "gradient".into(),
                expected: m.grads().len(),
                actual: dst.len(),
            }
            .into());
        }
    }
    match models.as_slice() {
        [] => dst.fill(0.0),
        [a] => dst.copy_from_slice(a.grads()),
        [a, b, rest @ ..] => {
            for ((d, &x), &y) in dst.iter_mut().zip(a.grads()).zip(b.grads()) {
                *d = x + y;
            }
            for m in rest {
                for (d, &x) in dst.iter_mut().zip(m.grads()) {
                    *d += x;
                }
            }
        }
    }
    Ok(())
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_sumGradients<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    models: JLongArray<'l>,
    dst: JFloatArray<'l>,
) {
    guard(env, |env| {
        let mut handles = vec![0i64; models.len(env)?];
        models.get_region(env, 0, &mut handles)?;
        with_floats(env, &dst, ReleaseMode::CopyBack, |d| {
            sum_gradients(&handles, d)
        })?
    })
}
