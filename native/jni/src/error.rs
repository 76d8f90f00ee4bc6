//! The one error type of the JNI crate, and the table that maps every error to a Java class.

use ferrodl_core::Error as EngineError;

/// Java's `IllegalArgumentException`: bad input from the caller.
pub const ILLEGAL_ARGUMENT: &str = "java/lang/IllegalArgumentException";
/// Java's `IllegalStateException`: a call in the wrong state (closed handle, backward first).
pub const ILLEGAL_STATE: &str = "java/lang/IllegalStateException";
/// ferrodl's own runtime exception: corrupt data, unknown layers, JNI failures and panics.
pub const FERRODL_EXCEPTION: &str = "ferrodl/FerrodlException";

/// Everything a native call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum JniError {
    /// An error from the engine.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A failure of the JNI layer itself (a pending Java exception, a null array, ...).
    #[error("JNI call failed: {0}")]
    Jni(#[from] jni::errors::Error),
    /// A handle of the wrong kind, zero, or already closed.
    #[error("{kind} handle is zero, closed, or not a {kind} handle")]
    NullHandle { kind: &'static str },
    /// An argument the JVM passed is invalid (e.g. a negative dimension).
    #[error("{op}: {reason}")]
    InvalidArgument { op: &'static str, reason: String },
}

/// Shorthand for results of native calls.
pub type JniResult<T> = Result<T, JniError>;

impl JniError {
    /// The Java exception class this error is thrown as: the one mapping table.
    pub fn java_class(&self) -> &'static str {
        match self {
            JniError::Engine(e) => match e {
                EngineError::ShapeMismatch { .. }
                | EngineError::LabelOutOfRange { .. }
                | EngineError::NonFinite { .. }
                | EngineError::BufferSize { .. }
                | EngineError::InvalidArgument { .. } => ILLEGAL_ARGUMENT,
                EngineError::IllegalState { .. } | EngineError::MemoryLimit { .. } => ILLEGAL_STATE,
                EngineError::UnknownLayer { .. } | EngineError::Corrupt { .. } => FERRODL_EXCEPTION,
            },
            JniError::InvalidArgument { .. } => ILLEGAL_ARGUMENT,
            JniError::NullHandle { .. } => ILLEGAL_STATE,
            JniError::Jni(_) => FERRODL_EXCEPTION,
        }
    }
}
