//! VolumetricFullConvolution: transposed 3-D convolution ("deconvolution") over NCTHW volumes.

use super::common::{split_batch, view, view_mut, with_batch};
use super::window3d::{col2vol, vol2col, Window3};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's constructor arguments of [`VolumetricFullConvolution`]; kernel, stride, padding and
/// adjustment as (T, H, W) triples.
#[derive(Debug, Clone)]
pub struct VolumetricFullConfig {
    pub n_input_plane: usize,
    pub n_output_plane: usize,
    pub k: [usize; 3],
    pub stride: [usize; 3],
    pub pad: [usize; 3],
    pub adj: [usize; 3],
    pub n_group: usize,
    pub no_bias: bool,
}

impl VolumetricFullConfig {
    /// A `kT x kH x kW` transposed convolution with BigDL's defaults for everything else.
    pub fn new(n_input_plane: usize, n_output_plane: usize, k: [usize; 3]) -> Self {
        VolumetricFullConfig {
            n_input_plane,
            n_output_plane,
            k,
            stride: [1; 3],
            pad: [0; 3],
            adj: [0; 3],
            n_group: 1,
            no_bias: false,
        }
    }
}

/// BigDL's `VolumetricFullConvolution(nInputPlane, nOutputPlane, kT, kW, kH, dT = 1, dW = 1,
/// dH = 1, padT = 0, padW = 0, padH = 0, adjT = 0, adjW = 0, adjH = 0, nGroup = 1,
/// noBias = false)`: the adjoint of a 3-D convolution, one GEMM then col2vol per volume and
/// group. `adj < stride` adds frames, rows and columns at the end.
///
/// # Shapes
/// - input: `[batch, nInputPlane, T, H, W]` or `[nInputPlane, T, H, W]`
/// - output: `[batch, nOutputPlane, oT, oH, oW]` (or without the batch dimension), with
///   `oT = (T - 1)·dT - 2·padT + kT + adjT`, likewise for H and W
/// - parameters, in order: weight `[nGroup, nInputPlane/nGroup, nOutputPlane/nGroup, kT, kH, kW]`,
///   then bias `[nOutputPlane]` unless `noBias`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kT·kW·kH·nInputPlane)`.
#[derive(Debug, Clone)]
pub struct VolumetricFullConvolution {
    c: VolumetricFullConfig,
}

impl VolumetricFullConvolution {
    /// Validates the configuration.
    pub fn new(c: VolumetricFullConfig) -> Result<Self> {
        let op = "VolumetricFullConvolution";
        if [c.n_input_plane, c.n_output_plane, c.n_group].contains(&0)
            || c.k.contains(&0)
            || c.stride.contains(&0)
        {
            return Err(Error::invalid(
                op,
                format!("planes, kernel, stride and nGroup must be positive: {c:?}"),
            ));
        }
        if c.n_input_plane % c.n_group != 0 || c.n_output_plane % c.n_group != 0 {
            return Err(Error::invalid(
                op,
                format!(
                    "nGroup {} must divide nInputPlane {} and nOutputPlane {}",
                    c.n_group, c.n_input_plane, c.n_output_plane
                ),
            ));
        }
        if (0..3).any(|a| c.adj[a] >= c.stride[a]) {
            return Err(Error::invalid(
                op,
                format!(
                    "adjT, adjH, adjW {:?} must be smaller than the strides {:?}",
                    c.adj, c.stride
                ),
            ));
        }
        let k = c.k;
        crate::error::checked_count(
            op,
            &[c.n_input_plane, c.n_output_plane + 1, k[0], k[1], k[2]],
        )?;
        Ok(VolumetricFullConvolution { c })
    }

    fn weight_len(&self) -> usize {
        let c = &self.c;
        c.n_input_plane * (c.n_output_plane / c.n_group) * c.k.iter().product::<usize>()
    }

    /// (batch, batched, the window of one group's *output* volume whose positions are the input
    /// voxels).
    fn window(&self, name: &str, shape: &[usize]) -> Result<(usize, bool, Window3)> {
        let c = &self.c;
        let ci = c.n_input_plane;
        let expected = || format!("[batch, {ci}, T, H, W] or [{ci}, T, H, W]");
        let (n, size, batched) = match split_batch(shape, 4) {
            Some((n, &[ch, t, h, w], batched)) if ch == ci => (n, [t, h, w], batched),
            _ => return Err(Error::shape(name, expected(), shape)),
        };
        let too_small = || {
            Error::shape(
                name,
                format!("{} with a positive output size", expected()),
                shape,
            )
        };
        let mut out = [0; 3];
        for a in 0..3 {
            let full = size[a]
                .checked_sub(1)
                .and_then(|v| v.checked_mul(c.stride[a]))
                .and_then(|v| v.checked_add(c.k[a])?.checked_add(c.adj[a]))
                .and_then(|v| v.checked_sub(c.pad[a].checked_mul(2)?))
                .filter(|v| *v > 0);
            out[a] = full.ok_or_else(too_small)?;
        }
        let geometry = (c.k, c.stride, c.pad);
        let co = c.n_output_plane / c.n_group;
        let g = Window3::new((name, shape), co, out, geometry, false).map_err(|_| too_small())?;
        crate::error::checked_count(name, &[n, c.n_output_plane, out[0], out[1], out[2]])?;
        crate::error::checked_count(name, &[g.rows(), g.out_len()])?;
        if g.out != size {
            return Err(too_small());
        }
        Ok((n, batched, g))
    }
}

impl<T: Element> Module<T> for VolumetricFullConvolution {
    fn describe(&self) -> String {
        let c = &self.c;
        format!(
            "VolumetricFullConvolution({} -> {}, {:?}, stride {:?}, pad {:?}, adj {:?}{})",
            c.n_input_plane,
            c.n_output_plane,
            c.k,
            c.stride,
            c.pad,
            c.adj,
            if c.n_group > 1 {
                format!(", nGroup={}", c.n_group)
            } else {
                String::new()
            }
        )
    }

    fn num_params(&self) -> usize {
        self.weight_len()
            + if self.c.no_bias {
                0
            } else {
                self.c.n_output_plane
            }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let c = &self.c;
        let [kt, kh, kw] = c.k;
        let g = c.n_group;
        crate::param_tensor::weight_bias(
            &[g, c.n_input_plane / g, c.n_output_plane / g, kt, kh, kw],
            (!c.no_bias).then_some(c.n_output_plane),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let fan_in = self.c.k.iter().product::<usize>() * self.c.n_input_plane;
        let stdv = 1.0 / (fan_in as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, batched, g) = self.window(&name, input.shape())?;
        let x = flat(input);
        let groups = self.c.n_group;
        let (ci, l, rows) = (self.c.n_input_plane / groups, g.out_len(), g.rows());
        let (co, out_len) = (g.channels, g.in_len());
        let plane = out_len / co.max(1);
        let mut col = vec![T::zero(); rows * l];
        let mut y = vec![T::zero(); n * groups * out_len];
        for b in 0..n {
            for grp in 0..groups {
                let w = view(&name, &params[grp * ci * rows..][..ci * rows], ci, rows)?;
                let xg = view(&name, &x[(b * groups + grp) * ci * l..][..ci * l], ci, l)?;
                let colv = view_mut(&name, &mut col, rows, l)?;
                matmul(T::one(), w.t(), xg, T::zero(), colv)?;
                let volume = &mut y[(b * groups + grp) * out_len..][..out_len];
                col2vol(&g, &col, volume);
                if !self.c.no_bias {
                    let bias = &params[self.weight_len() + grp * co..][..co];
                    for (p, bv) in volume.chunks_mut(plane.max(1)).zip(bias) {
                        p.iter_mut().for_each(|v| *v += *bv);
                    }
                }
            }
        }
        let [t, h, w] = g.size;
        let shape = [self.c.n_output_plane, t, h, w];
        from_vec(&name, &with_batch(n, batched, &shape), y)
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
        let [t, h, w] = g.size;
        let shape = with_batch(n, batched, &[self.c.n_output_plane, t, h, w]);
        if output.shape() != shape.as_slice() {
            let want = crate::error::fmt_shape(&shape);
            return Err(Error::shape(&name, want, output.shape()));
        }
        let (x, gy) = (flat(input), flat(grad_output));
        let groups = self.c.n_group;
        let (ci, l, rows) = (self.c.n_input_plane / groups, g.out_len(), g.rows());
        let (co, out_len) = (g.channels, g.in_len());
        let plane = out_len / co.max(1);
        let wl = self.weight_len();
        let (gw_all, gb_all) = grad_params.split_at_mut(wl);
        let mut gcol = vec![T::zero(); rows * l];
        let mut gx = vec![T::zero(); input.len()];
        for b in 0..n {
            for grp in 0..groups {
                let vol = (b * groups + grp) * out_len;
                vol2col(&g, &gy[vol..][..out_len], &mut gcol);
                let gcolv = view(&name, &gcol, rows, l)?;
                let at = (b * groups + grp) * ci * l;
                let wv = view(&name, &params[grp * ci * rows..][..ci * rows], ci, rows)?;
                let gw = view_mut(&name, &mut gw_all[grp * ci * rows..][..ci * rows], ci, rows)?;
                let xg = view(&name, &x[at..][..ci * l], ci, l)?;
                matmul(T::one(), xg, gcolv.t(), T::one(), gw)?;
                let gxg = view_mut(&name, &mut gx[at..][..ci * l], ci, l)?;
                matmul(T::one(), wv, gcolv, T::zero(), gxg)?;
                if !self.c.no_bias {
                    let planes = gy[vol..][..out_len].chunks(plane.max(1));
                    for (acc, p) in gb_all[grp * co..][..co].iter_mut().zip(planes) {
                        *acc += p.iter().fold(T::zero(), |s, v| s + *v);
                    }
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
