//! TimeDistributed: a layer applied to every time step, with time folded into the batch.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `TimeDistributed(layer)`: `layer` (made for `[batch, ...]`) applied to every step of
/// a `[batch, time, ...]` input, by running it once on `[batch·time, ...]`.
///
/// # Shapes
/// - input: `[batch, time, d..]`
/// - output: `[batch, time, e..]` where `layer` maps `[n, d..]` to `[n, e..]`
/// - parameters: the layer's
pub struct TimeDistributed<T> {
    layer: Box<dyn Module<T>>,
}

impl<T: Element> TimeDistributed<T> {
    pub fn new(layer: Box<dyn Module<T>>) -> Self {
        TimeDistributed { layer }
    }

    /// `t` (`[batch, time, rest..]`) as `[batch·time, rest..]`, and the two leading sizes.
    fn fold(&self, what: &str, t: &Tensor<T>) -> Result<(Tensor<T>, usize, usize)> {
        let name = format!("{} ({what})", Module::<T>::describe(self));
        let s = t.shape();
        if s.len() < 3 {
            return Err(Error::shape(
                &name,
                "[batch, time, ...] (3 or more dimensions)",
                s,
            ));
        }
        let mut folded = vec![s[0] * s[1]];
        folded.extend_from_slice(&s[2..]);
        let f = t
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(folded)
            .map_err(|e| Error::invalid(&name, e.to_string()))?;
        Ok((f, s[0], s[1]))
    }

    /// `t` (`[batch·time, rest..]`) back to `[batch, time, rest..]`.
    fn unfold(&self, t: Tensor<T>, batch: usize, time: usize) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let s = t.shape();
        if s.first() != Some(&(batch * time)) {
            return Err(Error::shape(
                &name,
                format!("[{}, ...] from the layer", batch * time),
                s,
            ));
        }
        let mut shape = vec![batch, time];
        shape.extend_from_slice(&s[1..]);
        t.as_standard_layout()
            .into_owned()
            .into_shape_with_order(shape)
            .map_err(|e| Error::invalid(&name, e.to_string()))
    }
}

impl<T: Element> Module<T> for TimeDistributed<T> {
    fn describe(&self) -> String {
        format!("TimeDistributed({})", self.layer.describe())
    }

    fn num_params(&self) -> usize {
        self.layer.num_params()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        self.layer.param_tensors()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.layer.init_params(params, rng);
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let (x, batch, time) = self.fold("input", input)?;
        let y = self.layer.forward(params, &x)?;
        self.unfold(y, batch, time)
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        let (x, batch, time) = self.fold("input", input)?;
        let (y, _, _) = self.fold("output", output)?;
        let (gy, _, _) = self.fold("gradOutput", grad_output)?;
        let gx = self.layer.backward(params, grad_params, &x, &y, &gy)?;
        self.unfold(gx, batch, time)
    }

    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        let (x, _, _) = self.fold("input", input)?;
        let (y, _, _) = self.fold("output", output)?;
        let (gy, _, _) = self.fold("gradOutput", grad_output)?;
        self.layer.backward_params(params, grad_params, &x, &y, &gy)
    }

    fn set_training(&mut self, training: bool) {
        self.layer.set_training(training);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        self.layer.add_regularization(params, grad_params, scale);
    }

    fn num_buffers(&self) -> usize {
        self.layer.num_buffers()
    }

    fn read_buffers(&self, out: &mut [T]) {
        self.layer.read_buffers(out);
    }

    fn write_buffers(&mut self, src: &[T]) {
        self.layer.write_buffers(src);
    }

    fn reseed(&mut self, seed: u64) {
        self.layer.reseed(seed);
    }
}
