//! A frozen module (`freeze()` in the Scala API, the `frozen` attribute of any description): it
//! runs as before and passes gradients to its input, but its parameter gradients are discarded
//! (as Graph does for its frozen nodes) and its regularisers add nothing, so their gradient is
//! zero and training does not move them.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::Result;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// A frozen tensor module.
pub struct Frozen<T: Element> {
    inner: Box<dyn Module<T>>,
    scratch: Vec<T>,
}

impl<T: Element> Frozen<T> {
    pub fn new(inner: Box<dyn Module<T>>) -> Self {
        Frozen {
            inner,
            scratch: Vec::new(),
        }
    }
}

/// A zeroed gradient buffer of `n` elements, reused between calls.
fn scratch<T: Element>(buf: &mut Vec<T>, n: usize) -> &mut [T] {
    buf.clear();
    buf.resize(n, T::zero());
    buf
}

/// A frozen module of the activity (table) machinery.
pub struct FrozenBlock<T: Element> {
    inner: Box<dyn ActivityModule<T>>,
    scratch: Vec<T>,
}

impl<T: Element> FrozenBlock<T> {
    pub fn new(inner: Box<dyn ActivityModule<T>>) -> Self {
        FrozenBlock {
            inner,
            scratch: Vec::new(),
        }
    }
}

/// The trait methods of a frozen wrapper: everything delegates to the inner module except the
/// backward passes, which send the parameter gradients to a scratch buffer (or skip them).
macro_rules! frozen_impl {
    ($ty:ident, $trait:ident, $data:ty) => {
        impl<T: Element> $trait<T> for $ty<T> {
            fn describe(&self) -> String {
                format!("{} (frozen)", self.inner.describe())
            }
            fn num_params(&self) -> usize {
                self.inner.num_params()
            }
            fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
                self.inner.param_tensors()
            }
            fn init_params(&self, params: &mut [T], rng: &mut Rng) {
                self.inner.init_params(params, rng)
            }
            fn forward(&mut self, params: &[T], input: &$data) -> Result<$data> {
                self.inner.forward(params, input)
            }
            fn backward(
                &mut self,
                params: &[T],
                _grad_params: &mut [T],
                input: &$data,
                output: &$data,
                grad_output: &$data,
            ) -> Result<$data> {
                let g = scratch(&mut self.scratch, params.len());
                self.inner.backward(params, g, input, output, grad_output)
            }
            fn backward_params(
                &mut self,
                _params: &[T],
                _grad_params: &mut [T],
                _input: &$data,
                _output: &$data,
                _grad_output: &$data,
            ) -> Result<()> {
                Ok(())
            }
            fn set_training(&mut self, training: bool) {
                self.inner.set_training(training)
            }
            fn num_buffers(&self) -> usize {
                self.inner.num_buffers()
            }
            fn read_buffers(&self, out: &mut [T]) {
                self.inner.read_buffers(out)
            }
            fn write_buffers(&mut self, src: &[T]) {
                self.inner.write_buffers(src)
            }
            fn reseed(&mut self, seed: u64) {
                self.inner.reseed(seed)
            }
            fn hidden_state_at(
                &mut self,
                path: &[usize],
            ) -> Option<&mut dyn crate::nn::recurrent::HiddenState<T>> {
                self.inner.hidden_state_at(path)
            }
        }
    };
}

frozen_impl!(Frozen, Module, Tensor<T>);
frozen_impl!(FrozenBlock, ActivityModule, Activity<T>);
