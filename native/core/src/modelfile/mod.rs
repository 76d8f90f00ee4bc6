//! The native model file: a versioned FlatBuffers file (`model_file.fbs`) holding a model's
//! graph, flat weights with per-tensor names and shapes, buffers, optional optimiser state,
//! metadata and a CRC-32 of the payload. See `docs/model-format.md`.

mod contents;
mod crc32;
mod fb_convert;
mod layout;
mod read;
mod verify;
mod weights;
mod write;

/// The code flatc 2.0.8 generated from `model_file.fbs` (not edited by hand; see the schema's
/// header for the command). Its accessors are only used on buffers the verifier accepted.
#[rustfmt::skip]
#[allow(warnings, clippy::all)]
pub mod model_file_generated;

pub use contents::{
    Metadata, ModelContents, TensorEntry, FORMAT_VERSION, IDENTIFIER, KNOWN_FEATURES,
};
pub use crc32::crc32;
pub use layout::{layout, legacy_layout, GraphLayout};
pub use read::{decode, is_model_file};
pub use verify::{verifier_options, MAX_GRAPH_DEPTH};
pub use weights::match_weights;
pub use write::{encode, encode_with, NewerWriter};
