//! InferReshape: a reshape whose sizes may copy an input dimension (0) or be inferred (-1).

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `InferReshape(size, batchMode = false)`.
///
/// Each entry of `size` is a dimension of the output: a positive number is used as is, `0` copies
/// the input's dimension at the same position, and one `-1` is inferred from the element count.
/// With `batch_mode` the input's first dimension is kept in front of `size` (a `0` then copies
/// the input dimension after the batch, where BigDL's copies the one before: the same whenever
/// no `0` is used). For example `(4, 5, 6, 7)` through `InferReshape([4, 0, 3, -1])` becomes
/// `(4, 5, 3, 14)`.
///
/// # Shapes
/// - input: any shape with as many elements as the sizes need (and, with a `0` at position `i`,
///   at least `i + 1` dimensions)
/// - output: `size` with the copied and inferred entries filled in, after the batch dimension
///   in batch mode
#[derive(Debug, Clone)]
pub struct InferReshape {
    size: Vec<i64>,
    batch_mode: bool,
}

impl InferReshape {
    /// Validates `size`: entries are positive, 0, or a single -1.
    pub fn new(size: Vec<i64>, batch_mode: bool) -> Result<InferReshape> {
        if size.is_empty()
            || size.iter().any(|s| *s < -1)
            || size.iter().filter(|s| **s == -1).count() > 1
        {
            return Err(Error::invalid(
                "InferReshape",
                format!("size must be positive, 0 or a single -1, got {size:?}"),
            ));
        }
        Ok(InferReshape { size, batch_mode })
    }

    fn target(&self, shape: &[usize]) -> Result<Vec<usize>> {
        let bad = || {
            Error::shape(
                &format!("InferReshape({:?})", self.size),
                format!(
                    "{}an element count the sizes divide",
                    if self.batch_mode {
                        "[batch, ...] with "
                    } else {
                        ""
                    }
                ),
                shape,
            )
        };
        let start = usize::from(self.batch_mode);
        let n: usize = shape.iter().product();
        let mut out = Vec::with_capacity(self.size.len() + start);
        if self.batch_mode {
            out.push(*shape.first().ok_or_else(bad)?);
        }
        for (i, &s) in self.size.iter().enumerate() {
            out.push(match s {
                0 => *shape.get(i + start).ok_or_else(bad)?,
                -1 => 0,
                s => s as usize,
            });
        }
        let known: usize = out
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < start || self.size[i - start] != -1)
            .try_fold(1usize, |acc, (_, d)| acc.checked_mul(*d))
            .ok_or_else(bad)?;
        if let Some(p) = self.size.iter().position(|s| *s == -1) {
            if known == 0 || n % known != 0 || n == 0 {
                return Err(bad());
            }
            out[p + start] = n / known;
        } else if known != n {
            return Err(bad());
        }
        Ok(out)
    }
}

impl<T: Element> Module<T> for InferReshape {
    fn describe(&self) -> String {
        format!(
            "InferReshape({:?}, batchMode={})",
            self.size, self.batch_mode
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let target = self.target(input.shape())?;
        input
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(target)
            .map_err(|e| Error::invalid("InferReshape", e.to_string()))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("InferReshape", "gradOutput", output.shape(), grad_output)?;
        grad_output
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(input.shape())
            .map_err(|e| Error::invalid("InferReshape", e.to_string()))
    }
}
