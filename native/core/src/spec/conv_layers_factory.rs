//! Builds the layers of `nn::conv_layers` from descriptions.

use super::node::Node;
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;

/// The layer `node` names, if it is one of `nn::conv_layers`.
pub fn build<T: Element>(node: &Node) -> Result<Option<Box<dyn Module<T>>>> {
    // Each layer of the folder adds an arm: `"Name" => Ok(Some(Box::new(Name::new(...)?))),`.
    #[allow(clippy::match_single_binding)]
    match node.kind.as_str() {
        _ => Ok(None),
    }
}
