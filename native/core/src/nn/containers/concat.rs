//! Concat: branches over one input whose tensor outputs are concatenated.

use super::children::{delegate_to_children, Children};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::nn::table_ops::{concat, split};

/// BigDL's `Concat(dimension)`: every child gets the same input; their outputs are
/// concatenated along `dimension` (1-based, counting the batch dimension, so `Concat(2)` joins
/// the channels of NCHW outputs).
///
/// # Shapes
/// - input: any; output: the children's outputs joined along `dimension`
pub struct Concat<T: Element> {
    dimension: usize,
    children: Children<T>,
    outputs: Vec<Activity<T>>,
}

impl<T: Element> Concat<T> {
    pub fn new(dimension: usize, children: Vec<Box<dyn ActivityModule<T>>>) -> Result<Self> {
        if dimension == 0 || children.is_empty() {
            return Err(Error::invalid(
                "Concat",
                "dimension is 1-based and at least one child is needed",
            ));
        }
        Ok(Concat {
            dimension,
            children: Children::new(children),
            outputs: Vec::new(),
        })
    }

    fn name(&self) -> String {
        format!("Concat({})", self.dimension)
    }
}

impl<T: Element> ActivityModule<T> for Concat<T> {
    fn describe(&self) -> String {
        self.children.describe(&self.name())
    }

    delegate_to_children!();

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let ranges = self.children.ranges();
        self.outputs = self
            .children
            .modules
            .iter_mut()
            .zip(ranges)
            .map(|(c, (o, n))| c.forward(&params[o..o + n], input))
            .collect::<Result<Vec<_>>>()?;
        let name = self.name();
        let ys = self
            .outputs
            .iter()
            .map(|y| y.tensor(&name))
            .collect::<Result<Vec<_>>>()?;
        Ok(Activity::Tensor(concat(&name, &ys, self.dimension - 1)?))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let name = self.name();
        if self.outputs.len() != self.children.len() {
            return Err(Error::state(&name, "backward called before forward"));
        }
        let axis = self.dimension - 1;
        let sizes = self
            .outputs
            .iter()
            .map(|y| {
                y.tensor(&name)
                    .map(|t| t.shape().get(axis).copied().unwrap_or(0))
            })
            .collect::<Result<Vec<_>>>()?;
        let parts = split(&name, grad_output.tensor(&name)?, axis, &sizes)?;
        let ranges = self.children.ranges();
        let mut total: Option<Activity<T>> = None;
        for (i, ((o, n), g)) in ranges.into_iter().zip(parts).enumerate() {
            let gi = self.children.modules[i].backward(
                &params[o..o + n],
                &mut grad_params[o..o + n],
                input,
                &self.outputs[i],
                &Activity::Tensor(g),
            )?;
            match &mut total {
                None => total = Some(gi),
                Some(t) => t.add_assign(&gi, &name)?,
            }
        }
        total.ok_or_else(|| Error::state(&name, "no children"))
    }
}
