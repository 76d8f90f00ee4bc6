//! FlattenTable: a nested table of tensors as one flat table.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};

/// Appends the tensors of `a`, depth first (BigDL's `Table.flatten`).
fn flatten<T: Element>(a: &Activity<T>, out: &mut Vec<Activity<T>>) {
    match a {
        Activity::Tensor(_) => out.push(a.clone()),
        Activity::Table(items) => items.iter().for_each(|i| flatten(i, out)),
    }
}

/// Rebuilds the structure of `like` from the flat gradients `flat` (BigDL's `inverseFlatten`),
/// checking that each gradient has the shape of the tensor it belongs to.
fn unflatten<'a, T: Element>(
    like: &Activity<T>,
    flat: &mut impl Iterator<Item = &'a Activity<T>>,
) -> Result<Activity<T>> {
    match like {
        Activity::Tensor(x) => {
            let g = flat
                .next()
                .ok_or_else(|| Error::invalid("FlattenTable", "gradient table too short"))?
                .tensor("FlattenTable")?;
            if g.shape() != x.shape() {
                return Err(Error::shape(
                    "FlattenTable (gradOutput)",
                    fmt_shape(x.shape()),
                    g.shape(),
                ));
            }
            Ok(Activity::Tensor(g.clone()))
        }
        Activity::Table(items) => Ok(Activity::Table(
            items
                .iter()
                .map(|i| unflatten(i, flat))
                .collect::<Result<Vec<_>>>()?,
        )),
    }
}

/// BigDL's `FlattenTable`: every tensor of an arbitrarily nested table, depth first, in one
/// table.
///
/// # Shapes
/// - input: a (nested) table of tensors, e.g. `{a, {b, {c}}, d}`
/// - output: the table of its tensors, `{a, b, c, d}`
pub struct FlattenTable;

impl<T: Element> ActivityModule<T> for FlattenTable {
    fn describe(&self) -> String {
        "FlattenTable".to_string()
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        input.table("FlattenTable")?;
        let mut out = Vec::new();
        flatten(input, &mut out);
        Ok(Activity::Table(out))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        input.table("FlattenTable")?;
        let grads = grad_output.table("FlattenTable")?;
        let mut it = grads.iter();
        let g = unflatten(input, &mut it)?;
        let extra = it.count();
        if extra > 0 {
            return Err(Error::invalid(
                "FlattenTable",
                format!(
                    "gradient table of {} for {} tensors",
                    grads.len(),
                    grads.len() - extra
                ),
            ));
        }
        Ok(g)
    }
}
