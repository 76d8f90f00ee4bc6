//! ConcatTable and ParallelTable: branches over one input, or one branch per table element.

use super::children::{delegate_to_children, Children};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};

/// BigDL's `ConcatTable`: every child gets the same input; the output is the table of their
/// outputs. The input gradient is the sum of the children's.
///
/// # Shapes
/// - input: any activity; output: `{child_1(input), ..., child_n(input)}`
pub struct ConcatTable<T: Element> {
    children: Children<T>,
}

impl<T: Element> ConcatTable<T> {
    pub fn new(children: Vec<Box<dyn ActivityModule<T>>>) -> Result<Self> {
        if children.is_empty() {
            return Err(Error::invalid("ConcatTable", "needs at least one child"));
        }
        Ok(ConcatTable {
            children: Children::new(children),
        })
    }
}

impl<T: Element> ActivityModule<T> for ConcatTable<T> {
    fn describe(&self) -> String {
        self.children.describe("ConcatTable")
    }

    delegate_to_children!();

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let ranges = self.children.ranges();
        let outs = self
            .children
            .modules
            .iter_mut()
            .zip(ranges)
            .map(|(c, (o, n))| c.forward(&params[o..o + n], input))
            .collect::<Result<Vec<_>>>()?;
        Ok(Activity::Table(outs))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let (outs, grads) = (
            output.table("ConcatTable")?,
            grad_output.table("ConcatTable")?,
        );
        if grads.len() != self.children.len() {
            return Err(Error::invalid(
                "ConcatTable",
                format!(
                    "{} children but a gradient table of {}",
                    self.children.len(),
                    grads.len()
                ),
            ));
        }
        let ranges = self.children.ranges();
        let mut total: Option<Activity<T>> = None;
        for (i, (o, n)) in ranges.into_iter().enumerate() {
            let g = self.children.modules[i].backward(
                &params[o..o + n],
                &mut grad_params[o..o + n],
                input,
                &outs[i],
                &grads[i],
            )?;
            match &mut total {
                None => total = Some(g),
                Some(t) => t.add_assign(&g, "ConcatTable")?,
            }
        }
        total.ok_or_else(|| Error::state("ConcatTable", "no children"))
    }
}

/// BigDL's `ParallelTable`: child `i` gets element `i` of the input table.
///
/// # Shapes
/// - input: `{x_1, ..., x_n}`; output: `{child_1(x_1), ..., child_n(x_n)}`
pub struct ParallelTable<T: Element> {
    children: Children<T>,
}

impl<T: Element> ParallelTable<T> {
    pub fn new(children: Vec<Box<dyn ActivityModule<T>>>) -> Self {
        ParallelTable {
            children: Children::new(children),
        }
    }

    fn check<'a>(&self, what: &str, a: &'a Activity<T>) -> Result<&'a [Activity<T>]> {
        let t = a.table("ParallelTable")?;
        if t.len() != self.children.len() {
            return Err(Error::invalid(
                "ParallelTable",
                format!(
                    "{} children but the {what} is a table of {}",
                    self.children.len(),
                    t.len()
                ),
            ));
        }
        Ok(t)
    }
}

impl<T: Element> ActivityModule<T> for ParallelTable<T> {
    fn describe(&self) -> String {
        self.children.describe("ParallelTable")
    }

    delegate_to_children!();

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let xs = self.check("input", input)?.to_vec();
        let ranges = self.children.ranges();
        let outs = self
            .children
            .modules
            .iter_mut()
            .zip(ranges)
            .zip(&xs)
            .map(|((c, (o, n)), x)| c.forward(&params[o..o + n], x))
            .collect::<Result<Vec<_>>>()?;
        Ok(Activity::Table(outs))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let xs = self.check("input", input)?;
        let ys = self.check("output", output)?;
        let gs = self.check("gradient", grad_output)?;
        let ranges = self.children.ranges();
        let mut out = Vec::with_capacity(xs.len());
        for (i, (o, n)) in ranges.into_iter().enumerate() {
            out.push(self.children.modules[i].backward(
                &params[o..o + n],
                &mut grad_params[o..o + n],
                &xs[i],
                &ys[i],
                &gs[i],
            )?);
        }
        Ok(Activity::Table(out))
    }
}
