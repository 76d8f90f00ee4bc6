//! The parameter tensors of a module tree: names, shapes and offsets in the flat weights,
//! computed by building the tree with the factory (which also rejects unknown layer types).
//!
//! Each layer's parameters are BigDL's separate tensors with their real shapes
//! ([`crate::Module::param_tensors`]: `.../Linear#0/weight` `[out, in]`, `.../Linear#0/bias`
//! `[out]`). Files written before that named one 1-D tensor per layer; [`legacy_layout`] is that
//! table, which loading still accepts.

use super::contents::TensorEntry;
use crate::error::Result;
use crate::param_tensor::total as total_of;
use crate::spec::{build_block, Node};

/// What a graph needs from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphLayout {
    /// The parameter tensors, depth first, in the flat buffer's order.
    pub tensors: Vec<TensorEntry>,
    /// Total trainable parameters.
    pub num_params: usize,
    /// Total non-trainable scalars.
    pub num_buffers: usize,
}

/// The layout of `graph`. Errors are the factory's (unknown layer type, bad attribute).
///
/// Leaves with parameters get their tensors (`path/weight`, `path/bias`, ...). A container whose children's parameters do not
/// add up to its own (a layer that keeps parameters of its own besides its children's, or
/// children that cannot be built alone, like a Graph's inputs) gives its own tensors, its
/// children's under their index (`Graph#0/1/weight`).
pub fn layout(graph: &Node) -> Result<GraphLayout> {
    layout_of(graph, true)
}

/// The table of files written before per-tensor shapes: one 1-D tensor per layer, named by
/// the layer's path.
pub fn legacy_layout(graph: &Node) -> Result<GraphLayout> {
    layout_of(graph, false)
}

fn layout_of(graph: &Node, split: bool) -> Result<GraphLayout> {
    let root = build_block::<f32>(graph)?;
    let num_params = root.num_params();
    let mut tensors = Vec::new();
    let at = Place {
        parent: "",
        index: 0,
        offset: 0,
        total: num_params,
    };
    walk(graph, at, split, &mut tensors);
    Ok(GraphLayout {
        tensors,
        num_params,
        num_buffers: root.num_buffers(),
    })
}

/// How many parameters `node` has, or `None` when it cannot be built on its own.
fn count(node: &Node) -> Option<usize> {
    build_block::<f32>(node).ok().map(|b| b.num_params())
}

/// Where a node lies: its parent's path, its index there, and its slice of the weights.
#[derive(Clone, Copy)]
struct Place<'a> {
    parent: &'a str,
    index: usize,
    offset: usize,
    total: usize,
}

fn walk(node: &Node, at: Place, split: bool, out: &mut Vec<TensorEntry>) {
    let Place {
        parent,
        index,
        offset,
        total,
    } = at;
    let segment = if node.name.is_empty() {
        format!("{}#{index}", node.kind)
    } else {
        node.name.clone()
    };
    let name = if parent.is_empty() {
        segment
    } else {
        format!("{parent}/{segment}")
    };
    if total == 0 {
        return;
    }
    let counts: Option<Vec<usize>> = node.children.iter().map(count).collect();
    if let Some(counts) = counts.filter(|c| !c.is_empty() && c.iter().sum::<usize>() == total) {
        let mut o = offset;
        for (i, (c, n)) in node.children.iter().zip(counts).enumerate() {
            let at = Place {
                parent: &name,
                index: i,
                offset: o,
                total: n,
            };
            walk(c, at, split, out);
            o += n;
        }
        return;
    }
    let parts = split
        .then(|| build_block::<f32>(node).ok())
        .flatten()
        .map(|b| b.param_tensors())
        .filter(|ts| total_of(ts) == total)
        .unwrap_or_else(|| crate::param_tensor::whole(total));
    let mut o = offset;
    for t in parts {
        let n = t.len();
        out.push(TensorEntry {
            name: if t.name.is_empty() {
                name.clone()
            } else {
                format!("{name}/{}", t.name)
            },
            shape: t.shape,
            offset: o,
        });
        o += n;
    }
}
