//! Builds criterions from descriptions: the one registry of criterion names, with BigDL's
//! parameter names and defaults.

use super::node::Attr;
use super::node::Node;
use crate::criterion::{
    CTCCriterion, CategoricalCrossEntropy, ClassNLLCriterion, ClassSimplexCriterion,
    CosineDistanceCriterion, CosineProximityCriterion, Criterion, CrossEntropyCriterion,
    DiceCoefficientCriterion, DotProductCriterion, ElementLoss, ElementwiseCriterion,
    KullbackLeiblerDivergenceCriterion, L1Cost, MultiCriterion, MultiLabelMarginCriterion,
    MultiMarginCriterion, NormalizeMode, SoftmaxWithCriterion, TimeDistributedCriterion,
};
use crate::element::Element;
use crate::error::{Error, Result};

/// Builds the criterion a description names; only `MultiCriterion` and `TimeDistributedCriterion`
/// have children (the criterions they combine).
pub fn build_criterion<T: Element>(node: &Node) -> Result<Box<dyn Criterion<T>>> {
    match node.kind.as_str() {
        "MultiCriterion" => {
            let weights = match node.float_list("weights")? {
                Some(w) if w.len() == node.children.len() => w,
                Some(w) => {
                    return Err(Error::invalid(
                        "MultiCriterion",
                        format!("{} weights for {} criterions", w.len(), node.children.len()),
                    ))
                }
                None => vec![1.0; node.children.len()],
            };
            let mut multi = MultiCriterion::new();
            for (child, w) in node.children.iter().zip(weights) {
                multi = multi.add(build_criterion(child)?, w)?;
            }
            Ok(Box::new(multi))
        }
        "TimeDistributedCriterion" => match node.children.as_slice() {
            [child] => Ok(Box::new(TimeDistributedCriterion::new(
                build_criterion(child)?,
                node.flag("sizeAverage", false)?,
                node.int_or("dimension", 2)?,
            )?)),
            other => Err(Error::invalid(
                "TimeDistributedCriterion",
                format!("needs exactly one criterion, got {}", other.len()),
            )),
        },
        _ if !node.children.is_empty() => Err(Error::invalid(
            &node.kind,
            "only MultiCriterion and TimeDistributedCriterion have child criterions",
        )),
        _ => build_leaf_criterion(node),
    }
}

fn build_leaf_criterion<T: Element>(node: &Node) -> Result<Box<dyn Criterion<T>>> {
    let average = node.flag("sizeAverage", true)?;
    let element = |loss: ElementLoss| -> Result<Box<dyn Criterion<T>>> {
        Ok(Box::new(ElementwiseCriterion::new(loss, average)?))
    };
    match node.kind.as_str() {
        "ClassNLLCriterion" => Ok(Box::new(
            ClassNLLCriterion::new(node.float_list("weights")?, average)?
                .log_prob_input(node.flag("logProbAsInput", true)?)
                .padding_value(Some(node.float_or("paddingValue", -1.0)?)),
        )),
        "CrossEntropyCriterion" => Ok(Box::new(CrossEntropyCriterion::new(
            node.float_list("weights")?,
            average,
        )?)),
        "MSECriterion" => element(ElementLoss::Mse),
        "AbsCriterion" => element(ElementLoss::Abs),
        "SmoothL1Criterion" => element(ElementLoss::SmoothL1),
        "BCECriterion" => element(ElementLoss::Bce {
            weights: node.float_list("weights")?,
        }),
        "SoftMarginCriterion" => element(ElementLoss::SoftMargin),
        "DistKLDivCriterion" => element(ElementLoss::DistKLDiv),
        "MarginCriterion" => element(ElementLoss::Margin {
            margin: node.float_or("margin", 1.0)?,
            squared: node.flag("squared", false)?,
        }),
        "MeanAbsolutePercentageCriterion" => element(ElementLoss::MeanAbsolutePercentage),
        "MeanSquaredLogarithmicCriterion" => element(ElementLoss::MeanSquaredLogarithmic),
        "PoissonCriterion" => element(ElementLoss::Poisson),
        "MultiLabelSoftMarginCriterion" => element(ElementLoss::MultiLabelSoftMargin {
            weights: node.float_list("weights")?,
        }),
        "HingeEmbeddingCriterion" => element(ElementLoss::HingeEmbedding {
            margin: node.float_or("margin", 1.0)?,
        }),
        "MultiMarginCriterion" => Ok(Box::new(MultiMarginCriterion::new(
            node.int_or("p", 1)?,
            node.float_list("weights")?,
            node.float_or("margin", 1.0)?,
            average,
        )?)),
        "MultiLabelMarginCriterion" => Ok(Box::new(MultiLabelMarginCriterion::new(average))),
        "CategoricalCrossEntropy" => Ok(Box::new(CategoricalCrossEntropy::new()?)),
        "ClassSimplexCriterion" => Ok(Box::new(ClassSimplexCriterion::new(
            node.size("nClasses")?,
        )?)),
        "KullbackLeiblerDivergenceCriterion" => Ok(Box::new(KullbackLeiblerDivergenceCriterion)),
        "CosineDistanceCriterion" => Ok(Box::new(CosineDistanceCriterion::new(average))),
        "CosineProximityCriterion" => Ok(Box::new(CosineProximityCriterion)),
        "DotProductCriterion" => Ok(Box::new(DotProductCriterion::new(
            node.flag("sizeAverage", false)?,
        ))),
        "DiceCoefficientCriterion" => Ok(Box::new(DiceCoefficientCriterion::new(
            average,
            node.float_or("epsilon", 1.0)?,
        )?)),
        "L1Cost" => Ok(Box::new(L1Cost)),
        "CTCCriterion" => Ok(Box::new(CTCCriterion::with_input_lengths(
            average,
            node.flag("inputLengths", false)?,
        ))),
        "SoftmaxWithCriterion" => {
            let mode = match node.attrs.get("normalizeMode") {
                None => NormalizeMode::Valid,
                Some(Attr::Str(s)) => NormalizeMode::parse(s)?,
                Some(_) => {
                    return Err(Error::invalid(
                        "SoftmaxWithCriterion",
                        "normalizeMode must be a string",
                    ))
                }
            };
            let ignore = match node.attrs.contains_key("ignoreLabel") {
                true => Some(node.int("ignoreLabel")? as f64),
                false => None,
            };
            Ok(Box::new(SoftmaxWithCriterion::new(ignore, mode)))
        }
        other => Err(Error::UnknownLayer {
            kind: format!("criterion {other}"),
        }),
    }
}
