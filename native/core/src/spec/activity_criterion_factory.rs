//! Builds criterions over tables (ParallelCriterion, the pair and Gaussian criterions,
//! SmoothL1CriterionWithWeights, TransformerCriterion) from descriptions; every other criterion
//! comes from `criterion_factory.rs`, lifted with [`TensorCriterion`].

use super::block_factory::build_block;
use super::criterion_factory::build_criterion;
use super::node::Node;
use crate::criterion::{
    ActivityCriterion, CosineEmbeddingCriterion, GaussianCriterion, KLDCriterion,
    L1HingeEmbeddingCriterion, MarginRankingCriterion, ParallelCriterion,
    SmoothL1CriterionWithWeights, TensorCriterion, TransformerCriterion,
};
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
        "TransformerCriterion" => transformer(node),
        kind @ ("MarginRankingCriterion"
        | "CosineEmbeddingCriterion"
        | "L1HingeEmbeddingCriterion"
        | "GaussianCriterion"
        | "KLDCriterion"
        | "SmoothL1CriterionWithWeights") => {
            if !node.children.is_empty() {
                return Err(Error::invalid(kind, "has no child criterions"));
            }
            table_leaf(node)
        }
        _ => Ok(Box::new(TensorCriterion(build_criterion::<T>(node)?))),
    }
}

fn table_leaf<T: Element>(node: &Node) -> Result<Box<dyn ActivityCriterion<T>>> {
    let average = node.flag("sizeAverage", true)?;
    Ok(match node.kind.as_str() {
        "MarginRankingCriterion" => Box::new(MarginRankingCriterion::new(
            node.float_or("margin", 1.0)?,
            average,
        )?),
        "CosineEmbeddingCriterion" => Box::new(CosineEmbeddingCriterion::new(
            node.float_or("margin", 0.0)?,
            average,
        )?),
        "L1HingeEmbeddingCriterion" => Box::new(L1HingeEmbeddingCriterion::new(
            node.float_or("margin", 1.0)?,
        )?),
        "GaussianCriterion" => Box::new(GaussianCriterion),
        "KLDCriterion" => Box::new(KLDCriterion::new(average)),
        _ => {
            let num = node.int_or("num", 0)?;
            let num = usize::try_from(num).map_err(|_| {
                Error::invalid(
                    "SmoothL1CriterionWithWeights",
                    format!("num {num} must not be negative"),
                )
            })?;
            Box::new(SmoothL1CriterionWithWeights::new(
                node.float_or("sigma", f64::NAN)?,
                num,
            )?)
        }
    })
}

/// `TransformerCriterion`: children are the criterion, then the input transformer when
/// `inputTransformer = 1`, then the target transformer when `targetTransformer = 1`.
fn transformer<T: Element>(node: &Node) -> Result<Box<dyn ActivityCriterion<T>>> {
    let has_input = node.flag("inputTransformer", false)?;
    let has_target = node.flag("targetTransformer", false)?;
    let want = 1 + usize::from(has_input) + usize::from(has_target);
    if node.children.len() != want {
        return Err(Error::invalid(
            "TransformerCriterion",
            format!(
                "expects {want} children (criterion, then the transformers flagged), got {}",
                node.children.len()
            ),
        ));
    }
    let criterion = build_activity_criterion::<T>(&node.children[0])?;
    let mut rest = node.children[1..].iter();
    let mut next = || rest.next().map(build_block::<T>).transpose();
    let input = if has_input { next()? } else { None };
    let target = if has_target { next()? } else { None };
    // A transformer's current weights travel in its description ("transformerWeights").
    let mut weights = node.children[1..]
        .iter()
        .map(|c| c.float_list("transformerWeights"));
    let input_w = if has_input {
        weights.next().transpose()?.flatten()
    } else {
        None
    };
    let target_w = if has_target {
        weights.next().transpose()?.flatten()
    } else {
        None
    };
    Ok(Box::new(
        TransformerCriterion::new(criterion, input, target)
            .with_transformer_weights(input_w.as_deref(), target_w.as_deref())?,
    ))
}
