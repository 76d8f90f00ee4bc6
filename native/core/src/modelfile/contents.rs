//! What a model file holds, decoded: the in-memory side of `model_file.fbs`.

use super::layout::layout;
use crate::error::{Error, Result};
use crate::spec::Node;
use std::collections::BTreeMap;

/// The FlatBuffers file identifier (bytes 4..8 of every file).
pub const IDENTIFIER: &str = "FDLF";
/// The format's major version: a reader refuses a larger one. Additive changes do not bump
/// it; they are optional fields or [`KNOWN_FEATURES`] entries.
pub const FORMAT_VERSION: u32 = 1;
/// The required features this reader understands; a file naming any other is refused. Format
/// version 1 has none yet: the first change an older reader must not ignore adds one here.
pub const KNOWN_FEATURES: &[&str] = &[];

/// One parameter tensor: a named slice of the flat weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorEntry {
    /// The layer's path in the module tree and the tensor's name under it, e.g.
    /// `Sequential#0/Linear#2/weight` (user names replace `Kind#index` where set).
    pub name: String,
    /// Its shape (BigDL's: a Linear's weight is `[out, in]`; one dimension in older files).
    pub shape: Vec<usize>,
    /// Where it starts in the flat weights.
    pub offset: usize,
}

/// Who wrote the file, when, and the user's tags.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata {
    /// The ferrodl version that wrote the file.
    pub ferrodl_version: String,
    /// Milliseconds since the Unix epoch.
    pub created_unix_ms: i64,
    /// Free-form user tags.
    pub tags: BTreeMap<String, String>,
}

impl Metadata {
    /// This engine's version, the current time and `tags`.
    pub fn now(tags: BTreeMap<String, String>) -> Metadata {
        let created_unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Metadata {
            ferrodl_version: env!("CARGO_PKG_VERSION").to_string(),
            created_unix_ms,
            tags,
        }
    }
}

/// A decoded model file, or one about to be written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelContents {
    /// The module tree; `None` in a weights-only file.
    pub graph: Option<Node>,
    /// All trainable parameters.
    pub weights: Vec<f32>,
    /// The named slices of `weights`, in order, covering it exactly.
    pub tensors: Vec<TensorEntry>,
    /// Non-trainable state (running statistics).
    pub buffers: Vec<f32>,
    /// The optimiser's serialised state (checkpoints).
    pub optim_state: Option<Vec<u8>>,
    /// Version, time and tags.
    pub metadata: Metadata,
}

impl ModelContents {
    /// A full model file: `graph` with its weights and buffers, whose lengths must match it.
    pub fn model(graph: Node, weights: Vec<f32>, buffers: Vec<f32>) -> Result<ModelContents> {
        let tensors = checked_tensors(&graph, &weights, &buffers)?;
        Ok(ModelContents {
            graph: Some(graph),
            weights,
            tensors,
            buffers,
            optim_state: None,
            metadata: Metadata::now(BTreeMap::new()),
        })
    }

    /// A weights-only file (`saveWeights`): the tensors of `graph`, without the graph.
    pub fn weights_only(graph: &Node, weights: Vec<f32>, buffers: Vec<f32>) -> Result<Self> {
        let tensors = checked_tensors(graph, &weights, &buffers)?;
        Ok(ModelContents {
            graph: None,
            weights,
            tensors,
            buffers,
            optim_state: None,
            metadata: Metadata::now(BTreeMap::new()),
        })
    }
}

fn checked_tensors(graph: &Node, weights: &[f32], buffers: &[f32]) -> Result<Vec<TensorEntry>> {
    let l = layout(graph)?;
    if weights.len() != l.num_params {
        return Err(Error::BufferSize {
            op: "model file".into(),
            what: "weight".into(),
            expected: l.num_params,
            actual: weights.len(),
        });
    }
    if buffers.len() != l.num_buffers {
        return Err(Error::BufferSize {
            op: "model file".into(),
            what: "non-trainable".into(),
            expected: l.num_buffers,
            actual: buffers.len(),
        });
    }
    Ok(l.tensors)
}
