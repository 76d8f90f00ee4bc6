//! Builds criterions over tables (ParallelCriterion) from descriptions; every other criterion
//! comes from `criterion_factory.rs`, lifted with [`TensorCriterion`].

use super::criterion_factory::build_criterion;
use super::node::Node;
use crate::criterion::{ActivityCriterion, ParallelCriterion, TensorCriterion};
use crate::element::Element;
use crate::error::{Error, Result};

/// Builds the criterion a description names, as training uses it.
pub fn build_activity_criterion<T: Element>(node: &Node) -> Result<Box<dyn ActivityCriterion<T>>> {
    match node.kind.as_str() {
        "ParallelCriterion" => {
            let n = node.children.len();
            let weights = match node.float_list("weights")? {
                Some(w) if w.len() == n => w,
                Some(w) => {
                    return Err(Error::invalid(
                        "ParallelCriterion",
                        format!("{} weights for {n} criterions", w.len()),
                    ))
                }
                None => vec![1.0; n],
            };
            let children = node
                .children
                .iter()
                .zip(weights)
                .map(|(c, w)| Ok((build_activity_criterion::<T>(c)?, w)))
                .collect::<Result<Vec<_>>>()?;
            Ok(Box::new(ParallelCriterion::new(
                children,
                node.flag("repeatTarget", false)?,
            )?))
        }
        _ => Ok(Box::new(TensorCriterion(build_criterion::<T>(node)?))),
    }
}
