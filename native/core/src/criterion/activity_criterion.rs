//! Criterions over activities: a table of outputs against a table of targets (ParallelCriterion),
//! and [`TensorCriterion`], which lifts every tensor criterion.

use super::traits::{Criterion, LossSum};
use crate::activity::Activity;
use crate::element::Element;
use crate::error::{Error, Result};

/// A loss whose input and target may be tables. The methods mirror [`Criterion`]'s: sums and a
/// normaliser, so that partitions add up.
pub trait ActivityCriterion<T: Element> {
    /// A short description for messages.
    fn describe(&self) -> String;

    /// Whether the reported loss is the sum divided by the normaliser.
    fn size_average(&self) -> bool;

    /// The summed loss and its normaliser.
    fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum>;

    /// The gradient of the summed loss with respect to `input`.
    fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>>;

    /// The loss as BigDL reports it.
    fn forward(&self, input: &Activity<T>, target: &Activity<T>) -> Result<f64> {
        let l = self.loss_sum(input, target)?;
        Ok(if self.size_average() && l.norm > 0.0 {
            l.sum / l.norm
        } else {
            l.sum
        })
    }

    /// The gradient of [`ActivityCriterion::forward`].
    fn backward(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
        let g = self.grad_sum(input, target)?;
        if !self.size_average() {
            return Ok(g);
        }
        let norm = self.loss_sum(input, target)?.norm;
        Ok(if norm > 0.0 { scale(g, 1.0 / norm) } else { g })
    }
}

/// Multiplies every element of an activity by `s`.
pub fn scale<T: Element>(a: Activity<T>, s: f64) -> Activity<T> {
    match a {
        Activity::Tensor(t) => Activity::Tensor(t.mapv(|v| v * T::lit(s))),
        Activity::Table(v) => Activity::Table(v.into_iter().map(|x| scale(x, s)).collect()),
    }
}

/// A tensor criterion as an [`ActivityCriterion`]: input and target must be tensors.
pub struct TensorCriterion<T: Element>(pub Box<dyn Criterion<T>>);

/// A borrowed tensor criterion as an [`ActivityCriterion`].
pub struct CriterionRef<'a, T: Element>(pub &'a dyn Criterion<T>);

/// The input tensor of a loss, which must hold at least one element: the loss of an empty batch
/// is 0/0.
fn non_empty<'a, T: Element>(
    name: &str,
    input: &'a Activity<T>,
) -> Result<&'a crate::tensor::Tensor<T>> {
    let x = input.tensor(name)?;
    if x.is_empty() {
        return Err(Error::invalid(
            name,
            format!(
                "empty batch (input shape {:?}): a loss needs at least one element",
                x.shape()
            ),
        ));
    }
    Ok(x)
}

macro_rules! lift {
    ($ty:ty) => {
        impl<T: Element> ActivityCriterion<T> for $ty {
            fn describe(&self) -> String {
                self.0.describe()
            }
            fn size_average(&self) -> bool {
                self.0.size_average()
            }
            fn loss_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<LossSum> {
                let name = self.0.describe();
                self.0
                    .loss_sum(non_empty(&name, input)?, target.tensor(&name)?)
            }
            fn grad_sum(&self, input: &Activity<T>, target: &Activity<T>) -> Result<Activity<T>> {
                let name = self.0.describe();
                Ok(Activity::Tensor(self.0.grad_sum(
                    non_empty(&name, input)?,
                    target.tensor(&name)?,
                )?))
            }
        }
    };
}
lift!(TensorCriterion<T>);
lift!(CriterionRef<'_, T>);
