//! Sequential: a chain of modules, each fed the previous one's output.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::memory;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// BigDL's `Sequential`: runs its children in order.
///
/// The children's parameters lie one after another in the flat buffer, in the order they were
/// added. The container keeps each child's output for the backward pass.
///
/// # Shapes
/// - input: whatever the first child takes
/// - output: whatever the last child gives
pub struct Sequential<T: Element> {
    children: Vec<Box<dyn Module<T>>>,
    outputs: Vec<Tensor<T>>,
}

impl<T: Element> Default for Sequential<T> {
    fn default() -> Self {
        Sequential {
            children: Vec::new(),
            outputs: Vec::new(),
        }
    }
}

impl<T: Element> Sequential<T> {
    /// An empty container.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a child; returns `self` so calls chain as in BigDL (hence the name `add`).
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, child: Box<dyn Module<T>>) -> Self {
        self.children.push(child);
        self
    }

    /// The `(offset, len)` of each child's slice of the flat parameter buffer.
    fn ranges(&self) -> Vec<(usize, usize)> {
        let mut offset = 0;
        self.children
            .iter()
            .map(|c| {
                let r = (offset, c.num_params());
                offset += r.1;
                r
            })
            .collect()
    }
}

impl<T: Element> Module<T> for Sequential<T> {
    fn describe(&self) -> String {
        let inner: Vec<String> = self
            .children
            .iter()
            .enumerate()
            .map(|(i, c)| format!("  ({}): {}", i + 1, c.describe().replace('\n', "\n  ")))
            .collect();
        format!("Sequential {{\n{}\n}}", inner.join("\n"))
    }

    fn num_params(&self) -> usize {
        self.children.iter().map(|c| c.num_params()).sum()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::of_children(self.children.iter().map(|c| c.param_tensors()))
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        for (child, (o, n)) in self.children.iter().zip(self.ranges()) {
            child.init_params(&mut params[o..o + n], rng);
        }
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let ranges = self.ranges();
        self.outputs.clear();
        for (i, (child, (o, n))) in self.children.iter_mut().zip(ranges).enumerate() {
            let x = if i == 0 { input } else { &self.outputs[i - 1] };
            let y = memory::within_limit(|| child.forward(&params[o..o + n], x));
            let y = memory::named(y, || child.describe())?;
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
        input: &Tensor<T>,
        _output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        if self.outputs.len() != self.children.len() {
            return Err(Error::state("Sequential", "backward called before forward"));
        }
        let ranges = self.ranges();
        let mut grad = grad_output.clone();
        for i in (0..self.children.len()).rev() {
            let (o, n) = ranges[i];
            let x = if i == 0 { input } else { &self.outputs[i - 1] };
            let child = &mut self.children[i];
            let (p, gp, y) = (
                &params[o..o + n],
                &mut grad_params[o..o + n],
                &self.outputs[i],
            );
            let r = memory::within_limit(|| child.backward(p, gp, x, y, &grad));
            grad = memory::named(r, || child.describe())?;
        }
        Ok(grad)
    }

    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        _output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        if self.outputs.len() != self.children.len() {
            return Err(Error::state("Sequential", "backward called before forward"));
        }
        // Children before the first one with parameters need no gradient at all.
        let Some(first) = self.children.iter().position(|c| c.num_params() > 0) else {
            return Ok(());
        };
        let ranges = self.ranges();
        let mut grad = grad_output.clone();
        for i in (first..self.children.len()).rev() {
            let (o, n) = ranges[i];
            let x = if i == 0 { input } else { &self.outputs[i - 1] };
            let (p, gp, y) = (
                &params[o..o + n],
                &mut grad_params[o..o + n],
                &self.outputs[i],
            );
            let child = &mut self.children[i];
            if i == first {
                let r = memory::within_limit(|| child.backward_params(p, gp, x, y, &grad));
                return memory::named(r, || child.describe());
            }
            let r = memory::within_limit(|| child.backward(p, gp, x, y, &grad));
            grad = memory::named(r, || child.describe())?;
        }
        Ok(())
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        for (child, (o, n)) in self.children.iter().zip(self.ranges()) {
            child.add_regularization(&params[o..o + n], &mut grad_params[o..o + n], scale);
        }
    }

    fn num_buffers(&self) -> usize {
        self.children.iter().map(|c| c.num_buffers()).sum()
    }

    fn read_buffers(&self, out: &mut [T]) {
        let mut o = 0;
        for c in &self.children {
            let n = c.num_buffers();
            c.read_buffers(&mut out[o..o + n]);
            o += n;
        }
    }

    fn write_buffers(&mut self, src: &[T]) {
        let mut o = 0;
        for c in &mut self.children {
            let n = c.num_buffers();
            c.write_buffers(&src[o..o + n]);
            o += n;
        }
    }

    fn reseed(&mut self, seed: u64) {
        let mut rng = Rng::new(seed);
        self.children
            .iter_mut()
            .for_each(|c| c.reseed(rng.next_u64()));
    }

    fn hidden_state_at(
        &mut self,
        path: &[usize],
    ) -> Option<&mut dyn crate::nn::recurrent::HiddenState<T>> {
        let (i, rest) = path.split_first()?;
        self.children.get_mut(*i)?.hidden_state_at(rest)
    }

    fn set_training(&mut self, training: bool) {
        self.children
            .iter_mut()
            .for_each(|c| c.set_training(training));
    }
}
