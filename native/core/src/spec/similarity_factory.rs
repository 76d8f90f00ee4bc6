//! Builds the layers of `nn::similarity_layers` from descriptions: Cosine and Euclidean (tensor
//! layers, tried after `conv_layers_factory`), and Bilinear (a table layer, built by
//! `block_factory`).

use super::init_factory::{init_method, regularizer};
use super::node::Node;
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::nn::similarity_layers::{Bilinear, Cosine, Euclidean};
use crate::nn::ParamOptions;

/// The tensor layer `node` names, if it is Cosine or Euclidean.
pub fn build<T: Element>(node: &Node) -> Result<Option<Box<dyn Module<T>>>> {
    let n = node;
    Ok(Some(match node.kind.as_str() {
        "Cosine" => Box::new(Cosine::new(n.size("inputSize")?, n.size("outputSize")?)?),
        "Euclidean" => {
            // `fastBackward` only picks a caching strategy in BigDL; read it to validate it.
            n.flag("fastBackward", true)?;
            Box::new(Euclidean::new(n.size("inputSize")?, n.size("outputSize")?)?)
        }
        _ => return Ok(None),
    }))
}

/// BigDL's `Bilinear(inputSize1, inputSize2, outputSize, biasRes = true, wRegularizer,
/// bRegularizer)`, with any `weightInit`/`biasInit`.
pub fn bilinear(n: &Node) -> Result<Bilinear> {
    let weight = ParamOptions {
        init: init_method(n, "weightInit")?,
        regularizer: regularizer(n, "wRegularizer")?,
    };
    let bias = ParamOptions {
        init: init_method(n, "biasInit")?,
        regularizer: regularizer(n, "bRegularizer")?,
    };
    Ok(Bilinear::new(
        n.size("inputSize1")?,
        n.size("inputSize2")?,
        n.size("outputSize")?,
        n.flag("biasRes", true)?,
    )?
    .with_options(weight, bias))
}
