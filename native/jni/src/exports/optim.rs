//! Optimisation methods on the driver: a handle holds the method and its state.

use crate::arrays::{read_bytes, read_floats, write_floats};
use crate::error::JniResult;
use crate::guard::guard;
use crate::handle::{borrow_handle, free_handle, into_handle};
use ferrodl_core::optim::{OptimState, Sgd};
use jni::objects::{JByteArray, JClass, JFloatArray};
use jni::sys::{jboolean, jdouble, jlong};
use jni::EnvUnowned;

/// An optimisation method with the state it carries between steps.
pub struct Optim {
    pub method: Sgd,
    pub state: OptimState,
}

impl Optim {
    /// One step: `weights` are updated in place.
    pub fn step(&mut self, weights: &mut [f32], grads: &[f32]) -> JniResult<()> {
        let state = std::mem::take(&mut self.state);
        self.state = self.method.step(weights, grads, state)?;
        Ok(())
    }
}

fn optim<'a>(h: jlong) -> JniResult<&'a mut Optim> {
    // SAFETY: optimiser handles come from `createSgd` and are owned by one `NativeOptim` on the
    // JVM, which serialises calls and frees each once (see `handle`).
    unsafe { borrow_handle::<Optim>(h, "optimiser") }
}

/// A new SGD method with BigDL's hyper-parameters (validated) and an empty state.
pub fn create_sgd(
    learning_rate: f64,
    learning_rate_decay: f64,
    weight_decay: f64,
    momentum: f64,
    dampening: f64,
    nesterov: bool,
) -> JniResult<Optim> {
    let method = Sgd {
        learning_rate,
        learning_rate_decay,
        weight_decay,
        momentum,
        dampening,
        nesterov,
    }
    .validated()?;
    Ok(Optim {
        method,
        state: OptimState::default(),
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_ferrodl_engine_Native_createSgd<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    lr: jdouble,
    lr_decay: jdouble,
    wd: jdouble,
    momentum: jdouble,
    dampening: jdouble,
    nesterov: jboolean,
) -> jlong {
    guard(env, |_| {
        Ok(into_handle(create_sgd(
            lr, lr_decay, wd, momentum, dampening, nesterov,
        )?))
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_freeOptim<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) {
    guard(env, |_| {
        // SAFETY: the JVM's NativeOptim.close frees its handle once and never passes it again.
        unsafe { free_handle::<Optim>(h) };
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_optimStep<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    w: JFloatArray<'l>,
    g: JFloatArray<'l>,
) {
    guard(env, |env| {
        let mut weights = read_floats(env, &w)?;
        optim(h)?.step(&mut weights, &read_floats(env, &g)?)?;
        write_floats(env, &w, &weights, "optimStep")
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_optimRate<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> jdouble {
    guard(env, |_| {
        let o = optim(h)?;
        Ok(o.method.current_rate(o.state.step))
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_getOptimState<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
) -> JByteArray<'l> {
    guard(env, |env| {
        Ok(env.byte_array_from_slice(&optim(h)?.state.to_bytes())?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_setOptimState<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    state: JByteArray<'l>,
) {
    guard(env, |env| {
        optim(h)?.state = OptimState::from_bytes(&read_bytes(env, &state)?)?;
        Ok(())
    })
}
