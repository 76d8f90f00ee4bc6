//! The module trait: what every layer and container implements.
//!
//! Parameters do not live in the modules. A model keeps all of them in one flat buffer and its
//! gradients in another; each module is handed its own slice of both, in the order its
//! [`Module::num_params`] lays out. Containers keep the activations their backward pass needs.

use crate::element::Element;
use crate::error::Result;
use crate::param_tensor::ParamTensor;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// A layer or container of layers.
pub trait Module<T: Element>: Send {
    /// A short description for messages and `toString`, e.g. `Linear(784 -> 10)`.
    fn describe(&self) -> String;

    /// How many scalars of the flat parameter buffer this module owns.
    fn num_params(&self) -> usize {
        0
    }

    /// The module's parameters as BigDL's separate tensors (`weight` `[out, in]`, `bias`
    /// `[out]`, ...), in flat-buffer order; their sizes add up to [`Module::num_params`].
    /// The default is one unnamed 1-D tensor of all of them; containers give their children's
    /// tensors under the child's index.
    fn param_tensors(&self) -> Vec<ParamTensor> {
        crate::param_tensor::whole(self.num_params())
    }

    /// Fills this module's parameters with its default initialisation.
    fn init_params(&self, _params: &mut [T], _rng: &mut Rng) {}

    /// Computes the output for `input`.
    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>>;

    /// Returns the gradient with respect to `input` and *adds* the gradient with respect to the
    /// parameters into `grad_params`. `output` is what `forward` returned for `input`.
    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>>;

    /// Like [`Module::backward`], for when nobody needs the gradient with respect to the input
    /// (the first layers of a model): only adds the parameter gradients. Layers override it to
    /// skip that work.
    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        self.backward(params, grad_params, input, output, grad_output)
            .map(|_| ())
    }

    /// Switches between training (`true`) and evaluation mode.
    fn set_training(&mut self, _training: bool) {}

    /// Adds the gradient of any regularisation penalty (wRegularizer, bRegularizer), times
    /// `scale`, to `grad_params`. Training calls it once per batch, with the batch's normaliser.
    fn add_regularization(&self, _params: &[T], _grad_params: &mut [T], _scale: f64) {}

    /// How many scalars of non-trainable state the module keeps (BatchNormalization's running
    /// statistics). Data-parallel training averages them across partitions.
    fn num_buffers(&self) -> usize {
        0
    }

    /// Copies the module's non-trainable state into `out` (`num_buffers` long).
    fn read_buffers(&self, _out: &mut [T]) {}

    /// Replaces the module's non-trainable state from `src` (`num_buffers` long).
    fn write_buffers(&mut self, _src: &[T]) {}

    /// Re-seeds any random stream the module draws from (Dropout), for reproducible training.
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
