//! Builds the layers of `nn::recurrent` from descriptions: `Recurrent` and `BiRecurrent` with
//! their cell child (`RnnCell`, `LSTM`, `LSTMPeephole`, `GRU`, or `MultiRNNCell` of cells),
//! `RecurrentDecoder` (same child), and `TimeDistributed`. The last registry of the factory's fallback chain.

use super::init_factory::regularizer;
use super::node::{Attr, Node};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::recurrent::{
    BiRecurrent, Cell, CellKind, CellRegularizers, Highway, Merge, Recurrent, RecurrentDecoder,
    TimeDistributed,
};
use crate::nn::PointwiseFn;

/// The activation a cell's child `index` describes (`default` when absent).
fn activation(node: &Node, index: usize, default: PointwiseFn) -> Result<PointwiseFn> {
    match node.children.get(index) {
        None => Ok(default),
        Some(c) => match super::factory::pointwise(c)? {
            Some(f) => f.validated(),
            None => Err(Error::invalid(
                &node.kind,
                format!("'{}' is not an element-wise activation", c.kind),
            )),
        },
    }
}

/// One cell description.
fn cell(node: &Node) -> Result<Cell> {
    if !matches!(
        node.kind.as_str(),
        "RnnCell" | "LSTM" | "LSTMPeephole" | "GRU"
    ) {
        return Err(Error::invalid(
            "Recurrent",
            format!(
                "'{}' is not a cell (RnnCell, LSTM, LSTMPeephole, GRU, MultiRNNCell; \
                 ConvLSTMPeephole and ConvLSTMPeephole3D only in Recurrent and BiRecurrent)",
                node.kind
            ),
        ));
    }
    let (input, hidden) = match node.kind.as_str() {
        "GRU" => (node.size("inputSize")?, node.size("outputSize")?),
        _ => (node.size("inputSize")?, node.size("hiddenSize")?),
    };
    let act = |d| activation(node, 0, d);
    let kind = match node.kind.as_str() {
        "RnnCell" => CellKind::Rnn {
            activation: act(PointwiseFn::Tanh)?,
            input_bias: node.flag("isInputWithBias", true)?,
            hidden_bias: node.flag("isHiddenWithBias", true)?,
        },
        "LSTM" | "LSTMPeephole" => CellKind::Lstm {
            activation: act(PointwiseFn::Tanh)?,
            inner: activation(node, 1, PointwiseFn::Sigmoid)?,
            peephole: node.kind == "LSTMPeephole",
        },
        _ => CellKind::Gru {
            activation: act(PointwiseFn::Tanh)?,
            inner: activation(node, 1, PointwiseFn::Sigmoid)?,
        },
    };
    let mut c = Cell::new(kind, input, hidden)?.with_dropout(node.float_or("p", 0.0)?)?;
    c.regularizers = CellRegularizers {
        w: regularizer(node, "wRegularizer")?,
        u: regularizer(node, "uRegularizer")?,
        b: regularizer(node, "bRegularizer")?,
    };
    Ok(c)
}

/// The cells of a Recurrent's one child (several for a `MultiRNNCell`).
fn cells(node: &Node) -> Result<Vec<Cell>> {
    let child = match node.children.as_slice() {
        [c] => c,
        other => {
            return Err(Error::invalid(
                &node.kind,
                format!("needs exactly one cell, got {}", other.len()),
            ))
        }
    };
    if child.kind == "MultiRNNCell" {
        if child.children.is_empty() {
            return Err(Error::invalid("MultiRNNCell", "needs at least one cell"));
        }
        child.children.iter().map(cell).collect()
    } else {
        Ok(vec![cell(child)?])
    }
}

fn merge(node: &Node) -> Result<Merge> {
    match node.attrs.get("merge") {
        None => Ok(Merge::Add),
        Some(Attr::Str(s)) if s == "CAddTable" => Ok(Merge::Add),
        Some(Attr::Str(s)) if s == "JoinTable" => Ok(Merge::Join),
        Some(other) => Err(Error::invalid(
            "BiRecurrent",
            format!(
                "merge must be CAddTable or JoinTable (on the feature dimension), got {other:?}"
            ),
        )),
    }
}

/// The layer `node` names, if it is one of `nn::recurrent`; else an unknown-layer error.
pub fn build<T: Element>(node: &Node) -> Result<Box<dyn Module<T>>> {
    let mask = node.flag("maskZero", false)?;
    if let [child] = node.children.as_slice() {
        if let Some(cells) = super::conv_recurrent_factory::conv_cells(child)? {
            return super::conv_recurrent_factory::build::<T>(node, cells, || merge(node));
        }
    }
    match node.kind.as_str() {
        "Recurrent" => Ok(Box::new(Recurrent::<T>::new(cells(node)?, mask)?)),
        "BiRecurrent" => Ok(Box::new(BiRecurrent::<T>::new(
            cells(node)?,
            merge(node)?,
            mask,
        )?)),
        "RecurrentDecoder" => Ok(Box::new(RecurrentDecoder::<T>::new(
            cells(node)?,
            node.size("outputLength")?,
        )?)),
        "Highway" => Ok(Box::new(Highway::<T>::new(
            node.size("size")?,
            node.flag("withBias", true)?,
            activation(node, 0, PointwiseFn::Identity)?,
        )?)),
        "TimeDistributed" => match node.children.as_slice() {
            [layer] => Ok(Box::new(TimeDistributed::new(super::build_module::<T>(
                layer,
            )?))),
            other => Err(Error::invalid(
                "TimeDistributed",
                format!("needs exactly one layer, got {}", other.len()),
            )),
        },
        "RnnCell" | "LSTM" | "LSTMPeephole" | "GRU" | "MultiRNNCell" | "ConvLSTMPeephole"
        | "ConvLSTMPeephole3D" => Err(Error::invalid(
            &node.kind,
            "a cell runs inside Recurrent or BiRecurrent: Recurrent().add(cell)",
        )),
        _ => Err(Error::UnknownLayer {
            kind: node.kind.clone(),
        }),
    }
}
