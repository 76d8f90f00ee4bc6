//! The criterion trait, split into sums and a normaliser so that data-parallel training can add
//! partial sums from every partition and divide once, on the driver.

use crate::element::Element;
use crate::error::Result;
use crate::tensor::Tensor;

/// A loss summed over a batch, with the normaliser a size-averaged loss divides it by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossSum {
    /// The un-normalised loss.
    pub sum: f64,
    /// The count (or total sample weight) the mean divides by.
    pub norm: f64,
}

/// A loss function.
pub trait Criterion<T: Element>: Send {
    /// A short description for messages.
    fn describe(&self) -> String;

    /// Whether the loss is the sum divided by the normaliser (BigDL's `sizeAverage`).
    fn size_average(&self) -> bool;

    /// The summed loss and its normaliser for a batch.
    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum>;

    /// The gradient of the *summed* loss with respect to `input`.
    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>>;

    /// The loss as BigDL reports it: the sum, divided by the normaliser when size-averaged.
    fn forward(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<f64> {
        let l = self.loss_sum(input, target)?;
        Ok(if self.size_average() && l.norm > 0.0 {
            l.sum / l.norm
        } else {
            l.sum
        })
    }

    /// The gradient of [`Criterion::forward`] with respect to `input`.
    fn backward(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let g = self.grad_sum(input, target)?;
        if !self.size_average() {
            return Ok(g);
        }
        let norm = self.loss_sum(input, target)?.norm;
        Ok(if norm > 0.0 {
            g.mapv(|x| x / T::lit(norm))
        } else {
            g
        })
    }
}
