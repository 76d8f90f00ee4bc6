//! Sequential over activities: the chain when some child takes or gives a table.

use super::children::{delegate_to_children, Children};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};

/// BigDL's `Sequential` when tables flow between its children (for example a `ConcatTable`
/// followed by `CAddTable`); tensor-only chains use the tensor-level `nn::Sequential`.
///
/// # Shapes
/// - input: whatever the first child takes; output: whatever the last child gives
pub struct ActivitySequential<T: Element> {
    children: Children<T>,
    outputs: Vec<Activity<T>>,
}

impl<T: Element> ActivitySequential<T> {
    pub fn new(children: Vec<Box<dyn ActivityModule<T>>>) -> Self {
        ActivitySequential {
            children: Children::new(children),
            outputs: Vec::new(),
        }
    }
}

impl<T: Element> ActivityModule<T> for ActivitySequential<T> {
    fn describe(&self) -> String {
        self.children.describe("Sequential")
    }

    delegate_to_children!();

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let ranges = self.children.ranges();
        self.outputs.clear();
        for (i, (child, (o, n))) in self.children.modules.iter_mut().zip(ranges).enumerate() {
            let x = if i == 0 { input } else { &self.outputs[i - 1] };
            let y = child.forward(&params[o..o + n], x)?;
            self.outputs.push(y);
        }
        Ok(self
            .outputs
            .last()
            .cloned()
            .unwrap_or_else(|| input.clone()))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        if self.outputs.len() != self.children.len() {
            return Err(Error::state("Sequential", "backward called before forward"));
        }
        let ranges = self.children.ranges();
        let mut grad = grad_output.clone();
        for i in (0..self.children.len()).rev() {
            let (o, n) = ranges[i];
            let x = if i == 0 { input } else { &self.outputs[i - 1] };
            grad = self.children.modules[i].backward(
                &params[o..o + n],
                &mut grad_params[o..o + n],
                x,
                &self.outputs[i],
                &grad,
            )?;
        }
        Ok(grad)
    }
}
