//! Layers that only move or pick elements: View, Squeeze, Unsqueeze, Transpose, Narrow, Select.
//! Dimensions and indices are 1-based, as in BigDL; negative ones count from the end.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{Axis, IxDyn, Slice};

/// A structural operation with BigDL's parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeOp {
    /// `View(sizes)`: the same elements as `sizes` (one entry may be -1, inferred). With
    /// `num_input_dims` set and more input dimensions than that, the first is kept as a batch.
    View {
        sizes: Vec<i64>,
        num_input_dims: Option<usize>,
    },
    /// `Squeeze(dim, numInputDims)`: drops dimension `dim` if it has size 1, or every size-1
    /// dimension when `dim` is `None`.
    Squeeze {
        dim: Option<i64>,
        num_input_dims: Option<usize>,
    },
    /// `Unsqueeze(pos, numInputDims)`: inserts a size-1 dimension at `pos`.
    Unsqueeze {
        pos: i64,
        num_input_dims: Option<usize>,
    },
    /// `Transpose(permutations)`: swaps each pair of dimensions, in order.
    Transpose { pairs: Vec<(i64, i64)> },
    /// `Narrow(dimension, offset, length)`: `length` elements from `offset` along `dimension`
    /// (a negative length ends that far from the end: -1 means up to the last).
    Narrow { dim: i64, offset: i64, length: i64 },
    /// `Select(dim, index)`: the slice at `index` along `dim`, which disappears.
    Select { dim: i64, index: i64 },
}

impl ShapeOp {
    /// The BigDL class name.
    pub fn name(&self) -> &'static str {
        match self {
            ShapeOp::View { .. } => "View",
            ShapeOp::Squeeze { .. } => "Squeeze",
            ShapeOp::Unsqueeze { .. } => "Unsqueeze",
            ShapeOp::Transpose { .. } => "Transpose",
            ShapeOp::Narrow { .. } => "Narrow",
            ShapeOp::Select { .. } => "Select",
        }
    }
}

/// A layer of [`ShapeOp`].
///
/// # Shapes
/// - input: any shape the operation applies to (errors name the layer and the shape)
/// - output: the moved or picked elements
#[derive(Debug, Clone)]
pub struct ShapeLayer {
    op: ShapeOp,
}

/// A 1-based (negative: from the end) dimension of a `rank`-dimensional tensor, 0-based.
fn axis(layer: &str, d: i64, rank: usize, shape: &[usize]) -> Result<usize> {
    let r = rank as i64;
    let a = if d < 0 { r + d } else { d - 1 };
    if (0..r).contains(&a) {
        Ok(a as usize)
    } else {
        Err(Error::shape(
            layer,
            format!("a tensor with dimension {d}"),
            shape,
        ))
    }
}

impl ShapeLayer {
    /// The layer for `op`.
    pub fn new(op: ShapeOp) -> ShapeLayer {
        ShapeLayer { op }
    }

    /// Extra leading (batch) dimensions when the input has more than `num_input_dims`.
    fn batch_offset(num_input_dims: Option<usize>, rank: usize) -> usize {
        num_input_dims.map_or(0, |n| rank.saturating_sub(n))
    }

    fn output_shape(&self, shape: &[usize]) -> Result<Vec<usize>> {
        let name = self.op.name();
        let rank = shape.len();
        match &self.op {
            ShapeOp::View {
                sizes,
                num_input_dims,
            } => {
                let total: usize = shape.iter().product();
                let off = Self::batch_offset(*num_input_dims, rank);
                let lead: Vec<usize> = shape[..off].to_vec();
                let inner: usize = shape[off..].iter().product();
                let known: i64 = sizes.iter().filter(|s| **s != -1).product();
                let unknown = sizes.iter().filter(|s| **s == -1).count();
                let bad = || {
                    Error::shape(
                        name,
                        format!("{total} elements arranged as {sizes:?}"),
                        shape,
                    )
                };
                if unknown > 1 || known <= 0 || sizes.iter().any(|s| *s == 0 || *s < -1) {
                    return Err(bad());
                }
                let fill = inner as i64 / known;
                if (unknown == 0 && known != inner as i64)
                    || (unknown == 1 && fill * known != inner as i64)
                {
                    return Err(bad());
                }
                Ok(lead
                    .into_iter()
                    .chain(
                        sizes
                            .iter()
                            .map(|s| if *s == -1 { fill as usize } else { *s as usize }),
                    )
                    .collect())
            }
            ShapeOp::Squeeze {
                dim,
                num_input_dims,
            } => {
                let off = Self::batch_offset(*num_input_dims, rank);
                match dim {
                    None => Ok(shape
                        .iter()
                        .enumerate()
                        .filter(|(i, s)| *i < off || **s != 1)
                        .map(|(_, s)| *s)
                        .collect()),
                    Some(d) => {
                        let a = axis(name, *d, rank - off, shape)? + off;
                        Ok(shape
                            .iter()
                            .enumerate()
                            .filter(|(i, s)| *i != a || **s != 1)
                            .map(|(_, s)| *s)
                            .collect())
                    }
                }
            }
            ShapeOp::Unsqueeze {
                pos,
                num_input_dims,
            } => {
                let off = Self::batch_offset(*num_input_dims, rank);
                let a = axis(name, *pos, rank - off + 1, shape)? + off;
                let mut out = shape.to_vec();
                out.insert(a, 1);
                Ok(out)
            }
            ShapeOp::Transpose { pairs } => {
                let mut out = shape.to_vec();
                for (a, b) in pairs {
                    out.swap(axis(name, *a, rank, shape)?, axis(name, *b, rank, shape)?);
                }
                Ok(out)
            }
            ShapeOp::Narrow { dim, .. } | ShapeOp::Select { dim, .. } => {
                let a = axis(name, *dim, rank, shape)?;
                let (_, len) = self.range(shape[a], shape)?;
                let mut out = shape.to_vec();
                if let ShapeOp::Select { .. } = self.op {
                    out.remove(a);
                } else {
                    out[a] = len;
                }
                Ok(out)
            }
        }
    }

    /// (start, length) along the dimension of Narrow or Select, 0-based.
    fn range(&self, size: usize, shape: &[usize]) -> Result<(usize, usize)> {
        let name = self.op.name();
        // In i128, so that extreme offsets and lengths cannot overflow past the range check.
        let s = size as i128;
        let (start, len) = match self.op {
            ShapeOp::Narrow { offset, length, .. } => {
                let (offset, length) = (i128::from(offset), i128::from(length));
                let start = if offset < 0 { s + offset } else { offset - 1 };
                let len = if length < 0 {
                    s - start + length + 1
                } else {
                    length
                };
                (start, len)
            }
            ShapeOp::Select { index, .. } => {
                let index = i128::from(index);
                (if index < 0 { s + index } else { index - 1 }, 1)
            }
            _ => (0, s),
        };
        if start < 0 || len < 1 || start + len > s {
            return Err(Error::shape(
                name,
                format!(
                    "a dimension holding elements {}..{}",
                    start + 1,
                    start + len
                ),
                shape,
            ));
        }
        Ok((start as usize, len as usize))
    }
}

impl<T: Element> Module<T> for ShapeLayer {
    fn describe(&self) -> String {
        format!("{:?}", self.op)
            .replacen(" {", "(", 1)
            .replace(" }", ")")
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = self.op.name();
        let shape = input.shape();
        let out_shape = self.output_shape(shape)?;
        let reshape = |t: Tensor<T>| {
            t.into_shape_with_order(IxDyn(&out_shape))
                .map_err(|e| Error::invalid(name, e.to_string()))
        };
        match &self.op {
            ShapeOp::View { .. } | ShapeOp::Squeeze { .. } | ShapeOp::Unsqueeze { .. } => {
                reshape(input.as_standard_layout().into_owned())
            }
            ShapeOp::Transpose { pairs } => {
                let mut v = input.view();
                for (a, b) in pairs {
                    v.swap_axes(
                        axis(name, *a, shape.len(), shape)?,
                        axis(name, *b, shape.len(), shape)?,
                    );
                }
                Ok(v.as_standard_layout().into_owned())
            }
            ShapeOp::Narrow { dim, .. } | ShapeOp::Select { dim, .. } => {
                let a = axis(name, *dim, shape.len(), shape)?;
                let (start, len) = self.range(shape[a], shape)?;
                let part = input.slice_axis(Axis(a), Slice::from(start..start + len));
                reshape(part.as_standard_layout().into_owned())
            }
        }
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = self.op.name();
        check_same_shape(name, "gradOutput", output.shape(), grad_output)?;
        let shape = input.shape();
        let reshape = |t: Tensor<T>, s: &[usize]| {
            t.into_shape_with_order(IxDyn(s))
                .map_err(|e| Error::invalid(name, e.to_string()))
        };
        match &self.op {
            ShapeOp::View { .. } | ShapeOp::Squeeze { .. } | ShapeOp::Unsqueeze { .. } => {
                reshape(grad_output.as_standard_layout().into_owned(), shape)
            }
            ShapeOp::Transpose { pairs } => {
                let mut v = grad_output.view();
                for (a, b) in pairs.iter().rev() {
                    v.swap_axes(
                        axis(name, *a, shape.len(), shape)?,
                        axis(name, *b, shape.len(), shape)?,
                    );
                }
                Ok(v.as_standard_layout().into_owned())
            }
            ShapeOp::Narrow { dim, .. } | ShapeOp::Select { dim, .. } => {
                let a = axis(name, *dim, shape.len(), shape)?;
                let (start, len) = self.range(shape[a], shape)?;
                let mut gx = Tensor::<T>::zeros(IxDyn(shape));
                let mut part_shape = shape.to_vec();
                part_shape[a] = len;
                let g = reshape(grad_output.as_standard_layout().into_owned(), &part_shape)?;
                gx.slice_axis_mut(Axis(a), Slice::from(start..start + len))
                    .assign(&g);
                Ok(gx)
            }
        }
    }
}
