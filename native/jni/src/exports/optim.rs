//! Optimisation methods on the driver: a handle holds the method and its state.

use crate::arrays::{read_bytes, read_floats, with_floats, write_floats};
use crate::error::{JniError, JniResult};
use crate::guard::guard;
use crate::handle::{borrow_handle, free_handle, into_handle};
use ferrodl_core::optim::{Ask, OptimMethod, OptimState, SearchStep};
use ferrodl_core::spec::{build_optim, decode};
use jni::objects::{JByteArray, JClass, JFloatArray, ReleaseMode};
use jni::sys::{jboolean, jdouble, jint, jlong};
use jni::EnvUnowned;

/// An optimisation method with the state it carries between steps.
pub struct Optim {
    pub method: OptimMethod,
    pub state: OptimState,
    /// A step that evaluates several times (L-BFGS with a line search), while in progress.
    pub search: Option<SearchStep>,
}

impl Optim {
    /// One step in epoch `epoch` (1-based): `grads` are clipped, `weights` updated, in place.
    pub fn step(&mut self, weights: &mut [f32], grads: &mut [f32], epoch: i32) -> JniResult<()> {
        let epoch = epoch_of(epoch)?;
        self.method
            .step_in_place(weights, grads, epoch, &mut self.state)?;
        Ok(())
    }

    /// Begins a step that evaluates several times at `weights` (loss `loss`, gradient `grads`):
    /// true when `weights` now hold a point to evaluate and `feed_search` must follow, false
    /// when they hold the step's result. A step left unfinished is dropped.
    pub fn begin_search(
        &mut self,
        weights: &mut [f32],
        grads: &mut [f32],
        loss: f64,
        epoch: i32,
    ) -> JniResult<bool> {
        self.search = None;
        let epoch = epoch_of(epoch)?;
        let (step, ask) = self
            .method
            .begin_search(weights, loss, grads, epoch, &self.state)?;
        self.settle(step, ask)
    }

    /// The loss and gradient at the point `begin_search`/`feed_search` wrote into `weights`;
    /// returns as `begin_search` does.
    pub fn feed_search(
        &mut self,
        weights: &mut [f32],
        grads: &mut [f32],
        loss: f64,
    ) -> JniResult<bool> {
        let mut step = self.search.take().ok_or(JniError::InvalidArgument {
            op: "optimFeedSearch",
            reason: "no line-search step is in progress (call optimBeginSearch first)".into(),
        })?;
        let ask = self.method.feed_search(&mut step, weights, loss, grads)?;
        self.settle(step, ask)
    }

    /// Keeps an unfinished step, or commits a finished one's state.
    fn settle(&mut self, step: SearchStep, ask: Ask) -> JniResult<bool> {
        match ask {
            Ask::Evaluate => {
                self.search = Some(step);
                Ok(true)
            }
            Ask::Done => {
                self.state = self.method.finish_search(step);
                Ok(false)
            }
        }
    }

    /// Records the value a `Plateau` schedule monitors (validation score or training loss).
    pub fn observe(&mut self, value: f64) -> JniResult<()> {
        self.method.observe(&mut self.state, value)?;
        Ok(())
    }
}

fn epoch_of(epoch: i32) -> JniResult<u64> {
    u64::try_from(epoch)
        .ok()
        .filter(|e| *e >= 1)
        .ok_or(JniError::InvalidArgument {
            op: "optimStep",
            reason: format!("epoch must be >= 1, got {epoch}"),
        })
}

/// Builds a method (with its schedule and clipping) from an encoded description.
pub fn create(spec: &[u8]) -> JniResult<Optim> {
    let method = build_optim(&decode(spec)?)?;
    Ok(Optim {
        method,
        state: OptimState::default(),
        search: None,
    })
}

fn optim<'a>(h: jlong) -> JniResult<&'a mut Optim> {
    // SAFETY: optimiser handles come from `createOptim` and are owned by one `NativeOptim` on the
    // JVM, which serialises calls and frees each once (see `handle`).
    unsafe { borrow_handle::<Optim>(h, "optimiser") }
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_createOptim<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
) -> jlong {
    guard(env, |env| {
        Ok(into_handle(create(&read_bytes(env, &spec)?)?))
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
    epoch: jint,
) {
    guard(env, |env| {
        let optim = optim(h)?;
        with_floats(env, &w, ReleaseMode::CopyBack, |weights| {
            with_floats(env, &g, ReleaseMode::CopyBack, |grads| {
                optim.step(weights, grads, epoch)
            })?
        })?
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_optimBeginSearch<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    w: JFloatArray<'l>,
    g: JFloatArray<'l>,
    loss: jdouble,
    epoch: jint,
) -> jboolean {
    guard(env, |env| {
        let (mut weights, mut grads) = (read_floats(env, &w)?, read_floats(env, &g)?);
        let more = optim(h)?.begin_search(&mut weights, &mut grads, loss, epoch)?;
        write_floats(env, &w, &weights, "optimBeginSearch")?;
        Ok(more)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_optimFeedSearch<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    w: JFloatArray<'l>,
    g: JFloatArray<'l>,
    loss: jdouble,
) -> jboolean {
    guard(env, |env| {
        let (mut weights, mut grads) = (read_floats(env, &w)?, read_floats(env, &g)?);
        let more = optim(h)?.feed_search(&mut weights, &mut grads, loss)?;
        write_floats(env, &w, &weights, "optimFeedSearch")?;
        Ok(more)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_optimRate<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    epoch: jint,
) -> jdouble {
    guard(env, |_| {
        let o = optim(h)?;
        Ok(o.method.current_rate(&o.state, epoch_of(epoch)?)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_optimObserve<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    h: jlong,
    value: jdouble,
) {
    guard(env, |_| optim(h)?.observe(value))
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
