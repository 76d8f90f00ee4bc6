//! LocallyConnected1D: a temporal convolution whose weights differ at every output frame.

use super::common::{split_batch, with_batch};
use super::local_gemm::{backward, forward, LocalDims};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `LocallyConnected1D(nInputFrame, inputFrameSize, outputFrameSize, kernelW,
/// strideW = 1, propagateBack = true)`: output frame `t` is a linear map, of its own, of the
/// `kernelW` input frames from `t·strideW`.
///
/// # Shapes
/// - input: `[batch, nInputFrame, inputFrameSize]` or `[nInputFrame, inputFrameSize]`
/// - output: `[batch, nOutputFrame, outputFrameSize]` (or without the batch dimension), with
///   `nOutputFrame = (nInputFrame - kernelW) / strideW + 1`
/// - parameters, in order: weight `[nOutputFrame, outputFrameSize, kernelW·inputFrameSize]`
///   (windows frame-major), bias `[nOutputFrame, outputFrameSize]`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kernelW·inputFrameSize)`.
#[derive(Debug, Clone)]
pub struct LocallyConnected1D {
    n_input_frame: usize,
    input_frame_size: usize,
    output_frame_size: usize,
    kernel_w: usize,
    stride_w: usize,
    propagate_back: bool,
}

impl LocallyConnected1D {
    /// Validates BigDL's arguments.
    pub fn new(
        n_input_frame: usize,
        input_frame_size: usize,
        output_frame_size: usize,
        kernel_w: usize,
        stride_w: usize,
        propagate_back: bool,
    ) -> Result<Self> {
        let op = "LocallyConnected1D";
        let sizes = [
            n_input_frame,
            input_frame_size,
            output_frame_size,
            kernel_w,
            stride_w,
        ];
        if sizes.contains(&0) || kernel_w > n_input_frame {
            return Err(Error::invalid(
                op,
                format!(
                    "sizes must be positive and kernelW at most nInputFrame, got \
                     nInputFrame={n_input_frame}, inputFrameSize={input_frame_size}, \
                     outputFrameSize={output_frame_size}, kernelW={kernel_w}, strideW={stride_w}"
                ),
            ));
        }
        let n_out = (n_input_frame - kernel_w) / stride_w + 1;
        crate::error::checked_count(
            op,
            &[n_out, output_frame_size, kernel_w, input_frame_size + 1],
        )?;
        Ok(LocallyConnected1D {
            n_input_frame,
            input_frame_size,
            output_frame_size,
            kernel_w,
            stride_w,
            propagate_back,
        })
    }

    fn n_output_frame(&self) -> usize {
        (self.n_input_frame - self.kernel_w) / self.stride_w + 1
    }

    fn dims(&self, name: &str, shape: &[usize]) -> Result<(LocalDims, bool)> {
        let (t, f) = (self.n_input_frame, self.input_frame_size);
        match split_batch(shape, 2) {
            Some((n, inner, batched)) if inner == [t, f] => Ok((
                LocalDims {
                    positions: self.n_output_frame(),
                    batch: n,
                    rows: self.kernel_w * f,
                    out: self.output_frame_size,
                },
                batched,
            )),
            _ => Err(Error::shape(
                name,
                format!("[batch, {t}, {f}] or [{t}, {f}]"),
                shape,
            )),
        }
    }

    /// The windows, position-major: `[nOutputFrame, batch, kernelW·inputFrameSize]`.
    fn unfold<T: Element>(&self, d: LocalDims, x: &[T]) -> Vec<T> {
        let seq = self.n_input_frame * self.input_frame_size;
        let mut u = Vec::with_capacity(d.positions * d.batch * d.rows);
        for p in 0..d.positions {
            for b in 0..d.batch {
                let start = b * seq + p * self.stride_w * self.input_frame_size;
                u.extend_from_slice(&x[start..][..d.rows]);
            }
        }
        u
    }
}

impl<T: Element> Module<T> for LocallyConnected1D {
    fn describe(&self) -> String {
        format!(
            "LocallyConnected1D({} x {} -> {}, {}, {})",
            self.n_input_frame,
            self.input_frame_size,
            self.output_frame_size,
            self.kernel_w,
            self.stride_w
        )
    }

    fn num_params(&self) -> usize {
        self.n_output_frame() * self.output_frame_size * (self.kernel_w * self.input_frame_size + 1)
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let (f, o) = (self.n_output_frame(), self.output_frame_size);
        vec![
            crate::param_tensor::ParamTensor::new(
                "weight",
                &[f, o, self.kernel_w * self.input_frame_size],
            ),
            crate::param_tensor::ParamTensor::new("bias", &[f, o]),
        ]
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / ((self.kernel_w * self.input_frame_size) as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (d, batched) = self.dims(&name, input.shape())?;
        let u = self.unfold(d, &flat(input));
        let (w, b) = params.split_at(d.positions * d.out * d.rows);
        let yp = forward(&name, d, &u, w, Some(b))?;
        let mut y = vec![T::zero(); yp.len()];
        for p in 0..d.positions {
            for bi in 0..d.batch {
                let src = &yp[(p * d.batch + bi) * d.out..][..d.out];
                y[(bi * d.positions + p) * d.out..][..d.out].copy_from_slice(src);
            }
        }
        from_vec(
            &name,
            &with_batch(d.batch, batched, &[d.positions, d.out]),
            y,
        )
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
        let (d, batched) = self.dims(&name, input.shape())?;
        let expected = with_batch(d.batch, batched, &[d.positions, d.out]);
        if output.shape() != expected.as_slice() {
            let want = crate::error::fmt_shape(&expected);
            return Err(Error::shape(&name, want, output.shape()));
        }
        let u = self.unfold(d, &flat(input));
        let gy = flat(grad_output);
        let mut gyp = vec![T::zero(); gy.len()];
        for p in 0..d.positions {
            for bi in 0..d.batch {
                let src = &gy[(bi * d.positions + p) * d.out..][..d.out];
                gyp[(p * d.batch + bi) * d.out..][..d.out].copy_from_slice(src);
            }
        }
        let wl = d.positions * d.out * d.rows;
        let (gw, gb) = grad_params.split_at_mut(wl);
        let gu = backward(
            &name,
            d,
            &u,
            &params[..wl],
            &gyp,
            gw,
            Some(gb),
            self.propagate_back,
        )?;
        let mut gx = vec![T::zero(); input.len()];
        if self.propagate_back {
            let seq = self.n_input_frame * self.input_frame_size;
            for p in 0..d.positions {
                for bi in 0..d.batch {
                    let start = bi * seq + p * self.stride_w * self.input_frame_size;
                    let src = &gu[(p * d.batch + bi) * d.rows..][..d.rows];
                    gx[start..][..d.rows]
                        .iter_mut()
                        .zip(src)
                        .for_each(|(g, v)| *g += *v);
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
