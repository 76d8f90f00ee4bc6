//! A model: one module tree plus the flat weight and gradient buffers it computes with.

use crate::activity::Activity;
use crate::activity_module::{ActivityModule, Leaf};
use crate::criterion::{ActivityCriterion, Criterion, CriterionRef, LossSum};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// A module with its parameters: all weights in one flat buffer, all gradients in another.
///
/// The model owns both buffers; the JVM copies whole buffers in and out, never one per layer.
pub struct Model<T: Element> {
    module: Box<dyn ActivityModule<T>>,
    weights: Vec<T>,
    grads: Vec<T>,
    last: Option<(Activity<T>, Activity<T>)>,
}

impl<T: Element> Model<T> {
    /// Wraps `module` with its default initialisation drawn from `seed`.
    ///
    /// Fails, instead of aborting the process, when the buffers cannot be allocated.
    pub fn new(module: Box<dyn Module<T>>, seed: u64) -> Result<Model<T>> {
        Self::from_block(Box::new(Leaf(module)), seed)
    }

    /// Wraps a module over activities (containers of tables, graphs) as [`Model::new`] does.
    pub fn from_block(module: Box<dyn ActivityModule<T>>, seed: u64) -> Result<Model<T>> {
        let n = module.num_params();
        crate::memory::reserve(
            "model (weights and gradients)",
            n.saturating_mul(2 * std::mem::size_of::<T>()),
        )?;
        let alloc = |what: &str| -> Result<Vec<T>> {
            let mut v = Vec::new();
            if n > crate::error::MAX_ELEMENTS || v.try_reserve_exact(n).is_err() {
                return Err(Error::invalid(
                    "model",
                    format!("cannot allocate the {what} buffer of {n} parameters"),
                ));
            }
            v.resize(n, T::zero());
            Ok(v)
        };
        let mut weights = alloc("weight")?;
        let grads = alloc("gradient")?;
        let mut rng = Rng::new(seed);
        module.init_params(&mut weights, &mut rng);
        let mut module = module;
        module.reseed(rng.next_u64());
        Ok(Model {
            module,
            weights,
            grads,
            last: None,
        })
    }

    /// The recurrent layer at `path` (child indices in description order from the root, empty
    /// for the root), for BigDL's `getHiddenState` / `setHiddenState`.
    pub fn hidden_state_at(
        &mut self,
        path: &[usize],
    ) -> Result<&mut dyn crate::nn::recurrent::HiddenState<T>> {
        let name = self.module.describe();
        let first = name.lines().next().unwrap_or_default().to_string();
        self.module.hidden_state_at(path).ok_or_else(|| {
            Error::invalid(
                "hidden state",
                format!("no Recurrent or BiRecurrent at child path {path:?} of {first}"),
            )
        })
    }

    /// The module tree, as text.
    pub fn describe(&self) -> String {
        self.module.describe()
    }

    /// The number of parameters.
    pub fn num_params(&self) -> usize {
        self.weights.len()
    }

    /// The flat weights.
    pub fn weights(&self) -> &[T] {
        &self.weights
    }

    /// The flat gradients (accumulated since the last [`Model::zero_grad`]).
    pub fn grads(&self) -> &[T] {
        &self.grads
    }

    /// Replaces all weights; `weights` must have exactly [`Model::num_params`] elements.
    pub fn set_weights(&mut self, weights: &[T]) -> Result<()> {
        self.check_len("setWeights", "weight", weights.len())?;
        self.weights.copy_from_slice(weights);
        Ok(())
    }

    /// Copies the weights into `out`, which must have [`Model::num_params`] elements.
    pub fn copy_weights_to(&self, out: &mut [T]) -> Result<()> {
        self.check_len("getWeights", "weight", out.len())?;
        out.copy_from_slice(&self.weights);
        Ok(())
    }

    /// Copies the gradients into `out`, which must have [`Model::num_params`] elements.
    pub fn copy_grads_to(&self, out: &mut [T]) -> Result<()> {
        self.check_len("getGradients", "gradient", out.len())?;
        out.copy_from_slice(&self.grads);
        Ok(())
    }

    fn check_len(&self, op: &str, what: &str, actual: usize) -> Result<()> {
        if actual == self.weights.len() {
            Ok(())
        } else {
            Err(Error::BufferSize {
                op: op.into(),
                what: what.into(),
                expected: self.weights.len(),
                actual,
            })
        }
    }

    /// Sets all gradients to zero.
    pub fn zero_grad(&mut self) {
        self.grads.iter_mut().for_each(|g| *g = T::zero());
    }

    /// The non-trainable state (running statistics), flat.
    pub fn buffers(&self) -> Vec<T> {
        let mut out = vec![T::zero(); self.module.num_buffers()];
        self.module.read_buffers(&mut out);
        out
    }

    /// Replaces the non-trainable state; `src` must have the length [`Model::buffers`] has.
    pub fn set_buffers(&mut self, src: &[T]) -> Result<()> {
        let n = self.module.num_buffers();
        if src.len() != n {
            return Err(Error::BufferSize {
                op: "setBuffers".into(),
                what: "buffer".into(),
                expected: n,
                actual: src.len(),
            });
        }
        self.module.write_buffers(src);
        Ok(())
    }

    /// Re-seeds the random streams of the modules (Dropout), e.g. per iteration and partition.
    pub fn reseed(&mut self, seed: u64) {
        self.module.reseed(seed);
    }

    /// Switches training (`true`) or evaluation mode.
    pub fn set_training(&mut self, training: bool) {
        self.module.set_training(training);
    }

    /// Runs the forward pass and keeps input and output for [`Model::backward`]; the model's
    /// output must be a tensor (see [`Model::forward_activity`] for tables).
    pub fn forward(&mut self, input: Tensor<T>) -> Result<&Tensor<T>> {
        self.forward_activity(Activity::Tensor(input))?;
        self.output_tensor()
    }

    /// The forward pass on a tensor or a table.
    pub fn forward_activity(&mut self, input: Activity<T>) -> Result<&Activity<T>> {
        input.check_finite("forward", "input")?;
        self.last = None;
        let output = self.module.forward(&self.weights, &input)?;
        Ok(&self.last.insert((input, output)).1)
    }

    fn output_tensor(&self) -> Result<&Tensor<T>> {
        match &self.last {
            Some((_, Activity::Tensor(y))) => Ok(y),
            Some((_, y)) => Err(Error::invalid(
                "forward",
                format!(
                    "the model's output is the table {}; use the Activity forward (forward(x: Activity) in Scala)",
                    y.describe()
                ),
            )),
            None => Err(Error::state("forward", "no output")),
        }
    }

    /// The output of the last forward pass, if any and if it is a tensor.
    pub fn output(&self) -> Option<&Tensor<T>> {
        self.output_tensor().ok()
    }

    /// The output of the last forward pass (a tensor or a table), if any.
    pub fn output_activity(&self) -> Option<&Activity<T>> {
        self.last.as_ref().map(|(_, y)| y)
    }

    /// Backpropagates `grad_output` through the last forward pass, adding into the gradients.
    pub fn backward(&mut self, grad_output: &Tensor<T>) -> Result<Tensor<T>> {
        match self.backward_activity(&Activity::Tensor(grad_output.clone()))? {
            Activity::Tensor(g) => Ok(g),
            g => Err(Error::invalid(
                "backward",
                format!(
                    "the model's input gradient is the table {}; use the Activity backward",
                    g.describe()
                ),
            )),
        }
    }

    /// [`Model::backward`] for table gradients.
    pub fn backward_activity(&mut self, grad_output: &Activity<T>) -> Result<Activity<T>> {
        let (input, output) = self
            .last
            .as_ref()
            .ok_or_else(|| Error::state("backward", "called before forward"))?;
        self.module
            .backward(&self.weights, &mut self.grads, input, output, grad_output)
    }

    /// One training step's computation on a batch: zero the gradients, forward, loss, backward.
    ///
    /// Returns the *summed* loss and its normaliser; the gradients are those of the summed loss,
    /// so partial results from many partitions add up and are divided once by the total norm.
    /// A criterion that is not size-averaged reports a normaliser of 1: partitions' sums are then
    /// averaged across partitions, as BigDL averages its replicas' gradients.
    pub fn train_batch(
        &mut self,
        criterion: &dyn Criterion<T>,
        input: Tensor<T>,
        target: &Tensor<T>,
    ) -> Result<LossSum> {
        self.train_batch_activity(
            &CriterionRef(criterion),
            Activity::Tensor(input),
            &Activity::Tensor(target.clone()),
        )
    }

    /// [`Model::train_batch`] for models and criterions over tables (several inputs or outputs).
    pub fn train_batch_activity(
        &mut self,
        criterion: &dyn ActivityCriterion<T>,
        input: Activity<T>,
        target: &Activity<T>,
    ) -> Result<LossSum> {
        self.zero_grad();
        self.set_training(true);
        self.forward_activity(input)?;
        let (input, output) = self
            .last
            .as_ref()
            .ok_or_else(|| Error::state("train", "forward produced no output"))?;
        let loss = criterion.loss_sum(output, target)?;
        let grad = criterion.grad_sum(output, target)?;
        self.module
            .backward_params(&self.weights, &mut self.grads, input, output, &grad)?;
        // Penalties scale with the normaliser, so that after the driver divides the summed
        // gradients by the total normaliser each update carries exactly one penalty gradient.
        let scale = if criterion.size_average() {
            loss.norm
        } else {
            1.0
        };
        self.module
            .add_regularization(&self.weights, &mut self.grads, scale);
        let bad = (!crate::tensor::all_finite(&self.grads))
            .then(|| self.grads.iter().position(|g| !g.is_finite()))
            .flatten();
        if let Some(index) = bad {
            return Err(Error::NonFinite {
                op: "backward".into(),
                what: "gradient".into(),
                index,
            });
        }
        Ok(if criterion.size_average() {
            loss
        } else {
            LossSum {
                sum: loss.sum,
                norm: 1.0,
            }
        })
    }
}
