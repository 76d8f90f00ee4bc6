//! The bookkeeping every activity container shares: its children's slices of the flat
//! parameter and buffer arrays, and the calls that fan out to every child.

use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::rng::Rng;

/// A container's children, in the order their parameters lie in the flat buffer.
pub struct Children<T: Element> {
    pub modules: Vec<Box<dyn ActivityModule<T>>>,
}

impl<T: Element> Children<T> {
    pub fn new(modules: Vec<Box<dyn ActivityModule<T>>>) -> Self {
        Children { modules }
    }

    pub fn len(&self) -> usize {
        self.modules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// `(offset, len)` of each child's parameters.
    pub fn ranges(&self) -> Vec<(usize, usize)> {
        let mut offset = 0;
        self.modules
            .iter()
            .map(|c| {
                let r = (offset, c.num_params());
                offset += r.1;
                r
            })
            .collect()
    }

    pub fn num_params(&self) -> usize {
        self.modules.iter().map(|c| c.num_params()).sum()
    }

    /// The children's parameter tensors, each under its index.
    pub fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::of_children(self.modules.iter().map(|c| c.param_tensors()))
    }

    pub fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        for (child, (o, n)) in self.modules.iter().zip(self.ranges()) {
            child.init_params(&mut params[o..o + n], rng);
        }
    }

    pub fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        for (child, (o, n)) in self.modules.iter().zip(self.ranges()) {
            child.add_regularization(&params[o..o + n], &mut grad_params[o..o + n], scale);
        }
    }

    pub fn num_buffers(&self) -> usize {
        self.modules.iter().map(|c| c.num_buffers()).sum()
    }

    pub fn read_buffers(&self, out: &mut [T]) {
        let mut o = 0;
        for c in &self.modules {
            let n = c.num_buffers();
            c.read_buffers(&mut out[o..o + n]);
            o += n;
        }
    }

    pub fn write_buffers(&mut self, src: &[T]) {
        let mut o = 0;
        for c in &mut self.modules {
            let n = c.num_buffers();
            c.write_buffers(&src[o..o + n]);
            o += n;
        }
    }

    pub fn reseed(&mut self, seed: u64) {
        let mut rng = Rng::new(seed);
        self.modules
            .iter_mut()
            .for_each(|c| c.reseed(rng.next_u64()));
    }

    pub fn set_training(&mut self, training: bool) {
        self.modules
            .iter_mut()
            .for_each(|c| c.set_training(training));
    }

    /// `Name {\n  (1): child\n  ...}` as BigDL prints containers.
    pub fn describe(&self, name: &str) -> String {
        let inner: Vec<String> = self
            .modules
            .iter()
            .enumerate()
            .map(|(i, c)| format!("  ({}): {}", i + 1, c.describe().replace('\n', "\n  ")))
            .collect();
        format!("{name} {{\n{}\n}}", inner.join("\n"))
    }
}

/// Implements the [`ActivityModule`] methods that only fan out to `self.children`.
macro_rules! delegate_to_children {
    () => {
        fn num_params(&self) -> usize {
            self.children.num_params()
        }
        fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
            self.children.param_tensors()
        }
        fn init_params(&self, params: &mut [T], rng: &mut crate::rng::Rng) {
            self.children.init_params(params, rng)
        }
        fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
            self.children.add_regularization(params, grad_params, scale)
        }
        fn num_buffers(&self) -> usize {
            self.children.num_buffers()
        }
        fn read_buffers(&self, out: &mut [T]) {
            self.children.read_buffers(out)
        }
        fn write_buffers(&mut self, src: &[T]) {
            self.children.write_buffers(src)
        }
        fn reseed(&mut self, seed: u64) {
            self.children.reseed(seed)
        }
        fn set_training(&mut self, training: bool) {
            self.children.set_training(training)
        }
        fn hidden_state_at(
            &mut self,
            path: &[usize],
        ) -> Option<&mut dyn crate::nn::recurrent::HiddenState<T>> {
            let (i, rest) = path.split_first()?;
            self.children.modules.get_mut(*i)?.hidden_state_at(rest)
        }
    };
}
pub(crate) use delegate_to_children;
