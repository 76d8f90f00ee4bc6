//! Builds `Recurrent` and `BiRecurrent` over convolutional LSTM cells (`ConvLSTMPeephole`,
//! `ConvLSTMPeephole3D`, or a `MultiRNNCell` of them) from their description; `recurrent_factory.rs` hands such a Recurrent here.

use super::init_factory::regularizer;
use super::node::Node;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::recurrent::{CellRegularizers, ConvBiRecurrent, ConvCell, ConvRecurrent, Merge};
use crate::nn::PointwiseFn;

/// The convolutional cell kinds.
pub const CONV_CELLS: [&str; 2] = ["ConvLSTMPeephole", "ConvLSTMPeephole3D"];

/// Whether `node` is a convolutional cell.
pub fn is_conv_cell(node: &Node) -> bool {
    CONV_CELLS.contains(&node.kind.as_str())
}

/// A cell's activation child `index` (`default` when absent).
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

/// One convolutional cell description, with BigDL's parameter names and defaults.
pub fn conv_cell(node: &Node) -> Result<ConvCell> {
    let dims = if node.kind == "ConvLSTMPeephole3D" {
        3
    } else {
        2
    };
    if dims == 3 && !node.children.is_empty() {
        return Err(Error::invalid(
            &node.kind,
            "takes no activations (BigDL's 3-D cell is fixed to Tanh and Sigmoid)",
        ));
    }
    let stride = node.int_or("stride", 1)?;
    if stride <= 0 {
        return Err(Error::invalid(
            &node.kind,
            format!("stride must be positive, got {stride}"),
        ));
    }
    let mut c = ConvCell::new(
        dims,
        (node.size("inputSize")?, node.size("outputSize")?),
        (node.size("kernelI")?, node.size("kernelC")?),
        stride as usize,
        node.int_or("padding", -1)?,
        node.flag("withPeephole", true)?,
    )?;
    c.activation = activation(node, 0, PointwiseFn::Tanh)?;
    c.inner = activation(node, 1, PointwiseFn::Sigmoid)?;
    c.regularizers = CellRegularizers {
        w: regularizer(node, "wRegularizer")?,
        u: regularizer(node, "uRegularizer")?,
        b: regularizer(node, "bRegularizer")?,
    };
    c.c_regularizer = regularizer(node, "cRegularizer")?;
    Ok(c)
}

/// The convolutional cells `child` describes (one, or a `MultiRNNCell` of them); `None` when it
/// holds none.
pub fn conv_cells(child: &Node) -> Result<Option<Vec<ConvCell>>> {
    if is_conv_cell(child) {
        return Ok(Some(vec![conv_cell(child)?]));
    }
    if child.kind != "MultiRNNCell" || !child.children.iter().any(is_conv_cell) {
        return Ok(None);
    }
    if !child.children.iter().all(is_conv_cell) {
        return Err(Error::invalid(
            "MultiRNNCell",
            "stacks either convolutional cells (ConvLSTMPeephole, ConvLSTMPeephole3D) or vector \
             cells, not both",
        ));
    }
    child
        .children
        .iter()
        .map(conv_cell)
        .collect::<Result<_>>()
        .map(Some)
}

/// `Recurrent` or `BiRecurrent` (without `maskZero`) over the convolutional `cells`.
pub fn build<T: Element>(
    node: &Node,
    cells: Vec<ConvCell>,
    merge: impl FnOnce() -> Result<Merge>,
) -> Result<Box<dyn Module<T>>> {
    let kind = cells.first().map_or_else(String::new, ConvCell::name);
    if node.flag("maskZero", false)? {
        return Err(Error::invalid(
            &kind,
            format!(
                "{}(maskZero = true) is not supported for convolutional cells",
                node.kind
            ),
        ));
    }
    match node.kind.as_str() {
        "Recurrent" => Ok(Box::new(ConvRecurrent::<T>::new(cells)?)),
        "BiRecurrent" => Ok(Box::new(ConvBiRecurrent::<T>::new(cells, merge()?)?)),
        other => Err(Error::invalid(
            &kind,
            format!("runs only inside Recurrent or BiRecurrent, not {other}"),
        )),
    }
}
