//! The ranks of exported values. A ferrodl description does not record its input shape, so the
//! exporter follows ranks symbolically: a value's rank is known, unknown, or "graph input `i`'s
//! rank plus `delta`". A layer that fixes its input rank (Linear: 2, convolutions: 4, recurrent
//! layers: 3, ...) binds the graph input's rank. The bound ranks give the graph inputs and outputs
//! their shapes (every dimension symbolic), which `onnx.checker` and shape inference need, and
//! the layers that need their input rank (Transpose, reductions, ...) read it.

use crate::error::{Error, Result};
use crate::spec::Node;

/// The rank of one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    Unknown,
    Known(usize),
    /// Graph input `index`'s rank plus `delta`.
    Input {
        index: usize,
        delta: i64,
    },
}

impl Rank {
    /// This rank plus `d` (`Unknown` stays unknown).
    pub fn shift(self, d: i64) -> Rank {
        match self {
            Rank::Unknown => Rank::Unknown,
            Rank::Known(r) => usize::try_from(r as i64 + d).map_or(Rank::Unknown, Rank::Known),
            Rank::Input { index, delta } => Rank::Input {
                index,
                delta: delta + d,
            },
        }
    }
}

/// The graph inputs' ranks bound so far.
#[derive(Debug, Clone, Default)]
pub struct Ranks {
    pub bound: Vec<Option<usize>>,
}

impl Ranks {
    /// `r` with bound inputs replaced by their ranks.
    pub fn resolve(&self, r: Rank) -> Rank {
        match r {
            Rank::Input { index, delta } => match self.bound.get(index).copied().flatten() {
                Some(b) => Rank::Known(b).shift(delta),
                None => r,
            },
            other => other,
        }
    }

    /// The rank, if known.
    pub fn known(&self, r: Rank) -> Option<usize> {
        match self.resolve(r) {
            Rank::Known(k) => Some(k),
            _ => None,
        }
    }

    /// Requires rank `want` of the input of `node`: binds a graph input's rank, or checks.
    pub fn require(&mut self, node: &Node, r: Rank, want: usize) -> Result<()> {
        match self.resolve(r) {
            Rank::Known(k) if k != want => Err(Error::invalid(
                &node.kind,
                format!(
                    "ONNX export: expects an input of rank {want} (with the batch), gets rank {k}"
                ),
            )),
            Rank::Input { index, delta } => {
                let b = usize::try_from(want as i64 - delta).map_err(|_| {
                    Error::invalid(&node.kind, "ONNX export: no input rank fits this layer")
                })?;
                if let Some(slot) = self.bound.get_mut(index) {
                    *slot = Some(b);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Unifies the ranks of values that must agree (the inputs of CAddTable, JoinTable, ...).
    pub fn unify(&mut self, node: &Node, rs: &[Rank]) -> Result<Rank> {
        let known = rs.iter().find_map(|r| self.known(*r));
        match known {
            Some(k) => {
                for r in rs {
                    self.require(node, *r, k)?;
                }
                Ok(Rank::Known(k))
            }
            None => Ok(rs.first().copied().unwrap_or(Rank::Unknown)),
        }
    }
}

fn size_list(node: &Node, key: &str) -> usize {
    match node.attrs.get(key) {
        Some(crate::spec::Attr::Ints(v)) => v.len(),
        _ => 0,
    }
}

/// The rank of the output of leaf layer `node` for an input of rank `r`, binding the graph
/// inputs' ranks where the layer fixes its input rank.
pub fn leaf_rank(ranks: &mut Ranks, node: &Node, r: Rank) -> Result<Rank> {
    let fixed = |ranks: &mut Ranks, want: usize| -> Result<Rank> {
        ranks.require(node, r, want)?;
        Ok(Rank::Known(want))
    };
    Ok(match node.kind.as_str() {
        "Linear" | "BatchNormalization" | "Maxout" | "Cosine" => fixed(ranks, 2)?,
        "SpatialConvolution"
        | "SpatialDilatedConvolution"
        | "SpatialFullConvolution"
        | "SpatialMaxPooling"
        | "SpatialAveragePooling"
        | "SpatialBatchNormalization"
        | "SpatialCrossMapLRN"
        | "SpatialZeroPadding"
        | "Cropping2D"
        | "UpSampling2D" => fixed(ranks, 4)?,
        "Recurrent" | "BiRecurrent" => fixed(ranks, 3)?,
        "Reshape" => {
            let n = size_list(node, "size");
            Rank::Known(n + usize::from(node.int_or("batchMode", -1)? != 0))
        }
        "View" => Rank::Known(
            size_list(node, "sizes") + usize::from(node.int_or("numInputDims", -1)? > 0),
        ),
        "InferReshape" => {
            Rank::Known(size_list(node, "size") + usize::from(node.flag("batchMode", false)?))
        }
        "Squeeze" if !node.attrs.contains_key("dim") => Rank::Unknown,
        "Squeeze" | "Select" => r.shift(-1),
        "Unsqueeze" | "Replicate" | "LookupTable" => r.shift(1),
        "Sum" | "Mean" | "Max" | "Min" => {
            if node.flag("squeeze", true)? {
                r.shift(-1)
            } else {
                r
            }
        }
        // Everything else that exports keeps the rank of its input.
        _ => r,
    })
}
