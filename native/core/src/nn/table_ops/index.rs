//! Index: selects slices of a tensor by a tensor of (1-based) indices.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;
use ndarray::Axis;

/// BigDL's `Index(dimension)`: for the input `{t, index}`, the slices of `t` along `dimension`
/// (1-based) at the 1-based positions in `index` (a 1-d tensor), in that order; positions may
/// repeat. The gradient adds each output slice back at its position; `index` gets zeros.
///
/// # Shapes
/// - input: `{t: [..., n (at dimension), ...], index: [k]}`; output: `t`'s shape with `k` at `dimension`
pub struct Index {
    dimension: usize,
}

impl Index {
    pub fn new(dimension: usize) -> Result<Self> {
        if dimension == 0 {
            return Err(Error::invalid(
                "Index",
                "dimension is 1-based; 0 is invalid",
            ));
        }
        Ok(Index { dimension })
    }

    fn args<'a, T: Element>(&self, input: &'a Activity<T>) -> Result<(&'a Tensor<T>, Vec<usize>)> {
        let t = input.table("Index")?;
        if t.len() != 2 {
            return Err(Error::invalid(
                "Index",
                format!("expects {{tensor, index}}, got {}", input.describe()),
            ));
        }
        let (x, idx) = (t[0].tensor("Index")?, t[1].tensor("Index")?);
        let axis = self.dimension - 1;
        if axis >= x.ndim() {
            return Err(Error::shape(
                "Index",
                format!("at least {} dimensions", self.dimension),
                x.shape(),
            ));
        }
        if idx.ndim() != 1 {
            return Err(Error::shape("Index", "[k] indices", idx.shape()));
        }
        let n = x.shape()[axis];
        let rows = idx
            .iter()
            .map(|v| {
                let f = v.as_f64();
                if f.fract() != 0.0 || f < 1.0 || f > n as f64 {
                    Err(Error::invalid(
                        "Index",
                        format!(
                            "index {f} is not in 1..{n} (dimension {} of {})",
                            self.dimension,
                            fmt_shape(x.shape())
                        ),
                    ))
                } else {
                    Ok(f as usize - 1)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((x, rows))
    }
}

impl<T: Element> ActivityModule<T> for Index {
    fn describe(&self) -> String {
        format!("Index({})", self.dimension)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let (x, rows) = self.args(input)?;
        Ok(Activity::Tensor(x.select(Axis(self.dimension - 1), &rows)))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let (x, rows) = self.args(input)?;
        let axis = Axis(self.dimension - 1);
        let g = grad_output.tensor("Index")?;
        let mut expected = x.shape().to_vec();
        expected[self.dimension - 1] = rows.len();
        if g.shape() != expected.as_slice() {
            return Err(Error::shape("Index", fmt_shape(&expected), g.shape()));
        }
        let mut gx = Tensor::<T>::zeros(x.raw_dim());
        for (k, r) in rows.iter().enumerate() {
            let mut dst = gx.index_axis_mut(axis, *r);
            dst += &g.index_axis(axis, k);
        }
        let idx = input.table("Index")?[1].zeros_like();
        Ok(Activity::Table(vec![Activity::Tensor(gx), idx]))
    }
}
