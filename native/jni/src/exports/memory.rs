//! `ferrodl.native.memoryLimit`: the cap on the engine's native heap, and what it holds now.

use crate::error::JniResult;
use crate::guard::guard;
use ferrodl_core::memory;
use jni::objects::{JClass, JString};
use jni::sys::jlong;
use jni::EnvUnowned;

/// Sets the limit from its text form (`536870912`, `512m`, `2g`; `0` removes it); returns the
/// bytes.
pub fn set_memory_limit(text: &str) -> JniResult<i64> {
    let bytes = memory::parse_bytes(text)?;
    memory::set_limit(bytes);
    Ok(i64::try_from(bytes).unwrap_or(i64::MAX))
}

/// The bytes the engine's allocations hold now.
pub fn memory_in_use() -> i64 {
    i64::try_from(memory::in_use()).unwrap_or(i64::MAX)
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_setMemoryLimit<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    limit: JString<'l>,
) -> jlong {
    guard(env, |env| set_memory_limit(&limit.try_to_string(env)?))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_memoryInUse<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> jlong {
    guard(env, |_env| Ok(memory_in_use()))
}
