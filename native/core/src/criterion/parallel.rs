//! ParallelCriterion: a weighted sum of criterions, criterion `i` on element `i` of the input.

use super::activity_criterion::{scale, ActivityCriterion};
use super::traits::LossSum;
use crate::activity::Activity;
use crate::element::Element;
use crate::error::{Error, Result};

/// BigDL's `ParallelCriterion(repeatTarget = false)`: `Σᵢ wᵢ · criterionᵢ(input[i], target[i])`
/// (or `target` itself for every criterion when `repeatTarget`), each criterion's loss as it
/// reports it (size-averaged or not).
///
/// For data-parallel training the loss is reported as that sum times the batch size (the first
/// dimension of the first input tensor), with the batch size as normaliser: partitions then
/// weigh by their batch, and one partition gives exactly BigDL's loss.
///
/// # Shapes
/// - input: a table of n activities; target: a table of n (or one activity with `repeatTarget`)
pub struct ParallelCriterion<T: Element> {
    children: Vec<(Box<dyn ActivityCriterion<T>>, f64)>,
    repeat_target: bool,
}

impl<T: Element> ParallelCriterion<T> {
    pub fn new(
        children: Vec<(Box<dyn ActivityCriterion<T>>, f64)>,
        repeat_target: bool,
    ) -> Result<Self> {
        if children.is_empty() {
            return Err(Error::invalid(
                "ParallelCriterion",
                "needs at least one criterion",
            ));
        }
        if let Some((_, w)) = children.iter().find(|(_, w)| !w.is_finite()) {
            return Err(Error::invalid(
                "ParallelCriterion",
                format!("weight {w} is not finite"),
            ));
        }
        Ok(ParallelCriterion {
            children,
            repeat_target,
        })
    }

    fn pairs<'a>(
        &self,
        input: &'a Activity<T>,
        target: &'a Activity<T>,
    ) -> Result<Vec<(&'a Activity<T>, &'a Activity<T>)>> {
        let xs = input.table("ParallelCriterion")?;
        let n = self.children.len();
        if xs.len() != n {
            return Err(Error::invalid(
                "ParallelCriterion",
                format!(
                    "{n} criterions but the input is the table {}",
                    input.describe()
                ),
            ));
        }
        if self.repeat_target {
            return Ok(xs.iter().map(|x| (x, target)).collect());
        }
        let ts = target.table("ParallelCriterion")?;
        if ts.len() != n {
            return Err(Error::invalid(
                "ParallelCriterion",
                format!(
                    "{n} criterions but the target is the table {}",
                    target.describe()
                ),
            ));
        }
        Ok(xs.iter().zip(ts).collect())
    }

    fn batch(input: &Activity<T>) -> f64 {
        fn first<T: Element>(a: &Activity<T>) -> f64 {
            match a {
                Activity::Tensor(t) => t.shape().first().copied().unwrap_or(1) as f64,
                Activity::Table(v) => v.first().map(first).unwrap_or(1.0),
            }
        }
        first(input).max(1.0)
    }
}

impl<T: Element> ActivityCriterion<T> for ParallelCriterion<T> {
    fn describe(&self) -> String {
        let inner: Vec<String> = self
            .children
            .iter()
            .map(|(c, w)| format!("{} x {w}", c.describe()))
            .collect();
        format!("ParallelCriterion({})", inner.join(", "))
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
        let mut total = 0.0;
        for ((c, w), (x, t)) in self.children.iter().zip(self.pairs(input, target)?) {
            total += w * c.forward(x, t)?;
        }
        let batch = Self::batch(input);
        Ok(LossSum {
            sum: total * batch,
            norm: batch,
        })
    }

    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let batch = Self::batch(input);
        let grads = self
            .children
            .iter()
            .zip(self.pairs(input, target)?)
            .map(|((c, w), (x, t))| Ok(scale(c.backward(x, t)?, w * batch)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Activity::Table(grads))
    }
}
