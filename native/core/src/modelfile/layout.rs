//! The parameter tensors of a module tree: names, shapes and offsets in the flat weights,
//! computed by building the tree with the factory (which also rejects unknown layer types).

use super::contents::TensorEntry;
use crate::error::Result;
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
/// Leaves with parameters get one tensor each. A container whose children's parameters do not
/// add up to its own (a layer that keeps parameters of its own besides its children's, or
/// children that cannot be built alone, like a Graph's inputs) is one tensor as a whole.
pub fn layout(graph: &Node) -> Result<GraphLayout> {
    let root = build_block::<f32>(graph)?;
    let num_params = root.num_params();
    let mut tensors = Vec::new();
    walk(graph, "", 0, 0, num_params, &mut tensors);
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

fn walk(
    node: &Node,
    parent: &str,
    index: usize,
    offset: usize,
    total: usize,
    out: &mut Vec<TensorEntry>,
) {
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
            walk(c, &name, i, o, n, out);
            o += n;
        }
        return;
    }
    out.push(TensorEntry {
        name,
        shape: vec![total],
        offset,
    });
}
