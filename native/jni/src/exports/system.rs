//! Process-wide settings: version, GEMM backend, threads, and the test-only panic.

use crate::error::{JniError, JniResult};
use crate::guard::guard;
use ferrodl_core::gemm::{self, Backend};
use jni::objects::{JClass, JString};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

/// Applies the JVM's settings once the library is loaded: the GEMM backend and thread count.
pub fn init(backend: &str, threads: i32) -> JniResult<String> {
    let _ = env_logger::Builder::from_env(env_logger::Env::new().filter("FERRODL_LOG")).try_init();
    if !backend.is_empty() {
        gemm::set_backend(Backend::parse(backend)?);
    }
    let threads = usize::try_from(threads).map_err(|_| JniError::InvalidArgument {
        op: "init",
        reason: format!("thread count must be >= 0, got {threads}"),
    })?;
    if threads > 0 {
        gemm::set_num_threads(threads);
    }
    Ok(gemm::backend().name().to_string())
}

/// The library's version and the GEMM backend in use.
pub fn version() -> String {
    format!(
        "ferrodl {} (gemm: {}, cpu: {})",
        env!("CARGO_PKG_VERSION"),
        gemm::backend().name(),
        gemm::cpu_vendor()
    )
}

/// Panics with a formatted message (for the test that panics arrive as exceptions).
pub fn test_panic(msg: &str) -> JniResult<()> {
    let code = msg.len();
    panic!("test panic: {msg} (len {code})")
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_init<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    backend: JString<'l>,
    threads: jint,
) -> JString<'l> {
    guard(env, |env| {
        let name = init(&backend.try_to_string(env)?, threads)?;
        Ok(JString::from_str(env, name)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_version<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    guard(env, |env| Ok(JString::from_str(env, version())?))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_liveHandles<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> jlong {
    guard(env, |_env| Ok(crate::handle::live_handles()))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_testPanic<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    msg: JString<'l>,
) {
    guard(env, |env| test_panic(&msg.try_to_string(env)?))
}
