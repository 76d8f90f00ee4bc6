//! The FlatBuffers verifier settings and how its findings become [`Error::Corrupt`] messages.
//!
//! The limits bound the work and memory of a load by the file's length: a shared sub-table
//! (a DAG in place of a tree) cannot make the verifier, or the conversion after it, expand a
//! small file into a large tree, because the apparent size is capped at twice the bytes.

use crate::error::Error;
use flatbuffers::{InvalidFlatbuffer, VerifierOptions};

/// How deep the module tree may nest (containers within containers).
pub const MAX_GRAPH_DEPTH: usize = 256;

/// The verifier options for a buffer of `len` bytes.
pub fn verifier_options(len: usize) -> VerifierOptions {
    VerifierOptions {
        // Payload > Layer > ... > Layer > Attribute > IntsAttr, plus headroom.
        max_depth: MAX_GRAPH_DEPTH + 8,
        max_tables: len / 4 + 16,
        max_apparent_size: len.saturating_mul(2).saturating_add(1024),
        ignore_missing_null_terminator: false,
    }
}

/// A one-line message for a verifier error in the buffer that starts at `base` in the file.
pub(super) fn corrupt(e: &InvalidFlatbuffer, base: usize, len: usize, what: &str) -> Error {
    let trace = |t: &dyn std::fmt::Display| {
        let s = t.to_string();
        s.split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match e {
        InvalidFlatbuffer::RangeOutOfBounds { range, error_trace } if range.end > len => {
            Error::corrupt(
                base + len,
                format!(
                    "truncated at byte {}: the {what} needs bytes up to {} ({})",
                    base + len,
                    base + range.end,
                    trace(error_trace)
                ),
            )
        }
        InvalidFlatbuffer::RangeOutOfBounds { range, .. }
        | InvalidFlatbuffer::Utf8Error { range, .. }
        | InvalidFlatbuffer::MissingNullTerminator { range, .. } => {
            Error::corrupt(base + range.start, format!("invalid {what}: {}", trace(e)))
        }
        InvalidFlatbuffer::Unaligned { position, .. }
        | InvalidFlatbuffer::SignedOffsetOutOfBounds { position, .. } => {
            Error::corrupt(base + position, format!("invalid {what}: {}", trace(e)))
        }
        _ => Error::corrupt(base, format!("invalid {what}: {}", trace(e))),
    }
}
