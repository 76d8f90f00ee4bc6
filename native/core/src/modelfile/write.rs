//! Writing a model file: the payload as its own FlatBuffer (so the checksum covers its exact
//! bytes), nested in the outer `ModelFile` table with the version, features and CRC-32.

use super::contents::{ModelContents, FORMAT_VERSION, IDENTIFIER};
use super::crc32::crc32;
use super::fb_convert::{write_layer, write_metadata};
use super::model_file_generated::ferrodl::fb;
use super::verify::MAX_GRAPH_DEPTH;
use crate::error::{Error, Result};
use crate::spec::Node;
use flatbuffers::{FlatBufferBuilder, WIPOffset};

/// What a newer writer might add to a file; tests use it to check that this reader refuses
/// unknown required features and newer format versions and ignores unknown optional fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewerWriter {
    /// The format version to record (0 means [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Features a reader must have.
    pub required_features: Vec<String>,
    /// A value for a field this version does not define, after the last field of `Payload`.
    pub payload_extra: Option<u64>,
    /// A value for a field this version does not define, after the last field of `ModelFile`.
    pub file_extra: Option<u64>,
}

/// The most bytes one FlatBuffer may hold (offsets are 32-bit, signed in places).
const MAX_BUFFER: usize = (i32::MAX as usize) - (1 << 20);

/// Encodes a model file.
pub fn encode(c: &ModelContents) -> Result<Vec<u8>> {
    encode_with(c, &NewerWriter::default())
}

/// Encodes a model file with what [`NewerWriter`] adds.
pub fn encode_with(c: &ModelContents, newer: &NewerWriter) -> Result<Vec<u8>> {
    let payload = payload(c, newer.payload_extra)?;
    let mut b = FlatBufferBuilder::with_capacity(payload.len() + 256);
    let features: Vec<_> = newer
        .required_features
        .iter()
        .map(|f| b.create_string(f))
        .collect();
    let features = b.create_vector(&features);
    let bytes = b.create_vector(&payload);
    let version = match newer.format_version {
        0 => FORMAT_VERSION,
        v => v,
    };
    let start = b.start_table();
    if let Some(x) = newer.file_extra {
        b.push_slot_always::<u64>(field(4), x);
    }
    b.push_slot_always(fb::ModelFile::VT_PAYLOAD, bytes);
    b.push_slot_always::<u32>(fb::ModelFile::VT_PAYLOAD_CRC32, crc32(&payload));
    b.push_slot_always(fb::ModelFile::VT_REQUIRED_FEATURES, features);
    b.push_slot_always::<u32>(fb::ModelFile::VT_FORMAT_VERSION, version);
    let root: WIPOffset<fb::ModelFile> = WIPOffset::new(b.end_table(start).value());
    b.finish(root, Some(IDENTIFIER));
    Ok(b.finished_data().to_vec())
}

/// The vtable offset of field number `i` of a table.
const fn field(i: u16) -> u16 {
    4 + 2 * i
}

fn depth(n: &Node) -> usize {
    1 + n.children.iter().map(depth).max().unwrap_or(0)
}

fn payload(c: &ModelContents, extra: Option<u64>) -> Result<Vec<u8>> {
    let floats = c.weights.len().saturating_add(c.buffers.len());
    let estimate = floats
        .saturating_mul(4)
        .saturating_add(c.optim_state.as_ref().map_or(0, Vec::len))
        .saturating_add(c.tensors.len().saturating_mul(64));
    if estimate > MAX_BUFFER {
        return Err(Error::invalid(
            "model file",
            format!("{estimate} bytes of weights and state is more than a model file holds ({MAX_BUFFER})"),
        ));
    }
    if let Some(g) = &c.graph {
        if depth(g) > MAX_GRAPH_DEPTH + 1 {
            return Err(Error::invalid(
                "model file",
                format!("the module tree nests deeper than {MAX_GRAPH_DEPTH}"),
            ));
        }
    }
    let mut b = FlatBufferBuilder::with_capacity(estimate + 1024);
    let graph = c.graph.as_ref().map(|g| write_layer(&mut b, g));
    let weights = b.create_vector(&c.weights);
    let buffers = b.create_vector(&c.buffers);
    let optim = c.optim_state.as_ref().map(|s| b.create_vector(s));
    let mut tensors = Vec::with_capacity(c.tensors.len());
    for t in &c.tensors {
        let shape: Vec<u64> = t.shape.iter().map(|d| *d as u64).collect();
        let args = fb::TensorInfoArgs {
            name: Some(b.create_string(&t.name)),
            shape: Some(b.create_vector(&shape)),
            offset: t.offset as u64,
        };
        tensors.push(fb::TensorInfo::create(&mut b, &args));
    }
    let tensors = b.create_vector(&tensors);
    let metadata = write_metadata(&mut b, &c.metadata);
    let start = b.start_table();
    if let Some(x) = extra {
        b.push_slot_always::<u64>(field(6), x);
    }
    b.push_slot_always(fb::Payload::VT_METADATA, metadata);
    if let Some(o) = optim {
        b.push_slot_always(fb::Payload::VT_OPTIM_STATE, o);
    }
    b.push_slot_always(fb::Payload::VT_BUFFERS, buffers);
    b.push_slot_always(fb::Payload::VT_TENSORS, tensors);
    b.push_slot_always(fb::Payload::VT_WEIGHTS, weights);
    if let Some(g) = graph {
        b.push_slot_always(fb::Payload::VT_GRAPH, g);
    }
    let root: WIPOffset<fb::Payload> = WIPOffset::new(b.end_table(start).value());
    b.finish(root, None);
    Ok(b.finished_data().to_vec())
}
