//! Optimiser states as values, outside any method object: local SGD adds the partitions' states
//! up on the way to the driver and scales the sum into their average.

use crate::arrays::read_bytes;
use crate::error::JniResult;
use crate::guard::guard;
use ferrodl_core::optim::OptimState;
use jni::objects::{JByteArray, JClass};
use jni::sys::jfloat;
use jni::EnvUnowned;

/// The encoded sum of two encoded states of one method at the same step (see `OptimState::add`).
pub fn add_states(a: &[u8], b: &[u8]) -> JniResult<Vec<u8>> {
    let mut sum = OptimState::from_bytes(a)?;
    sum.add(&OptimState::from_bytes(b)?)?;
    Ok(sum.to_bytes())
}

/// The encoded state with its per-parameter buffers multiplied by `factor`.
pub fn scale_state(state: &[u8], factor: f32) -> JniResult<Vec<u8>> {
    let mut s = OptimState::from_bytes(state)?;
    s.scale(factor)?;
    Ok(s.to_bytes())
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_addOptimStates<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    a: JByteArray<'l>,
    b: JByteArray<'l>,
) -> JByteArray<'l> {
    guard(env, |env| {
        let sum = add_states(&read_bytes(env, &a)?, &read_bytes(env, &b)?)?;
        Ok(env.byte_array_from_slice(&sum)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_scaleOptimState<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    state: JByteArray<'l>,
    factor: jfloat,
) -> JByteArray<'l> {
    guard(env, |env| {
        let scaled = scale_state(&read_bytes(env, &state)?, factor)?;
        Ok(env.byte_array_from_slice(&scaled)?)
    })
}
