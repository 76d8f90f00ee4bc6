//! Reductions along one dimension: Sum, Mean, Max and Min.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, IxDyn};

/// What a [`Reduce`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReduceKind {
    /// `Sum(dimension, nInputDims, sizeAverage = false, squeeze = true)`.
    Sum,
    /// `Mean(dimension, nInputDims, squeeze = true)`.
    Mean,
    /// `Max(dim, numInputDims)`: gradients go to the (first) maximum.
    Max,
    /// `Min(dim, numInputDims)`: gradients go to the (first) minimum.
    Min,
}

/// A reduction along a 1-based dimension (negative: from the end). With `n_input_dims` set and
/// an input of more dimensions, the dimension is shifted past the batch dimension.
///
/// # Shapes
/// - input: any with the dimension
/// - output: the input without that dimension (or with size 1 there when not squeezing)
#[derive(Debug, Clone)]
pub struct Reduce {
    kind: ReduceKind,
    dim: i64,
    n_input_dims: Option<usize>,
    squeeze: bool,
    /// For Max/Min: per output element, the index along the dimension that won.
    winners: Vec<usize>,
}

impl Reduce {
    /// A reduction of `kind` along `dim`.
    pub fn new(
        kind: ReduceKind,
        dim: i64,
        n_input_dims: Option<usize>,
        squeeze: bool,
    ) -> Result<Reduce> {
        if dim == 0 {
            return Err(Error::invalid(
                "Reduce",
                "dimensions are 1-based; 0 is not one",
            ));
        }
        Ok(Reduce {
            kind,
            dim,
            n_input_dims,
            squeeze,
            winners: Vec::new(),
        })
    }

    fn name(&self) -> &'static str {
        match self.kind {
            ReduceKind::Sum => "Sum",
            ReduceKind::Mean => "Mean",
            ReduceKind::Max => "Max",
            ReduceKind::Min => "Min",
        }
    }

    fn axis(&self, shape: &[usize]) -> Result<usize> {
        let rank = shape.len() as i64;
        let off = self.n_input_dims.map_or(0, |n| (rank - n as i64).max(0));
        let a = if self.dim < 0 {
            rank + self.dim
        } else {
            self.dim - 1 + off
        };
        if (0..rank).contains(&a) {
            Ok(a as usize)
        } else {
            Err(Error::shape(
                self.name(),
                format!("a tensor with dimension {}", self.dim),
                shape,
            ))
        }
    }

    fn out_shape(&self, shape: &[usize], a: usize) -> Vec<usize> {
        let mut s = shape.to_vec();
        if self.squeeze && shape.len() > 1 {
            s.remove(a);
        } else {
            s[a] = 1;
        }
        s
    }
}

impl<T: Element> Module<T> for Reduce {
    fn describe(&self) -> String {
        format!("{}({})", self.name(), self.dim)
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let a = self.axis(input.shape())?;
        let n = input.shape()[a];
        let lanes = input.lanes(Axis(a));
        let mut values = Vec::new();
        self.winners.clear();
        for lane in lanes {
            let v = match self.kind {
                ReduceKind::Sum => lane.sum(),
                ReduceKind::Mean => lane.sum() / T::lit(n as f64),
                ReduceKind::Max | ReduceKind::Min => {
                    let max = self.kind == ReduceKind::Max;
                    let mut best = 0;
                    for (i, &x) in lane.iter().enumerate() {
                        if (max && x > lane[best]) || (!max && x < lane[best]) || x.is_nan() {
                            best = i;
                        }
                    }
                    self.winners.push(best);
                    lane[best]
                }
            };
            values.push(v);
        }
        // `lanes` visits the other dimensions in row-major order: the output's order.
        Tensor::from_shape_vec(IxDyn(&self.out_shape(input.shape(), a)), values)
            .map_err(|e| Error::invalid(self.name(), e.to_string()))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(self.name(), "gradOutput", output.shape(), grad_output)?;
        let a = self.axis(input.shape())?;
        let n = input.shape()[a];
        let gy = grad_output.as_standard_layout();
        let mut gx = Tensor::<T>::zeros(IxDyn(input.shape()));
        let is_extreme = matches!(self.kind, ReduceKind::Max | ReduceKind::Min);
        if is_extreme && self.winners.len() != gy.len() {
            return Err(Error::state(self.name(), "backward called before forward"));
        }
        for (k, (mut lane, &g)) in gx.lanes_mut(Axis(a)).into_iter().zip(gy.iter()).enumerate() {
            match self.kind {
                ReduceKind::Sum => lane.fill(g),
                ReduceKind::Mean => lane.fill(g / T::lit(n as f64)),
                ReduceKind::Max | ReduceKind::Min => lane[self.winners[k]] = g,
            }
        }
        Ok(gx)
    }
}
