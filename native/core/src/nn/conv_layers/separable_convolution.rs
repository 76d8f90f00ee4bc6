//! SpatialSeparableConvolution: a depthwise convolution followed by a 1x1 pointwise one.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::{ConvConfig, SpatialConvolution};
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};

/// BigDL's `SpatialSeparableConvolution(nInputChannel, nOutputChannel, depthMultiplier, kW, kH,
/// sW = 1, sH = 1, pW = 0, pH = 0, hasBias = true)` over NCHW images: every input channel is
/// convolved with `depthMultiplier` kernels of its own (a grouped [`SpatialConvolution`]), then a
/// 1x1 convolution mixes the `nInputChannel·depthMultiplier` planes. `pW = pH = -1` means SAME.
///
/// # Shapes
/// - input: `[batch, nInputChannel, H, W]` or `[nInputChannel, H, W]`
/// - output: `[batch, nOutputChannel, outH, outW]` (or without the batch dimension), with
///   `outH = (H + 2·pH - kH) / sH + 1`
/// - parameters, in order: depthwise weight `[nInputChannel·depthMultiplier, 1, kH, kW]`,
///   pointwise weight `[nOutputChannel, nInputChannel·depthMultiplier]`, then bias
///   `[nOutputChannel]` when `hasBias`
///
/// Default initialisation: each weight uniform in `±1/√fanIn` of its convolution, bias 0.
#[derive(Debug, Clone)]
pub struct SpatialSeparableConvolution {
    depthwise: SpatialConvolution,
    pointwise: SpatialConvolution,
    depth_len: usize,
    has_bias: bool,
    n_output_channel: usize,
}

impl SpatialSeparableConvolution {
    /// Validates BigDL's arguments.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        n_input_channel: usize,
        n_output_channel: usize,
        depth_multiplier: usize,
        (k_w, k_h): (usize, usize),
        (s_w, s_h): (usize, usize),
        (p_w, p_h): (i64, i64),
        has_bias: bool,
    ) -> Result<Self> {
        let op = "SpatialSeparableConvolution";
        let sizes = [
            n_input_channel,
            n_output_channel,
            depth_multiplier,
            k_w,
            k_h,
            s_w,
            s_h,
        ];
        if sizes.contains(&0) {
            return Err(Error::invalid(
                op,
                format!("channels, depthMultiplier, kernel and stride must be positive: {sizes:?}"),
            ));
        }
        let mid = crate::error::checked_count(op, &[n_input_channel, depth_multiplier])?;
        let invalid = |e: Error| Error::invalid(op, e.to_string());
        let depthwise = SpatialConvolution::new(ConvConfig {
            stride_w: s_w,
            stride_h: s_h,
            pad_w: p_w,
            pad_h: p_h,
            n_group: n_input_channel,
            with_bias: false,
            ..ConvConfig::new(n_input_channel, mid, k_w, k_h)
        })
        .map_err(invalid)?;
        let pointwise = SpatialConvolution::new(ConvConfig {
            with_bias: has_bias,
            ..ConvConfig::new(mid, n_output_channel, 1, 1)
        })
        .map_err(invalid)?;
        Ok(SpatialSeparableConvolution {
            depth_len: Module::<f64>::num_params(&depthwise),
            depthwise,
            pointwise,
            has_bias,
            n_output_channel,
        })
    }
}

impl<T: Element> Module<T> for SpatialSeparableConvolution {
    fn describe(&self) -> String {
        format!(
            "SpatialSeparableConvolution({}, then {})",
            Module::<T>::describe(&self.depthwise),
            Module::<T>::describe(&self.pointwise)
        )
    }

    fn num_params(&self) -> usize {
        self.depth_len + Module::<T>::num_params(&self.pointwise)
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let depth = Module::<T>::param_tensors(&self.depthwise);
        let (internal, kh, kw) = match depth.first().map(|t| t.shape.as_slice()) {
            Some(&[g, m, _, kh, kw]) => (g * m, kh, kw),
            _ => {
                return crate::param_tensor::whole(
                    self.depth_len + Module::<T>::num_params(&self.pointwise),
                )
            }
        };
        let mut out = vec![
            crate::param_tensor::ParamTensor::new("depthWeight", &[internal, 1, kh, kw]),
            crate::param_tensor::ParamTensor::new(
                "pointWeight",
                &[self.n_output_channel, internal],
            ),
        ];
        if self.has_bias {
            out.push(crate::param_tensor::ParamTensor::new(
                "bias",
                &[self.n_output_channel],
            ));
        }
        out
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let (d, p) = params.split_at_mut(self.depth_len);
        self.depthwise.init_params(d, rng);
        self.pointwise.init_params(p, rng);
        if self.has_bias {
            let n = p.len() - self.n_output_channel;
            p[n..].iter_mut().for_each(|b| *b = T::zero());
        }
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let (d, p) = params.split_at(self.depth_len);
        let mid = self
            .depthwise
            .forward(d, input)
            .map_err(|e| rename(e, &Module::<T>::describe(self)))?;
        self.pointwise.forward(p, &mid)
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
        let (d, p) = params.split_at(self.depth_len);
        let (gd, gp) = grad_params.split_at_mut(self.depth_len);
        // The depthwise output is recomputed rather than kept between the passes.
        let mid = self
            .depthwise
            .forward(d, input)
            .map_err(|e| rename(e, &name))?;
        let gmid = self.pointwise.backward(p, gp, &mid, output, grad_output)?;
        self.depthwise.backward(d, gd, input, &mid, &gmid)
    }
}

/// Names this layer in a shape error of its depthwise part.
fn rename(e: Error, name: &str) -> Error {
    match e {
        Error::ShapeMismatch {
            expected, actual, ..
        } => Error::ShapeMismatch {
            layer: name.to_string(),
            expected,
            actual,
        },
        other => other,
    }
}
