//! Bottle: runs a module made for `nInputDim`-d inputs on inputs with more leading dimensions.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::nn::containers::Children;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// BigDL's `Bottle(module, nInputDim = 2, nOutputDim1 = Int.MaxValue)`: an input with more
/// than `nInputDim` dimensions has its leading dimensions fused into one, goes through
/// `module`, and the fused dimensions are restored on the output (which must have
/// `nOutputDim` dimensions; `nOutputDim1 = Int.MaxValue` means `nInputDim`). Other inputs go
/// through `module` unchanged.
///
/// # Shapes
/// - input: `[l1, ..., lj, d1, ..., d_nInputDim]`; the module gets `[l1·...·lj·d1, d2, ...]`
/// - output: `[l1, ..., lj, e1 / (l1·...·lj), e2, ...]` for a module output `[e1, e2, ...]`
pub struct Bottle<T: Element> {
    children: Children<T>,
    n_input_dim: usize,
    n_output_dim1: i64,
    n_output_dim: usize,
}

/// BigDL's `Int.MaxValue` default of `nOutputDim1`: "the same as `nInputDim`".
pub const SAME_AS_INPUT: i64 = i32::MAX as i64;

fn reshape<T: Element>(t: &Tensor<T>, shape: &[usize]) -> Result<Tensor<T>> {
    t.as_standard_layout()
        .into_owned()
        .into_shape_with_order(shape)
        .map_err(|e| Error::invalid("Bottle", e.to_string()))
}

impl<T: Element> Bottle<T> {
    pub fn new(
        module: Box<dyn ActivityModule<T>>,
        n_input_dim: i64,
        n_output_dim1: i64,
    ) -> Result<Self> {
        let n_output = if n_output_dim1 == SAME_AS_INPUT {
            n_input_dim
        } else {
            n_output_dim1
        };
        if n_input_dim < 1 || n_output < 1 || n_input_dim > 16 || n_output > 16 {
            return Err(Error::invalid(
                "Bottle",
                format!(
                    "nInputDim and nOutputDim must be in 1..=16, got {n_input_dim} and {n_output}"
                ),
            ));
        }
        Ok(Bottle {
            children: Children::new(vec![module]),
            n_input_dim: n_input_dim as usize,
            n_output_dim1,
            n_output_dim: n_output as usize,
        })
    }

    fn child(&mut self) -> Result<&mut Box<dyn ActivityModule<T>>> {
        self.children
            .modules
            .first_mut()
            .ok_or_else(|| Error::state("Bottle", "no module"))
    }

    /// How many leading dimensions are fused (`batchDims` in BigDL), when more than one.
    fn fused(&self, ndim: usize) -> Option<usize> {
        (ndim > self.n_input_dim).then(|| ndim - self.n_input_dim + 1)
    }
}

/// `shape` with its first `k` dimensions multiplied into one.
fn fuse(shape: &[usize], k: usize) -> Vec<usize> {
    let mut s = vec![shape[..k].iter().product()];
    s.extend_from_slice(&shape[k..]);
    s
}

impl<T: Element> ActivityModule<T> for Bottle<T> {
    fn describe(&self) -> String {
        let inner = self.children.describe("");
        format!(
            "Bottle({}, {}) {}",
            self.n_input_dim,
            self.n_output_dim1,
            inner.trim_start()
        )
    }

    fn num_params(&self) -> usize {
        self.children.num_params()
    }
    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        self.children.param_tensors()
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
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

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let x = input.tensor("Bottle")?;
        let Some(k) = self.fused(x.ndim()) else {
            let y = self.child()?.forward(params, input)?;
            y.tensor("Bottle")?;
            return Ok(y);
        };
        let lead: usize = x.shape()[..k - 1].iter().product();
        let xr = Activity::Tensor(reshape(x, &fuse(x.shape(), k))?);
        let n_output_dim = self.n_output_dim;
        let y = self.child()?.forward(params, &xr)?;
        let y = y.tensor("Bottle")?;
        let rows = y.shape().first().copied().unwrap_or(0);
        if y.ndim() != n_output_dim || rows.checked_rem(lead).is_some_and(|r| r != 0) {
            return Err(Error::shape(
                "Bottle (module output)",
                format!("{n_output_dim} dimensions, the first a multiple of {lead}"),
                y.shape(),
            ));
        }
        let mut shape = x.shape()[..k - 1].to_vec();
        shape.push(rows.checked_div(lead).unwrap_or(x.shape()[k - 1]));
        shape.extend_from_slice(&y.shape()[1..]);
        Ok(Activity::Tensor(reshape(y, &shape)?))
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Activity<T>,
        output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let x = input.tensor("Bottle")?;
        let Some(k) = self.fused(x.ndim()) else {
            return self
                .child()?
                .backward(params, grad_params, input, output, grad_output);
        };
        let (y, g) = (output.tensor("Bottle")?, grad_output.tensor("Bottle")?);
        if g.shape() != y.shape() || y.ndim() < k {
            return Err(Error::shape(
                "Bottle (gradOutput)",
                fmt_shape(y.shape()),
                g.shape(),
            ));
        }
        let xr = Activity::Tensor(reshape(x, &fuse(x.shape(), k))?);
        let yr = Activity::Tensor(reshape(y, &fuse(y.shape(), k))?);
        let gr = Activity::Tensor(reshape(g, &fuse(g.shape(), k))?);
        let gx = self.child()?.backward(params, grad_params, &xr, &yr, &gr)?;
        Ok(Activity::Tensor(reshape(gx.tensor("Bottle")?, x.shape())?))
    }
}
