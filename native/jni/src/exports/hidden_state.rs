//! BigDL's `getHiddenState` / `setHiddenState` on a Recurrent or BiRecurrent inside a model,
//! found by its child path from the root (see `Model::hidden_state_at`). A layer's states cross
//! as one `float[]` of every cell's `[batch, state_size]` state, one after another.

use crate::arrays::{new_floats, new_ints, read_floats, read_ints};
use crate::error::{JniError, JniResult};
use crate::exports::model::model;
use crate::guard::guard;
use ferrodl_core::Model;
use jni::objects::{JClass, JFloatArray, JIntArray};
use jni::sys::jlong;
use jni::EnvUnowned;

/// A child path from the JVM (non-negative indices).
fn path(p: &[i32]) -> JniResult<Vec<usize>> {
    p.iter()
        .map(|&i| {
            usize::try_from(i).map_err(|_| JniError::InvalidArgument {
                op: "hiddenState",
                reason: format!("negative index {i} in a child path or length"),
            })
        })
        .collect()
}

/// Sets the initial states of the layer at `p`: `data` holds every cell's state, `lengths`
/// their lengths; no lengths resets them to zeros.
pub fn set_hidden_state(
    model: &mut Model<f32>,
    p: &[i32],
    data: &[f32],
    lengths: &[i32],
) -> JniResult<()> {
    let layer = model.hidden_state_at(&path(p)?)?;
    if lengths.is_empty() {
        return Ok(layer.set_hidden_state(None)?);
    }
    let lens = path(lengths)?;
    if lens.iter().sum::<usize>() != data.len() {
        return Err(JniError::InvalidArgument {
            op: "setHiddenState",
            reason: format!(
                "lengths {lens:?} do not add up to the {} values given",
                data.len()
            ),
        });
    }
    let mut rest = data;
    let mut states = Vec::with_capacity(lens.len());
    for n in lens {
        let (s, r) = rest.split_at(n);
        states.push(s.to_vec());
        rest = r;
    }
    Ok(layer.set_hidden_state(Some(states))?)
}

/// Every cell's state after the last forward of the layer at `p`, one after another (empty
/// before the first forward).
pub fn hidden_state(model: &mut Model<f32>, p: &[i32]) -> JniResult<Vec<f32>> {
    Ok(model.hidden_state_at(&path(p)?)?.hidden_state().concat())
}

/// The per-sample image shape of the state of the layer at `p` (a convolutional cell's
/// `[outputSize, oH, oW]` after a forward), empty for vector states.
pub fn hidden_state_shape(model: &mut Model<f32>, p: &[i32]) -> JniResult<Vec<usize>> {
    Ok(model.hidden_state_at(&path(p)?)?.state_image_shape())
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_getHiddenStateShape<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    p: JIntArray<'l>,
) -> JIntArray<'l> {
    guard(env, |env| {
        let s = hidden_state_shape(model(h)?, &read_ints(env, &p)?)?;
        new_ints(env, &s)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_setHiddenState<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    p: JIntArray<'l>,
    data: JFloatArray<'l>,
    lengths: JIntArray<'l>,
) {
    guard(env, |env| {
        let (p, l) = (read_ints(env, &p)?, read_ints(env, &lengths)?);
        set_hidden_state(model(h)?, &p, &read_floats(env, &data)?, &l)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_getHiddenState<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    p: JIntArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let s = hidden_state(model(h)?, &read_ints(env, &p)?)?;
        new_floats(env, &s)
    })
}
