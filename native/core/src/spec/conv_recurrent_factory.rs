//! Builds `Recurrent` over a convolutional LSTM cell (`ConvLSTMPeephole`, `ConvLSTMPeephole3D`)
//! from its description; `recurrent_factory.rs` hands such a Recurrent here.

use super::init_factory::regularizer;
use super::node::Node;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::recurrent::{CellRegularizers, ConvCell, ConvRecurrent};
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

/// `Recurrent` (without `maskZero`) over the convolutional cell `child`.
pub fn build<T: Element>(recurrent: &Node, child: &Node) -> Result<Box<dyn Module<T>>> {
    if recurrent.flag("maskZero", false)? {
        return Err(Error::invalid(
            &child.kind,
            "Recurrent(maskZero = true) is not supported for convolutional cells",
        ));
    }
    Ok(Box::new(ConvRecurrent::<T>::new(conv_cell(child)?)))
}
