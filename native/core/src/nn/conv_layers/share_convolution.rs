//! SpatialShareConvolution: BigDL's SpatialConvolution that shares its im2col buffers between
//! layers; here the same math under its own name.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::{ConvConfig, SpatialConvolution};
use crate::rng::Rng;
use crate::tensor::Tensor;

/// BigDL's `SpatialShareConvolution(nInputPlane, nOutputPlane, kernelW, kernelH, strideW = 1,
/// strideH = 1, padW = 0, padH = 0, nGroup = 1, propagateBack = true, ..., withBias = true)`:
/// [`SpatialConvolution`]'s computation, parameters and initialisation; messages name this layer.
///
/// # Shapes
/// - input: `[batch, nInputPlane, H, W]` or `[nInputPlane, H, W]`
/// - output: `[batch, nOutputPlane, outH, outW]` (or without the batch dimension)
/// - parameters, in order: weight `[nGroup, nOutputPlane/nGroup, nInputPlane/nGroup, kernelH,
///   kernelW]`, then bias `[nOutputPlane]` when `withBias`
pub struct SpatialShareConvolution {
    inner: SpatialConvolution,
}

const INNER: &str = "SpatialConvolution";
const NAME: &str = "SpatialShareConvolution";

fn rename(s: String) -> String {
    match s.strip_prefix(INNER) {
        Some(rest) => format!("{NAME}{rest}"),
        None => s,
    }
}

/// An error of the inner convolution, named after this layer.
fn within(e: Error) -> Error {
    match e {
        Error::ShapeMismatch {
            layer,
            expected,
            actual,
        } => Error::ShapeMismatch {
            layer: rename(layer),
            expected,
            actual,
        },
        Error::InvalidArgument { op, reason } => Error::InvalidArgument {
            op: rename(op),
            reason,
        },
        Error::IllegalState { op, reason } => Error::IllegalState {
            op: rename(op),
            reason,
        },
        e => e,
    }
}

impl SpatialShareConvolution {
    /// Validates the configuration as SpatialConvolution does.
    pub fn new(c: ConvConfig) -> Result<Self> {
        Ok(SpatialShareConvolution {
            inner: SpatialConvolution::new(c).map_err(within)?,
        })
    }
}

impl<T: Element> Module<T> for SpatialShareConvolution {
    fn describe(&self) -> String {
        rename(Module::<T>::describe(&self.inner))
    }
    fn num_params(&self) -> usize {
        Module::<T>::num_params(&self.inner)
    }
    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        Module::<T>::param_tensors(&self.inner)
    }
    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        self.inner.init_params(params, rng)
    }
    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        self.inner.forward(params, input).map_err(within)
    }
    fn backward(
        &mut self,
        p: &[T],
        gp: &mut [T],
        x: &Tensor<T>,
        y: &Tensor<T>,
        gy: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        self.inner.backward(p, gp, x, y, gy).map_err(within)
    }
    fn backward_params(
        &mut self,
        p: &[T],
        gp: &mut [T],
        x: &Tensor<T>,
        y: &Tensor<T>,
        gy: &Tensor<T>,
    ) -> Result<()> {
        self.inner.backward_params(p, gp, x, y, gy).map_err(within)
    }
}
