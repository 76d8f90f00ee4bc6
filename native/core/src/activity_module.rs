//! Modules over activities (tensors or tables): containers, table operations and graphs.
//!
//! Layers implement the tensor-level [`Module`]; [`Leaf`] lifts one to an [`ActivityModule`], so
//! a container holds either kind. A model's root is an `ActivityModule`.

use crate::activity::Activity;
use crate::element::Element;
use crate::error::Result;
use crate::memory;
use crate::module::Module;
use crate::param_tensor::ParamTensor;
use crate::rng::Rng;

/// A module whose input and output may be tables. The methods mirror [`Module`]'s.
pub trait ActivityModule<T: Element>: Send {
    /// A short description for messages and `toString`.
    fn describe(&self) -> String;

    /// How many scalars of the flat parameter buffer this module owns.
    fn num_params(&self) -> usize {
        0
    }

    /// The parameters as separate named tensors, as [`Module::param_tensors`].
    fn param_tensors(&self) -> Vec<ParamTensor> {
        crate::param_tensor::whole(self.num_params())
    }

    /// Fills this module's parameters with its default initialisation.
    fn init_params(&self, _params: &mut [T], _rng: &mut Rng) {}

    /// Computes the output for `input`.
    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>>;

    /// The gradient with respect to `input`; adds the parameter gradients into `grad_params`.
    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>>;

    /// Like `backward` when the input gradient is not needed.
    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<()> {
        self.backward(params, grad_params, input, output, grad_output)
            .map(|_| ())
    }

    /// Switches between training and evaluation mode.
    fn set_training(&mut self, _training: bool) {}

    /// Adds regularisation gradients times `scale`.
    fn add_regularization(&self, _params: &[T], _grad_params: &mut [T], _scale: f64) {}

    /// The length of the non-trainable state.
    fn num_buffers(&self) -> usize {
        0
    }

    /// Copies the non-trainable state into `out`.
    fn read_buffers(&self, _out: &mut [T]) {}

    /// Replaces the non-trainable state from `src`.
    fn write_buffers(&mut self, _src: &[T]) {}

    /// Re-seeds random streams.
    fn reseed(&mut self, _seed: u64) {}

    /// The recurrent layer (Recurrent, BiRecurrent) at `path` under this module: child indices
    /// in description order, empty for this module itself (BigDL's `getHiddenState` /
    /// `setHiddenState` from the JVM). Containers forward it to their children.
    fn hidden_state_at(
        &mut self,
        _path: &[usize],
    ) -> Option<&mut dyn crate::nn::recurrent::HiddenState<T>> {
        None
    }
}

/// A tensor-level layer (or tensor-only container) as an [`ActivityModule`].
pub struct Leaf<T: Element>(pub Box<dyn Module<T>>);

impl<T: Element> Leaf<T> {
    /// The tensor of `a`; the layer's name is formatted only for the error.
    fn as_tensor<'a>(&self, a: &'a Activity<T>) -> Result<&'a crate::tensor::Tensor<T>> {
        match a {
            Activity::Tensor(t) => Ok(t),
            table => table.tensor(self.0.describe().lines().next().unwrap_or_default()),
        }
    }
}

impl<T: Element> ActivityModule<T> for Leaf<T> {
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn num_params(&self) -> usize {
        self.0.num_params()
    }
    fn param_tensors(&self) -> Vec<ParamTensor> {
        self.0.param_tensors()
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.0.init_params(params, rng)
    }
    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let x = self.as_tensor(input)?;
        let y = memory::within_limit(|| self.0.forward(params, x));
        Ok(Activity::Tensor(memory::named(y, || self.0.describe())?))
    }
    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let (x, y, g) = (
            self.as_tensor(input)?,
            self.as_tensor(output)?,
            self.as_tensor(grad_output)?,
        );
        let dx = memory::within_limit(|| self.0.backward(params, grad_params, x, y, g));
        Ok(Activity::Tensor(memory::named(dx, || self.0.describe())?))
    }
    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<()> {
        let (x, y, g) = (
            self.as_tensor(input)?,
            self.as_tensor(output)?,
            self.as_tensor(grad_output)?,
        );
        let r = memory::within_limit(|| self.0.backward_params(params, grad_params, x, y, g));
        memory::named(r, || self.0.describe())
    }
    fn set_training(&mut self, training: bool) {
        self.0.set_training(training)
    }
    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.0.add_regularization(params, grad_params, scale)
    }
    fn num_buffers(&self) -> usize {
        self.0.num_buffers()
    }
    fn read_buffers(&self, out: &mut [T]) {
        self.0.read_buffers(out)
    }
    fn write_buffers(&mut self, src: &[T]) {
        self.0.write_buffers(src)
    }
    fn reseed(&mut self, seed: u64) {
        self.0.reseed(seed)
    }

    fn hidden_state_at(
        &mut self,
        path: &[usize],
    ) -> Option<&mut dyn crate::nn::recurrent::HiddenState<T>> {
        self.0.hidden_state_at(path)
    }
}
