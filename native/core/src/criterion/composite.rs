//! Criterions built from other criterions: MultiCriterion and TimeDistributedCriterion.
//!
//! Their loss is the value BigDL reports for the batch (a combination of the children's own,
//! possibly averaged, losses). To keep partial results additive they report it as
//! `LossSum { sum: value · n, norm: n }`, `n` the number of samples, so that data-parallel
//! partitions are weighted by their batch size.

use super::checks::samples;
use super::traits::{Criterion, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::{check_same_shape, Tensor};
use ndarray::Axis;

/// BigDL's `MultiCriterion()`: the weighted sum `Σ_k w_k · c_k(input, target)` of child criterions,
/// each applied to the same input and target.
///
/// # Shapes
/// - input, target: whatever every child accepts
pub struct MultiCriterion<T: Element> {
    children: Vec<(Box<dyn Criterion<T>>, f64)>,
}

impl<T: Element> MultiCriterion<T> {
    /// An empty sum (its loss is 0 until children are added).
    pub fn new() -> Self {
        MultiCriterion {
            children: Vec::new(),
        }
    }

    /// Adds `criterion` with `weight` (BigDL's `add(criterion, weight = 1)`).
    pub fn add(mut self, criterion: Box<dyn Criterion<T>>, weight: f64) -> Result<Self> {
        if !weight.is_finite() {
            return Err(Error::invalid(
                "MultiCriterion",
                format!("weight {weight} of {} is not finite", criterion.describe()),
            ));
        }
        self.children.push((criterion, weight));
        Ok(self)
    }
}

impl<T: Element> Default for MultiCriterion<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Element> Criterion<T> for MultiCriterion<T> {
    fn describe(&self) -> String {
        let inner: Vec<String> = self
            .children
            .iter()
            .map(|(c, w)| format!("{w} * {}", c.describe()))
            .collect();
        format!("MultiCriterion({})", inner.join(" + "))
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let mut value = 0.0;
        for (c, w) in &self.children {
            value += w * c.forward(input, target)?;
        }
        let n = samples(input) as f64;
        Ok(LossSum {
            sum: value * n,
            norm: n,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let n = samples(input) as f64;
        let mut grad = Tensor::<T>::zeros(input.raw_dim());
        for (c, w) in &self.children {
            let g = c.backward(input, target)?;
            check_same_shape(&c.describe(), "gradient", input.shape(), &g)?;
            grad.scaled_add(T::lit(w * n), &g);
        }
        Ok(grad)
    }
}

const TIME: &str = "TimeDistributedCriterion";

/// BigDL's `TimeDistributedCriterion(critrn, sizeAverage = false, dimension = 2)`: the child
/// criterion applied to every slice of input and target along `dimension` (1-based; 2 is time
/// for `[batch, time, ...]`), the slices' losses summed, and divided by the number of slices when
/// size-averaged.
///
/// # Shapes
/// - input: at least `dimension` dimensions, e.g. `[batch, time, n_classes]`
/// - target: the same size along `dimension`, e.g. `[batch, time]` (each slice is what the
///   child accepts)
pub struct TimeDistributedCriterion<T: Element> {
    child: Box<dyn Criterion<T>>,
    size_average: bool,
    dimension: usize,
}

impl<T: Element> TimeDistributedCriterion<T> {
    /// Applies `child` along the 1-based `dimension`.
    pub fn new(child: Box<dyn Criterion<T>>, size_average: bool, dimension: i64) -> Result<Self> {
        let dimension = usize::try_from(dimension)
            .ok()
            .filter(|d| *d >= 1)
            .ok_or_else(|| {
                Error::invalid(TIME, format!("dimension must be >= 1, got {dimension}"))
            })?;
        Ok(TimeDistributedCriterion {
            child,
            size_average,
            dimension,
        })
    }

    /// The 0-based axis and the number of steps along it, checked on both tensors.
    fn steps(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<(Axis, usize)> {
        let d = self.dimension;
        let expected = || format!("at least {d} dimensions (dimension = {d})");
        if input.ndim() < d {
            return Err(Error::shape(TIME, expected(), input.shape()));
        }
        let steps = input.shape()[d - 1];
        if target.ndim() < d || target.shape()[d - 1] != steps {
            return Err(Error::shape(
                &format!("{TIME} (target)"),
                format!("{steps} steps along dimension {d}, as the input"),
                target.shape(),
            ));
        }
        Ok((Axis(d - 1), steps))
    }

    /// The child's loss on each slice, summed (and averaged over slices when size-averaged).
    fn value(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<f64> {
        let (axis, steps) = self.steps(input, target)?;
        let mut value = 0.0;
        for s in 0..steps {
            let x = input.index_axis(axis, s).as_standard_layout().into_owned();
            let t = target.index_axis(axis, s).as_standard_layout().into_owned();
            value += self.child.forward(&x, &t)?;
        }
        Ok(if self.size_average && steps > 0 {
            value / steps as f64
        } else {
            value
        })
    }

    /// The samples the loss is reported over: the batch, unless the batch is the sliced axis.
    fn samples(&self, input: &Tensor<T>) -> usize {
        if self.dimension == 1 {
            1
        } else {
            samples(input)
        }
    }
}

impl<T: Element> Criterion<T> for TimeDistributedCriterion<T> {
    fn describe(&self) -> String {
        format!(
            "{TIME}({}, dimension = {})",
            self.child.describe(),
            self.dimension
        )
    }

    fn size_average(&self) -> bool {
        true
    }

    fn loss_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<LossSum> {
        let n = self.samples(input) as f64;
        Ok(LossSum {
            sum: self.value(input, target)? * n,
            norm: n,
        })
    }

    fn grad_sum(&self, input: &Tensor<T>, target: &Tensor<T>) -> Result<Tensor<T>> {
        let (axis, steps) = self.steps(input, target)?;
        let mut scale = self.samples(input) as f64;
        if self.size_average && steps > 0 {
            scale /= steps as f64;
        }
        let mut grad = Tensor::<T>::zeros(input.raw_dim());
        for s in 0..steps {
            let x = input.index_axis(axis, s).as_standard_layout().into_owned();
            let t = target.index_axis(axis, s).as_standard_layout().into_owned();
            let g = self.child.backward(&x, &t)?;
            check_same_shape(&self.child.describe(), "gradient", x.shape(), &g)?;
            grad.index_axis_mut(axis, s).scaled_add(T::lit(scale), &g);
        }
        Ok(grad)
    }
}
