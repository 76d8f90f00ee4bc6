//! Element-wise operations over a table of same-shaped tensors: CAddTable, CSubTable,
//! CMulTable, CDivTable, CMaxTable, CMinTable, CAveTable.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Which element-wise table operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableOp {
    /// `Σ xᵢ`
    Add,
    /// `x₁ - x₂`
    Sub,
    /// `Π xᵢ`
    Mul,
    /// `x₁ / x₂`
    Div,
    /// element-wise maximum
    Max,
    /// element-wise minimum
    Min,
    /// `Σ xᵢ / n`
    Ave,
}

impl TableOp {
    fn name(self) -> &'static str {
        match self {
            TableOp::Add => "CAddTable",
            TableOp::Sub => "CSubTable",
            TableOp::Mul => "CMulTable",
            TableOp::Div => "CDivTable",
            TableOp::Max => "CMaxTable",
            TableOp::Min => "CMinTable",
            TableOp::Ave => "CAveTable",
        }
    }
}

/// BigDL's element-wise table layers.
///
/// # Shapes
/// - input: a table of tensors of one shape (exactly two for CSubTable and CDivTable)
/// - output: a tensor of that shape
pub struct ElementwiseTable {
    op: TableOp,
}

impl ElementwiseTable {
    pub fn new(op: TableOp) -> Self {
        ElementwiseTable { op }
    }

    fn inputs<'a, T: Element>(&self, input: &'a Activity<T>) -> Result<Vec<&'a Tensor<T>>> {
        let name = self.op.name();
        let xs = input
            .table(name)?
            .iter()
            .map(|a| a.tensor(name))
            .collect::<Result<Vec<_>>>()?;
        let two = matches!(self.op, TableOp::Sub | TableOp::Div);
        if xs.is_empty() || (two && xs.len() != 2) {
            return Err(Error::invalid(
                name,
                format!(
                    "expects a table of {} tensors, got {}",
                    if two { "2" } else { "1 or more" },
                    input.describe()
                ),
            ));
        }
        if let Some(bad) = xs.iter().find(|x| x.shape() != xs[0].shape()) {
            return Err(Error::shape(
                name,
                crate::error::fmt_shape(xs[0].shape()),
                bad.shape(),
            ));
        }
        Ok(xs)
    }
}

impl<T: Element> ActivityModule<T> for ElementwiseTable {
    fn describe(&self) -> String {
        self.op.name().to_string()
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let xs = self.inputs(input)?;
        let mut y = xs[0].to_owned();
        for x in &xs[1..] {
            match self.op {
                TableOp::Add | TableOp::Ave => y += *x,
                TableOp::Sub => y -= *x,
                TableOp::Mul => y *= *x,
                TableOp::Div => y /= *x,
                TableOp::Max => y.zip_mut_with(x, |a, b| {
                    if *b > *a {
                        *a = *b
                    }
                }),
                TableOp::Min => y.zip_mut_with(x, |a, b| {
                    if *b < *a {
                        *a = *b
                    }
                }),
            }
        }
        if self.op == TableOp::Ave {
            let n = T::lit(xs.len() as f64);
            y.mapv_inplace(|v| v / n);
        }
        Ok(Activity::Tensor(y))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let xs = self.inputs(input)?;
        let name = self.op.name();
        let g = grad_output.tensor(name)?;
        if g.shape() != xs[0].shape() {
            return Err(Error::shape(
                name,
                crate::error::fmt_shape(xs[0].shape()),
                g.shape(),
            ));
        }
        let y = output.tensor(name)?;
        let n = xs.len();
        let grads: Vec<Tensor<T>> = match self.op {
            TableOp::Add => vec![g.to_owned(); n],
            TableOp::Ave => vec![g.mapv(|v| v / T::lit(n as f64)); n],
            TableOp::Sub => vec![g.to_owned(), g.mapv(|v| -v)],
            TableOp::Div => vec![g / xs[1], -(g * xs[0]) / xs[1] / xs[1]],
            TableOp::Mul => (0..n)
                .map(|i| {
                    let mut gi = g.to_owned();
                    for (j, x) in xs.iter().enumerate() {
                        if j != i {
                            gi *= *x;
                        }
                    }
                    gi
                })
                .collect(),
            TableOp::Max | TableOp::Min => {
                // The gradient goes to the first input that attains the output.
                let mut taken = ndarray::ArrayD::from_elem(g.raw_dim(), false);
                xs.iter()
                    .map(|x| {
                        let mut gi = Tensor::zeros(g.raw_dim());
                        ndarray::Zip::from(&mut gi)
                            .and(*x)
                            .and(y)
                            .and(g)
                            .and(&mut taken)
                            .for_each(|gi, xv, yv, gv, t| {
                                if !*t && xv == yv {
                                    *gi = *gv;
                                    *t = true;
                                }
                            });
                        gi
                    })
                    .collect()
            }
        };
        Ok(Activity::Table(
            grads.into_iter().map(Activity::Tensor).collect(),
        ))
    }
}
