//! The guard every export goes through: errors and panics become Java exceptions.
//!
//! jni's built-in `ThrowRuntimeExAndDefault` loses formatted panic messages (it only reads
//! `&'static str` payloads), so this crate has its own policy. A panic or error never unwinds
//! into the JVM: the export returns the type's default value with an exception pending.

use crate::error::{JniError, FERRODL_EXCEPTION};
use jni::errors::ErrorPolicy;
use jni::strings::JNIString;
use jni::{Env, EnvUnowned};
use std::any::Any;

/// The message of a panic payload: `&str` and `String` (formatted panics) both keep their text.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

fn throw(env: &mut Env<'_>, class: &str, message: String) {
    if env.exception_check() {
        // A Java exception is already pending (e.g. thrown by a JNI call): keep it.
        return;
    }
    // throw_new reports Err(JavaException) once the exception is thrown; nothing else to do.
    let _ = env.throw_new(JNIString::new(class), JNIString::new(message));
}

/// Throws `JniError`s as the class their table names, and panics as `FerrodlException`.
#[derive(Debug, Default)]
pub struct ThrowJava;

impl<T: Default> ErrorPolicy<T, JniError> for ThrowJava {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut Self::Captures<'unowned_env_local, 'native_method>,
        err: JniError,
    ) -> jni::errors::Result<T> {
        throw(env, err.java_class(), err.to_string());
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut Self::Captures<'unowned_env_local, 'native_method>,
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let msg = format!("native panic: {}", panic_message(&*payload));
        log::error!("{msg}");
        throw(env, FERRODL_EXCEPTION, msg);
        Ok(T::default())
    }
}

/// Runs `f` with the JNI environment, turning its errors and panics into Java exceptions.
/// Every `Java_*` export calls this and nothing else (a test checks).
pub fn guard<'local, T, F>(mut env: EnvUnowned<'local>, f: F) -> T
where
    T: Default,
    F: FnOnce(&mut Env<'local>) -> Result<T, JniError>,
{
    env.with_env(f).resolve::<ThrowJava>()
}
