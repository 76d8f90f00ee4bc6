//! MapTable: one module applied, with shared parameters, to every element of a table.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::rng::Rng;

/// Builds a fresh copy of MapTable's module (from its description).
pub type ModuleFactory<T> = Box<dyn Fn() -> Result<Box<dyn ActivityModule<T>>> + Send>;

/// BigDL's `MapTable(module)`: element `i` of the input table goes through copy `i` of
/// `module`. Copies are built on demand from the same description and all compute with the
/// same parameters (one slice of the flat buffer) and add into the same gradient slice, as
/// BigDL's clones share their weights. Non-trainable state (running statistics) is the first
/// copy's: it is what is read, and what is written to every copy.
///
/// # Shapes
/// - input: `{x_1, ..., x_n}`; output: `{module(x_1), ..., module(x_n)}`
pub struct MapTable<T: Element> {
    factory: ModuleFactory<T>,
    /// Copy 1, built with the container: it defines the parameters and buffers.
    first: Box<dyn ActivityModule<T>>,
    /// Copies 2, 3, ..., built when a table needs them.
    more: Vec<Box<dyn ActivityModule<T>>>,
    training: Option<bool>,
    seed: Option<u64>,
}

/// A backward pass's input, output and gradient tables.
type Tables<'a, T> = (&'a [Activity<T>], &'a [Activity<T>], &'a [Activity<T>]);

/// The seed of copy `i` from MapTable's seed.
fn copy_seed(seed: u64, i: usize) -> u64 {
    Rng::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64()
}

impl<T: Element> MapTable<T> {
    pub fn new(factory: ModuleFactory<T>) -> Result<Self> {
        let first = factory()?;
        Ok(MapTable {
            factory,
            first,
            more: Vec::new(),
            training: None,
            seed: None,
        })
    }

    /// All copies, the first first.
    fn copies(&mut self) -> impl Iterator<Item = &mut Box<dyn ActivityModule<T>>> {
        std::iter::once(&mut self.first).chain(self.more.iter_mut())
    }

    /// Builds copies until there are `n`, in the state of the first.
    fn extend(&mut self, n: usize) -> Result<()> {
        while self.more.len() + 1 < n {
            let mut c = (self.factory)()?;
            let first = &self.first;
            if c.num_params() != first.num_params() || c.num_buffers() != first.num_buffers() {
                return Err(Error::state(
                    "MapTable",
                    "a copy of the module has another parameter layout than the first",
                ));
            }
            let mut buffers = vec![T::zero(); first.num_buffers()];
            first.read_buffers(&mut buffers);
            c.write_buffers(&buffers);
            if let Some(t) = self.training {
                c.set_training(t);
            }
            if let Some(s) = self.seed {
                c.reseed(copy_seed(s, self.more.len() + 1));
            }
            self.more.push(c);
        }
        Ok(())
    }

    /// The input, output and gradient tables of a backward pass, checked to be as long.
    fn tables<'a>(
        &self,
        input: &'a Activity<T>,
        output: &'a Activity<T>,
        grad_output: &'a Activity<T>,
    ) -> Result<Tables<'a, T>> {
        let (xs, ys, gs) = (
            input.table("MapTable")?,
            output.table("MapTable")?,
            grad_output.table("MapTable")?,
        );
        if ys.len() != xs.len() || gs.len() != xs.len() {
            return Err(Error::invalid(
                "MapTable",
                format!(
                    "input, output and gradient tables of {}, {} and {} elements",
                    xs.len(),
                    ys.len(),
                    gs.len()
                ),
            ));
        }
        if xs.len() > self.more.len() + 1 {
            return Err(Error::state(
                "MapTable",
                "backward called with a longer table than the last forward",
            ));
        }
        Ok((xs, ys, gs))
    }
}

impl<T: Element> ActivityModule<T> for MapTable<T> {
    fn describe(&self) -> String {
        format!(
            "MapTable {{\n  {}\n}}",
            self.first.describe().replace('\n', "\n  ")
        )
    }

    fn num_params(&self) -> usize {
        self.first.num_params()
    }
    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::of_children([self.first.param_tensors()])
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.first.init_params(params, rng)
    }
    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.first.add_regularization(params, grad_params, scale)
    }
    fn num_buffers(&self) -> usize {
        self.first.num_buffers()
    }
    fn read_buffers(&self, out: &mut [T]) {
        self.first.read_buffers(out)
    }
    fn write_buffers(&mut self, src: &[T]) {
        self.copies().for_each(|c| c.write_buffers(src))
    }
    fn reseed(&mut self, seed: u64) {
        self.seed = Some(seed);
        for (i, c) in self.copies().enumerate() {
            c.reseed(copy_seed(seed, i));
        }
    }
    fn set_training(&mut self, training: bool) {
        self.training = Some(training);
        self.copies().for_each(|c| c.set_training(training))
    }

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let xs = input.table("MapTable")?;
        self.extend(xs.len())?;
        let outs = self
            .copies()
            .zip(xs)
            .map(|(c, x)| c.forward(params, x))
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
        let (xs, ys, gs) = self.tables(input, output, grad_output)?;
        let mut out = Vec::with_capacity(xs.len());
        for (i, c) in self.copies().take(xs.len()).enumerate() {
            out.push(c.backward(params, grad_params, &xs[i], &ys[i], &gs[i])?);
        }
        Ok(Activity::Table(out))
    }

    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<()> {
        let (xs, ys, gs) = self.tables(input, output, grad_output)?;
        for (i, c) in self.copies().take(xs.len()).enumerate() {
            c.backward_params(params, grad_params, &xs[i], &ys[i], &gs[i])?;
        }
        Ok(())
    }
}
