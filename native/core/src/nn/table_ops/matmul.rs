//! MM and MV: (batched) matrix-matrix and matrix-vector products of a table of two tensors.

use super::pair::{grad_tensor, two_tensors};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::gemm::matmul;
use crate::tensor::Tensor;
use ndarray::{Array3, ArrayView3, Axis, Ix3};

/// A tensor as a batch of matrices: `[m, k]` as `[1, m, k]`, `[b, m, k]` as is.
fn batch_view<'a, T: Element>(who: &str, t: &'a Tensor<T>) -> Result<ArrayView3<'a, T>> {
    let v = if t.ndim() == 2 {
        t.view().insert_axis(Axis(0))
    } else {
        t.view()
    };
    v.into_dimensionality::<Ix3>()
        .map_err(|e| Error::invalid(who, e.to_string()))
}

/// The shape `[batch, m, n]` of `op(a) · op(b)`, or an error naming `who`.
fn product_dims<T: Element>(
    who: &str,
    a: &ArrayView3<T>,
    b: &ArrayView3<T>,
    trans_a: bool,
    trans_b: bool,
) -> Result<(usize, usize, usize)> {
    let (n, m, k) = a.dim();
    let (m, k) = if trans_a { (k, m) } else { (m, k) };
    let (n2, k2, p) = b.dim();
    let (k2, p) = if trans_b { (p, k2) } else { (k2, p) };
    if n != n2 || k != k2 {
        return Err(Error::invalid(
            who,
            format!(
                "cannot multiply {} by {} (transA {trans_a}, transB {trans_b}): the batch sizes \
                 and inner dimensions must agree",
                fmt_shape(a.shape()),
                fmt_shape(b.shape())
            ),
        ));
    }
    Ok((n, m, p))
}

/// `op(a) · op(b)` for every batch entry, `op` a transpose where asked.
fn bmm<T: Element>(
    who: &str,
    a: ArrayView3<T>,
    b: ArrayView3<T>,
    trans_a: bool,
    trans_b: bool,
) -> Result<Array3<T>> {
    let mut y = Array3::zeros(product_dims(who, &a, &b, trans_a, trans_b)?);
    let a = if trans_a {
        a.permuted_axes([0, 2, 1])
    } else {
        a
    };
    let b = if trans_b {
        b.permuted_axes([0, 2, 1])
    } else {
        b
    };
    for i in 0..y.dim().0 {
        let (ai, bi) = (a.index_axis(Axis(0), i), b.index_axis(Axis(0), i));
        matmul(T::one(), ai, bi, T::zero(), y.index_axis_mut(Axis(0), i))?;
    }
    Ok(y)
}

/// The gradients of [`bmm`] with respect to `a` and `b` (in their untransposed shapes).
fn bmm_backward<T: Element>(
    a: ArrayView3<T>,
    b: ArrayView3<T>,
    g: ArrayView3<T>,
    trans_a: bool,
    trans_b: bool,
) -> Result<(Array3<T>, Array3<T>)> {
    let (mut ga, mut gb) = (Array3::zeros(a.raw_dim()), Array3::zeros(b.raw_dim()));
    let ta = if trans_a {
        a.permuted_axes([0, 2, 1])
    } else {
        a
    };
    let tb = if trans_b {
        b.permuted_axes([0, 2, 1])
    } else {
        b
    };
    for i in 0..g.dim().0 {
        let (ai, bi, gi) = (
            ta.index_axis(Axis(0), i),
            tb.index_axis(Axis(0), i),
            g.index_axis(Axis(0), i),
        );
        let (one, zero) = (T::one(), T::zero());
        let gai = ga.index_axis_mut(Axis(0), i);
        if trans_a {
            matmul(one, bi, gi.t(), zero, gai)?;
        } else {
            matmul(one, gi, bi.t(), zero, gai)?;
        }
        let gbi = gb.index_axis_mut(Axis(0), i);
        if trans_b {
            matmul(one, gi.t(), ai, zero, gbi)?;
        } else {
            matmul(one, ai.t(), gi, zero, gbi)?;
        }
    }
    Ok((ga, gb))
}

/// Reshapes a result back to `shape` (the same elements, fewer or more unit dimensions).
fn shaped<T: Element>(who: &str, t: Array3<T>, shape: &[usize]) -> Result<Activity<T>> {
    t.into_shape_with_order(shape)
        .map(Activity::Tensor)
        .map_err(|e| Error::invalid(who, e.to_string()))
}

/// BigDL's `MM(transA, transB)`: `op(a) · op(b)`, batched when both inputs are 3-d.
///
/// # Shapes
/// - input: `{[m, k], [k, n]}` or `{[b, m, k], [b, k, n]}` (the stored shapes of transposed
///   operands are the transposes)
/// - output: `[m, n]` or `[b, m, n]`
pub struct MM {
    trans_a: bool,
    trans_b: bool,
}

impl MM {
    pub fn new(trans_a: bool, trans_b: bool) -> Self {
        MM { trans_a, trans_b }
    }

    fn operands<T: Element>(input: &Activity<T>) -> Result<(&Tensor<T>, &Tensor<T>)> {
        let (a, b) = two_tensors("MM", input)?;
        if !matches!((a.ndim(), b.ndim()), (2, 2) | (3, 3)) {
            return Err(Error::invalid(
                "MM",
                format!(
                    "expects two 2-d or two 3-d (batched) tensors, got {}",
                    input.describe()
                ),
            ));
        }
        Ok((a, b))
    }
}

impl<T: Element> ActivityModule<T> for MM {
    fn describe(&self) -> String {
        format!("MM({}, {})", self.trans_a, self.trans_b)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let (a, b) = Self::operands(input)?;
        let y = bmm(
            "MM",
            batch_view("MM", a)?,
            batch_view("MM", b)?,
            self.trans_a,
            self.trans_b,
        )?;
        let shape = if a.ndim() == 2 {
            y.shape()[1..].to_vec()
        } else {
            y.shape().to_vec()
        };
        shaped("MM", y, &shape)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let (a, b) = Self::operands(input)?;
        let (va, vb) = (batch_view("MM", a)?, batch_view("MM", b)?);
        let (n, m, p) = product_dims("MM", &va, &vb, self.trans_a, self.trans_b)?;
        let want = if a.ndim() == 2 {
            vec![m, p]
        } else {
            vec![n, m, p]
        };
        let g = grad_tensor("MM", grad_output, &want)?;
        let (ga, gb) = bmm_backward(va, vb, batch_view("MM", g)?, self.trans_a, self.trans_b)?;
        Ok(Activity::Table(vec![
            shaped("MM", ga, a.shape())?,
            shaped("MM", gb, b.shape())?,
        ]))
    }
}

/// BigDL's `MV(trans)`: `op(m) · v`, batched when the matrix is 3-d.
///
/// # Shapes
/// - input: `{[r, c], [c]}` or `{[b, r, c], [b, c]}` (`[c, r]` matrices when `trans`)
/// - output: `[r]` or `[b, r]`
pub struct MV {
    trans: bool,
}

/// MV's inputs, as given and as batches of matrices.
struct MvOperands<'a, T> {
    m: &'a Tensor<T>,
    v: &'a Tensor<T>,
    mb: ArrayView3<'a, T>,
    vb: ArrayView3<'a, T>,
}

impl MV {
    pub fn new(trans: bool) -> Self {
        MV { trans }
    }

    /// The matrix and the vector, and their views as `[b, r, c]` and `[b, c, 1]`.
    fn operands<T: Element>(input: &Activity<T>) -> Result<MvOperands<'_, T>> {
        let (m, v) = two_tensors("MV", input)?;
        let vv = match (m.ndim(), v.ndim()) {
            (2, 1) => v.view().insert_axis(Axis(0)).insert_axis(Axis(2)),
            (3, 2) => v.view().insert_axis(Axis(2)),
            _ => {
                return Err(Error::invalid(
                    "MV",
                    format!(
                        "expects a 2-d matrix and a 1-d vector, or a 3-d and a 2-d batch, got {}",
                        input.describe()
                    ),
                ))
            }
        };
        let vv = vv
            .into_dimensionality::<Ix3>()
            .map_err(|e| Error::invalid("MV", e.to_string()))?;
        Ok(MvOperands {
            m,
            v,
            mb: batch_view("MV", m)?,
            vb: vv,
        })
    }
}

impl<T: Element> ActivityModule<T> for MV {
    fn describe(&self) -> String {
        format!("MV({})", self.trans)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let MvOperands {
            m, mb: vm, vb: vv, ..
        } = Self::operands(input)?;
        let y = bmm("MV", vm, vv, self.trans, false)?;
        let (b, r, _) = y.dim();
        let shape = if m.ndim() == 2 { vec![r] } else { vec![b, r] };
        shaped("MV", y, &shape)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let MvOperands {
            m,
            v,
            mb: vm,
            vb: vv,
        } = Self::operands(input)?;
        let (b, r, _) = product_dims("MV", &vm, &vv, self.trans, false)?;
        let want = if m.ndim() == 2 { vec![r] } else { vec![b, r] };
        let g3 = grad_tensor("MV", grad_output, &want)?
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order((b, r, 1))
            .map_err(|e| Error::invalid("MV", e.to_string()))?;
        let (gm, gv) = bmm_backward(vm, vv, g3.view(), self.trans, false)?;
        Ok(Activity::Table(vec![
            shaped("MV", gm, m.shape())?,
            shaped("MV", gv, v.shape())?,
        ]))
    }
}
