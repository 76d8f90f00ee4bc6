//! TemporalConvolution: 1-D convolution over the frames of a sequence.

use super::common::{split_batch, view, view_mut, with_batch};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};
use ndarray::{ArrayView2, ShapeBuilder};

/// BigDL's `TemporalConvolution(inputFrameSize, outputFrameSize, kernelW, strideW = 1,
/// propagateBack = true)`: every output frame is a linear map of `kernelW` consecutive input
/// frames. The windows of a sequence are a strided view of it, so each sequence is one GEMM.
///
/// # Shapes
/// - input: `[batch, nInputFrame, inputFrameSize]` or `[nInputFrame, inputFrameSize]`
/// - output: `[batch, nOutputFrame, outputFrameSize]` (or without the batch dimension), with
///   `nOutputFrame = (nInputFrame - kernelW) / strideW + 1`
/// - parameters, in order: weight `[outputFrameSize, kernelW·inputFrameSize]`, bias
///   `[outputFrameSize]`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kernelW·inputFrameSize)`.
#[derive(Debug, Clone)]
pub struct TemporalConvolution {
    input_frame_size: usize,
    output_frame_size: usize,
    kernel_w: usize,
    stride_w: usize,
    propagate_back: bool,
}

impl TemporalConvolution {
    /// Validates BigDL's arguments.
    pub fn new(
        input_frame_size: usize,
        output_frame_size: usize,
        kernel_w: usize,
        stride_w: usize,
        propagate_back: bool,
    ) -> Result<Self> {
        let sizes = [input_frame_size, output_frame_size, kernel_w, stride_w];
        if sizes.contains(&0) {
            return Err(Error::invalid(
                "TemporalConvolution",
                format!("frame sizes, kernelW and strideW must be positive, got {sizes:?}"),
            ));
        }
        let row =
            crate::error::checked_count("TemporalConvolution", &[kernel_w, input_frame_size])?;
        crate::error::checked_count("TemporalConvolution", &[output_frame_size, row + 1])?;
        Ok(TemporalConvolution {
            input_frame_size,
            output_frame_size,
            kernel_w,
            stride_w,
            propagate_back,
        })
    }

    fn row(&self) -> usize {
        self.kernel_w * self.input_frame_size
    }

    /// (batch, batched, input frames, output frames).
    fn layout(&self, name: &str, shape: &[usize]) -> Result<(usize, bool, usize, usize)> {
        let f = self.input_frame_size;
        match split_batch(shape, 2) {
            Some((n, &[t, ff], batched)) if ff == f && t >= self.kernel_w => {
                Ok((n, batched, t, (t - self.kernel_w) / self.stride_w + 1))
            }
            _ => Err(Error::shape(
                name,
                format!(
                    "[batch, frames, {f}] or [frames, {f}] with at least kernelW = {} frames",
                    self.kernel_w
                ),
                shape,
            )),
        }
    }

    /// The `[nOutputFrame, kernelW·inputFrameSize]` windows of one sequence, without a copy.
    fn windows<'a, T: Element>(
        &self,
        name: &str,
        seq: &'a [T],
        t_out: usize,
    ) -> Result<ArrayView2<'a, T>> {
        let shape = (t_out, self.row()).strides((self.stride_w * self.input_frame_size, 1));
        ArrayView2::from_shape(shape, seq).map_err(|e| Error::invalid(name, e.to_string()))
    }
}

impl<T: Element> Module<T> for TemporalConvolution {
    fn describe(&self) -> String {
        format!(
            "TemporalConvolution({} -> {}, {}, {})",
            self.input_frame_size, self.output_frame_size, self.kernel_w, self.stride_w
        )
    }

    fn num_params(&self) -> usize {
        self.output_frame_size * (self.row() + 1)
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        crate::param_tensor::weight_bias(
            &[self.output_frame_size, self.row()],
            Some(self.output_frame_size),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.row() as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, t, t_out) = self.layout(&name, input.shape())?;
        let (o, f, x) = (self.output_frame_size, self.input_frame_size, flat(input));
        let (w, bias) = params.split_at(o * self.row());
        let w = view(&name, w, o, self.row())?;
        let mut y = vec![T::zero(); n * t_out * o];
        for b in 0..n {
            let out = &mut y[b * t_out * o..][..t_out * o];
            for frame in out.chunks_mut(o) {
                frame.copy_from_slice(bias);
            }
            let u = self.windows(&name, &x[b * t * f..][..t * f], t_out)?;
            matmul(
                T::one(),
                u,
                w.t(),
                T::one(),
                view_mut(&name, out, t_out, o)?,
            )?;
        }
        from_vec(&name, &with_batch(n, batched, &[t_out, o]), y)
    }

    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        let propagate = self.propagate_back;
        self.propagate_back = false;
        let r = Module::<T>::backward(self, params, grad_params, input, output, grad_output);
        self.propagate_back = propagate;
        r.map(|_| ())
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
        let (n, batched, t, t_out) = self.layout(&name, input.shape())?;
        let o = self.output_frame_size;
        let expected = with_batch(n, batched, &[t_out, o]);
        if output.shape() != expected.as_slice() {
            let want = crate::error::fmt_shape(&expected);
            return Err(Error::shape(&name, want, output.shape()));
        }
        let (f, row) = (self.input_frame_size, self.row());
        let (x, gy) = (flat(input), flat(grad_output));
        let w = view(&name, &params[..o * row], o, row)?;
        let (gw, gb) = grad_params.split_at_mut(o * row);
        let mut gx = vec![T::zero(); input.len()];
        let mut gu = vec![T::zero(); t_out * row];
        for b in 0..n {
            let gyb = view(&name, &gy[b * t_out * o..][..t_out * o], t_out, o)?;
            let u = self.windows(&name, &x[b * t * f..][..t * f], t_out)?;
            matmul(T::one(), gyb.t(), u, T::one(), view_mut(&name, gw, o, row)?)?;
            for frame in gyb.rows() {
                for (acc, v) in gb.iter_mut().zip(frame) {
                    *acc += *v;
                }
            }
            if self.propagate_back {
                matmul(
                    T::one(),
                    gyb,
                    w,
                    T::zero(),
                    view_mut(&name, &mut gu, t_out, row)?,
                )?;
                let seq = &mut gx[b * t * f..][..t * f];
                for (k, window) in gu.chunks(row).enumerate() {
                    let dst = &mut seq[k * self.stride_w * f..][..row];
                    dst.iter_mut().zip(window).for_each(|(d, v)| *d += *v);
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
