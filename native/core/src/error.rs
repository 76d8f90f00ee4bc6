//! The one error type of `ferrodl-core`.
//!
//! Every variant carries typed fields (the op or layer that failed, the shapes involved) so that
//! the JNI boundary can map it to the right Java exception with a message a user can act on.

/// A shape, as the list of its dimensions.
pub type Shape = Vec<usize>;

/// Formats a shape as `[a, b, c]`.
pub fn fmt_shape(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", dims.join(", "))
}

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum Error {
    /// An input did not have the shape an op expects.
    #[error("{layer}: expected input of shape {expected}, got {}", fmt_shape(.actual))]
    ShapeMismatch {
        layer: String,
        /// A human-readable description of what was expected, e.g. `[batch, 784]`.
        expected: String,
        actual: Shape,
    },
    /// A class label was not an integer in `1..=n_classes` (labels are 1-based, as in BigDL).
    #[error("{layer}: label {label} at batch index {index} is out of range; labels are 1-based integers in [1, {n_classes}]")]
    LabelOutOfRange {
        layer: String,
        label: f64,
        index: usize,
        n_classes: usize,
    },
    /// A NaN or infinity appeared where a finite number is required.
    #[error("{op}: {what} contains a non-finite value (NaN or infinity) at flat index {index}")]
    NonFinite {
        op: String,
        what: String,
        index: usize,
    },
    /// A flat weight or gradient buffer had the wrong length.
    #[error("{op}: {what} buffer has {actual} elements, the model needs {expected}")]
    BufferSize {
        op: String,
        what: String,
        expected: usize,
        actual: usize,
    },
    /// A parameter of a layer, loss or optimizer was invalid.
    #[error("{op}: invalid argument: {reason}")]
    InvalidArgument { op: String, reason: String },
    /// A model description named a layer type the engine does not know.
    #[error("unknown layer type '{kind}'")]
    UnknownLayer { kind: String },
    /// A model description or model file could not be decoded.
    #[error("corrupt model data at byte {offset}: {reason}")]
    Corrupt { offset: usize, reason: String },
    /// An operation was called in a state where it cannot run (e.g. backward before forward).
    #[error("{op}: {reason}")]
    IllegalState { op: String, reason: String },
    /// A layer's allocations took the engine past `ferrodl.native.memoryLimit`.
    #[error("native memory limit {} exceeded by layer {layer} needing {needed} bytes ({in_use} bytes in use now; raise ferrodl.native.memoryLimit or use smaller batches)", crate::memory::fmt_limit(.limit))]
    MemoryLimit {
        layer: String,
        limit: usize,
        needed: usize,
        in_use: usize,
    },
}

/// The result type of the engine.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::ShapeMismatch`].
    pub fn shape(layer: &str, expected: impl Into<String>, actual: &[usize]) -> Self {
        Error::ShapeMismatch {
            layer: layer.to_string(),
            expected: expected.into(),
            actual: actual.to_vec(),
        }
    }

    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(op: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            op: op.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::IllegalState`].
    pub fn state(op: &str, reason: impl Into<String>) -> Self {
        Error::IllegalState {
            op: op.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Corrupt`].
    pub fn corrupt(offset: usize, reason: impl Into<String>) -> Self {
        Error::Corrupt {
            offset,
            reason: reason.into(),
        }
    }
}

/// The most parameters (or elements of one parameter) a model may have: what a JVM array holds.
pub const MAX_ELEMENTS: usize = i32::MAX as usize;

/// The product of `dims`, or an error naming `op` when it overflows or exceeds [`MAX_ELEMENTS`].
pub fn checked_count(op: &str, dims: &[usize]) -> Result<usize> {
    dims.iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(*d))
        .filter(|n| *n <= MAX_ELEMENTS)
        .ok_or_else(|| {
            Error::invalid(
                op,
                format!("{} elements is more than {MAX_ELEMENTS}", fmt_shape(dims)),
            )
        })
}
