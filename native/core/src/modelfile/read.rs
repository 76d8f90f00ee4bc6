//! Loading a model file: verify, check version, features and checksum, then convert.
//!
//! Allocation bound: before anything is allocated the FlatBuffers verifier has checked that
//! every vector and string lies inside the file, so each `Vec` made here is at most as long as
//! the bytes it is read from (elements of 1 to 8 bytes): the loader allocates at most about 8
//! times the file length in total. Layers built from the graph to check it hold no parameters.

use super::contents::KNOWN_FEATURES;
use super::contents::{ModelContents, TensorEntry, FORMAT_VERSION, IDENTIFIER};
use super::crc32::crc32;
use super::fb_convert::{metadata, node};
use super::layout::{layout, legacy_layout};
use super::model_file_generated::ferrodl::fb;
use super::verify::{corrupt, verifier_options};
use crate::error::{Error, Result};

/// Whether `bytes` start like a model file (any version).
pub fn is_model_file(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && &bytes[4..8] == IDENTIFIER.as_bytes()
}

/// Decodes and checks a model file. With a graph, the weight and buffer counts and the tensor
/// table must match what the graph builds.
pub fn decode(bytes: &[u8]) -> Result<ModelContents> {
    if bytes.len() < 8 {
        return Err(Error::corrupt(
            bytes.len(),
            format!(
                "truncated at byte {}: a model file has at least 8 bytes",
                bytes.len()
            ),
        ));
    }
    if !is_model_file(bytes) {
        return Err(Error::corrupt(
            4,
            format!(
                "not a ferrodl model file (identifier {:?}, expected {IDENTIFIER:?})",
                String::from_utf8_lossy(&bytes[4..8])
            ),
        ));
    }
    let opts = verifier_options(bytes.len());
    let file = flatbuffers::root_with_opts::<fb::ModelFile>(&opts, bytes)
        .map_err(|e| corrupt(&e, 0, bytes.len(), "model file"))?;
    if file.format_version() > FORMAT_VERSION {
        return Err(Error::invalid(
            "model file",
            format!(
                "format version {} was written by a newer ferrodl; this one ({}) reads up to {FORMAT_VERSION}",
                file.format_version(),
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    let unknown: Vec<&str> = file
        .required_features()
        .map(|v| v.iter().filter(|f| !KNOWN_FEATURES.contains(f)).collect())
        .unwrap_or_default();
    if !unknown.is_empty() {
        return Err(Error::invalid(
            "model file",
            format!(
                "needs features this ferrodl ({}) does not have: {}; upgrade ferrodl to load it",
                env!("CARGO_PKG_VERSION"),
                unknown.join(", ")
            ),
        ));
    }
    let payload = file
        .payload()
        .ok_or_else(|| Error::corrupt(0, "the model file has no payload"))?;
    let base = payload.as_ptr() as usize - bytes.as_ptr() as usize;
    let computed = crc32(payload);
    if computed != file.payload_crc32() {
        return Err(Error::corrupt(
            base,
            format!(
                "checksum mismatch: stored {:08x}, computed {computed:08x}",
                file.payload_crc32()
            ),
        ));
    }
    let p = flatbuffers::root_with_opts::<fb::Payload>(&verifier_options(payload.len()), payload)
        .map_err(|e| corrupt(&e, base, payload.len(), "model payload"))?;
    let contents = convert(&p)?;
    check_tensors(&contents)?;
    if let Some(graph) = &contents.graph {
        check_graph(graph, &contents)?;
    }
    Ok(contents)
}

fn convert(p: &fb::Payload) -> Result<ModelContents> {
    let graph = p.graph().map(|g| node(&g, 0)).transpose()?;
    let floats = |v: Option<flatbuffers::Vector<f32>>| -> Vec<f32> {
        v.map(|v| v.iter().collect()).unwrap_or_default()
    };
    let mut tensors = Vec::with_capacity(p.tensors().map_or(0, |t| t.len()));
    for t in p.tensors().into_iter().flatten() {
        let shape = t
            .shape()
            .map(|s| {
                s.iter()
                    .map(|d| usize::try_from(d).unwrap_or(usize::MAX))
                    .collect()
            })
            .unwrap_or_default();
        tensors.push(TensorEntry {
            name: t.name().to_string(),
            shape,
            offset: usize::try_from(t.offset()).unwrap_or(usize::MAX),
        });
    }
    Ok(ModelContents {
        graph,
        weights: floats(p.weights()),
        tensors,
        buffers: floats(p.buffers()),
        optim_state: p.optim_state().map(|v| v.to_vec()),
        metadata: p.metadata().map(|m| metadata(&m)).unwrap_or_default(),
    })
}

/// The tensor table must tile the weights: in order, no gaps, no overlap, sizes that fit.
fn check_tensors(c: &ModelContents) -> Result<()> {
    let mut next = 0usize;
    for t in &c.tensors {
        let n = crate::error::checked_count(&t.name, &t.shape)
            .map_err(|e| Error::corrupt(0, format!("tensor '{}': {e}", t.name)))?;
        if t.offset != next {
            return Err(Error::corrupt(
                0,
                format!(
                    "tensor '{}' starts at weight {}, expected {next}",
                    t.name, t.offset
                ),
            ));
        }
        next = next.saturating_add(n);
    }
    if next != c.weights.len() {
        return Err(Error::corrupt(
            0,
            format!(
                "the tensor table covers {next} weights but the file holds {}",
                c.weights.len()
            ),
        ));
    }
    Ok(())
}

fn check_graph(graph: &crate::spec::Node, c: &ModelContents) -> Result<()> {
    let l = layout(graph)?;
    if c.weights.len() != l.num_params {
        return Err(Error::corrupt(
            0,
            format!(
                "weight count {} does not match the graph's {}",
                c.weights.len(),
                l.num_params
            ),
        ));
    }
    if c.buffers.len() != l.num_buffers {
        return Err(Error::corrupt(
            0,
            format!(
                "buffer count {} does not match the graph's {}",
                c.buffers.len(),
                l.num_buffers
            ),
        ));
    }
    if c.tensors != l.tensors && c.tensors != legacy_layout(graph)?.tensors {
        return Err(Error::corrupt(
            0,
            "the tensor names and shapes do not match the graph's".to_string(),
        ));
    }
    Ok(())
}
