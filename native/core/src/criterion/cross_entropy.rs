//! CrossEntropyCriterion: LogSoftMax followed by ClassNLLCriterion, in one criterion.

use super::class_nll::ClassNLLCriterion;
use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::nn::LogSoftMax;
use crate::tensor::Tensor;

/// BigDL's `CrossEntropyCriterion(weights = null, sizeAverage = true)` on raw scores.
///
/// # Shapes
/// - input: `[batch, n_classes]` or `[n_classes]` (scores, not probabilities)
/// - target: `[batch]` or `[batch, 1]`, 1-based class indices
#[derive(Debug, Clone)]
pub struct CrossEntropyCriterion {
    nll: ClassNLLCriterion,
}

impl CrossEntropyCriterion {
    /// A criterion with optional per-class weights.
    pub fn new(weights: Option<Vec<f64>>, size_average: bool) -> Result<Self> {
        Ok(CrossEntropyCriterion {
            nll: ClassNLLCriterion::new(weights, size_average)?,
        })
    }

    fn log_probs<T: Element>(input: &Tensor<T>) -> Result<Tensor<T>> {
        Module::<T>::forward(&mut LogSoftMax, &[], input)
    }
}

impl<T: Element> Criterion<T> for CrossEntropyCriterion {
    fn describe(&self) -> String {
        "CrossEntropyCriterion".into()
    }

    fn size_average(&self) -> bool {
        Criterion::<T>::size_average(&self.nll)
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        self.nll.loss_sum(&Self::log_probs(input)?, target)
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let lp = Self::log_probs(input)?;
        let g = self.nll.grad_sum(&lp, target)?;
        Module::<T>::backward(&mut LogSoftMax, &[], &mut [], input, &lp, &g)
    }
}
