//! VolumetricConvolution: 3-D convolution over `[batch, C, T, H, W]` volumes, as vol2col plus GEMM.

use super::common::{split_batch, view, view_mut, with_batch};
use super::window3d::{col2vol, vol2col, Window3};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `VolumetricConvolution(nInputPlane, nOutputPlane, kT, kW, kH, dT = 1, dW = 1, dH = 1,
/// padT = 0, padW = 0, padH = 0, withBias = true)`.
///
/// # Shapes
/// - input: `[batch, nInputPlane, T, H, W]` or `[nInputPlane, T, H, W]`
/// - output: `[batch, nOutputPlane, oT, oH, oW]` (or without the batch dimension), with
///   `oT = (T + 2·padT - kT) / dT + 1` and likewise for H and W
/// - parameters, in order: weight `[nOutputPlane, nInputPlane, kT, kH, kW]`, then bias
///   `[nOutputPlane]` when `withBias`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kT·kW·kH·nInputPlane)`.
#[derive(Debug, Clone)]
pub struct VolumetricConvolution {
    n_input_plane: usize,
    n_output_plane: usize,
    /// Kernel, stride and padding as (T, H, W).
    k: [usize; 3],
    stride: [usize; 3],
    pad: [usize; 3],
    with_bias: bool,
}

impl VolumetricConvolution {
    /// Validates BigDL's arguments; `k`, `stride` and `pad` are (T, H, W).
    pub fn new(
        n_input_plane: usize,
        n_output_plane: usize,
        k: [usize; 3],
        stride: [usize; 3],
        pad: [usize; 3],
        with_bias: bool,
    ) -> Result<Self> {
        let op = "VolumetricConvolution";
        if n_input_plane == 0 || n_output_plane == 0 || k.contains(&0) || stride.contains(&0) {
            return Err(Error::invalid(
                op,
                format!(
                    "planes {n_input_plane} -> {n_output_plane}, kernel {k:?} and stride \
                     {stride:?} must be positive"
                ),
            ));
        }
        crate::error::checked_count(op, &[n_output_plane, n_input_plane + 1, k[0], k[1], k[2]])?;
        Ok(VolumetricConvolution {
            n_input_plane,
            n_output_plane,
            k,
            stride,
            pad,
            with_bias,
        })
    }

    fn weight_len(&self) -> usize {
        self.n_output_plane * self.n_input_plane * self.k.iter().product::<usize>()
    }

    fn window(&self, name: &str, shape: &[usize]) -> Result<(usize, bool, Window3)> {
        let c = self.n_input_plane;
        match split_batch(shape, 4) {
            Some((n, &[ch, t, h, w], batched)) if ch == c => {
                let geometry = (self.k, self.stride, self.pad);
                let g = Window3::new((name, shape), c, [t, h, w], geometry, false)?;
                crate::error::checked_count(name, &[n, self.n_output_plane, g.out_len()])?;
                Ok((n, batched, g))
            }
            _ => Err(Error::shape(
                name,
                format!("[batch, {c}, T, H, W] or [{c}, T, H, W]"),
                shape,
            )),
        }
    }
}

impl<T: Element> Module<T> for VolumetricConvolution {
    fn describe(&self) -> String {
        format!(
            "VolumetricConvolution({} -> {}, {:?}, stride {:?}, pad {:?})",
            self.n_input_plane, self.n_output_plane, self.k, self.stride, self.pad
        )
    }

    fn num_params(&self) -> usize {
        self.weight_len()
            + if self.with_bias {
                self.n_output_plane
            } else {
                0
            }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let [kt, kh, kw] = self.k;
        crate::param_tensor::weight_bias(
            &[self.n_output_plane, self.n_input_plane, kt, kh, kw],
            self.with_bias.then_some(self.n_output_plane),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let fan_in = self.k.iter().product::<usize>() * self.n_input_plane;
        let stdv = 1.0 / (fan_in as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, g) = self.window(&name, input.shape())?;
        let x = flat(input);
        let (o, l, rows) = (self.n_output_plane, g.out_len(), g.rows());
        let (w, bias) = params.split_at(self.weight_len());
        let w = view(&name, w, o, rows)?;
        let mut col = vec![T::zero(); rows * l];
        let mut y = vec![T::zero(); n * o * l];
        for b in 0..n {
            vol2col(&g, &x[b * g.in_len()..][..g.in_len()], &mut col);
            let out = &mut y[b * o * l..][..o * l];
            if self.with_bias {
                for (plane, bv) in out.chunks_mut(l.max(1)).zip(bias) {
                    plane.iter_mut().for_each(|v| *v = *bv);
                }
            }
            let colv = view(&name, &col, rows, l)?;
            matmul(T::one(), w, colv, T::one(), view_mut(&name, out, o, l)?)?;
        }
        let [ot, oh, ow] = g.out;
        from_vec(&name, &with_batch(n, batched, &[o, ot, oh, ow]), y)
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
        let (n, batched, g) = self.window(&name, input.shape())?;
        let (o, l, rows) = (self.n_output_plane, g.out_len(), g.rows());
        let [ot, oh, ow] = g.out;
        let expected = with_batch(n, batched, &[o, ot, oh, ow]);
        if output.shape() != expected.as_slice() {
            let want = crate::error::fmt_shape(&expected);
            return Err(Error::shape(&name, want, output.shape()));
        }
        let (x, gy) = (flat(input), flat(grad_output));
        let wl = self.weight_len();
        let w = view(&name, &params[..wl], o, rows)?;
        let (gw, gb) = grad_params.split_at_mut(wl);
        let mut col = vec![T::zero(); rows * l];
        let mut gcol = vec![T::zero(); rows * l];
        let mut gx = vec![T::zero(); input.len()];
        for b in 0..n {
            vol2col(&g, &x[b * g.in_len()..][..g.in_len()], &mut col);
            let gyb = view(&name, &gy[b * o * l..][..o * l], o, l)?;
            let colv = view(&name, &col, rows, l)?;
            matmul(
                T::one(),
                gyb,
                colv.t(),
                T::one(),
                view_mut(&name, gw, o, rows)?,
            )?;
            if self.with_bias {
                for (acc, row) in gb.iter_mut().zip(gyb.rows()) {
                    *acc += row.sum();
                }
            }
            let gcolv = view_mut(&name, &mut gcol, rows, l)?;
            matmul(T::one(), w.t(), gyb, T::zero(), gcolv)?;
            col2vol(&g, &gcol, &mut gx[b * g.in_len()..][..g.in_len()]);
        }
        from_vec(&name, input.shape(), gx)
    }
}
