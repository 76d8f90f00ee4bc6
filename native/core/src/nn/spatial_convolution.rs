//! SpatialConvolution: 2-D convolution over NCHW images, as im2col plus one GEMM per group.

use super::im2col::{col2im, im2col, nchw, Geometry, Pad2d};
use super::scratch::Scratch;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::{ArrayView2, ArrayViewMut2};

/// BigDL's `SpatialConvolution(nInputPlane, nOutputPlane, kernelW, kernelH, strideW = 1,
/// strideH = 1, padW = 0, padH = 0, nGroup = 1, propagateBack = true, withBias = true)`.
/// `padW = padH = -1` means SAME padding.
///
/// # Shapes
/// - input: `[batch, n_input_plane, H, W]` or `[n_input_plane, H, W]`
/// - output: `[batch, n_output_plane, outH, outW]` (or without the batch dimension), with
///   `outH = (H + 2·padH - kernelH) / strideH + 1`
/// - parameters, in order: weight `[n_group, n_output_plane/n_group, n_input_plane/n_group,
///   kernel_h, kernel_w]`, then bias `[n_output_plane]`
///
/// Default initialisation (BigDL's): weight and bias uniform in `±1/√(kernelW·kernelH·nInputPlane)`.
#[derive(Debug, Clone)]
pub struct SpatialConvolution {
    n_input_plane: usize,
    n_output_plane: usize,
    kernel: (usize, usize),
    stride: (usize, usize),
    pad: Pad2d,
    n_group: usize,
    propagate_back: bool,
    with_bias: bool,
    /// Training mode keeps the forward pass's unfolded input for backward; evaluation mode
    /// unfolds in cache-sized chunks and keeps nothing (inference has no backward).
    training: bool,
    /// The unfolded input of the last forward pass and the work buffers ([`ConvBuffers`]).
    scratch: Scratch,
}

/// What a convolution keeps between calls: the last forward pass's unfolded input (reused by
/// backward, which then skips its own im2col) and the GEMM work buffers, so the steady state
/// allocates only the output and the input gradient.
#[derive(Default)]
struct ConvBuffers<T> {
    /// A copy of the last forward input: backward uses `cols` only when its input equals it.
    input: Vec<T>,
    /// `[n_group][rows, batch·L]`, valid when `input` is non-empty.
    cols: Vec<T>,
    /// The GEMM output of forward, or the gathered output gradient of backward.
    work: Vec<T>,
    /// The column gradient of backward.
    gcol: Vec<T>,
}

/// The largest unfolded input kept between forward and backward (elements; 8 MB of f32).
/// Larger inputs are unfolded in chunks, twice: unfolding again in cache costs less than
/// streaming a large unfolded batch through memory three times.
const MAX_CACHED_COLS: usize = 1 << 21;

/// The most column-gradient elements backward computes before folding them back (col2im):
/// 256K f32, 1 MB, which stays in cache between the two.
const GCOL_CHUNK: usize = 1 << 18;

/// The constructor arguments of [`SpatialConvolution`], named as in BigDL.
#[derive(Debug, Clone)]
pub struct ConvConfig {
    pub n_input_plane: usize,
    pub n_output_plane: usize,
    pub kernel_w: usize,
    pub kernel_h: usize,
    pub stride_w: usize,
    pub stride_h: usize,
    pub pad_w: i64,
    pub pad_h: i64,
    pub n_group: usize,
    pub propagate_back: bool,
    pub with_bias: bool,
}

impl ConvConfig {
    /// A `k x k` convolution with BigDL's defaults for everything else.
    pub fn new(
        n_input_plane: usize,
        n_output_plane: usize,
        kernel_w: usize,
        kernel_h: usize,
    ) -> ConvConfig {
        ConvConfig {
            n_input_plane,
            n_output_plane,
            kernel_w,
            kernel_h,
            stride_w: 1,
            stride_h: 1,
            pad_w: 0,
            pad_h: 0,
            n_group: 1,
            propagate_back: true,
            with_bias: true,
        }
    }
}

impl SpatialConvolution {
    /// Validates the configuration.
    pub fn new(c: ConvConfig) -> Result<SpatialConvolution> {
        let op = "SpatialConvolution";
        let sizes = [
            c.n_input_plane,
            c.n_output_plane,
            c.kernel_w,
            c.kernel_h,
            c.stride_w,
            c.stride_h,
            c.n_group,
        ];
        if sizes.contains(&0) {
            return Err(Error::invalid(
                op,
                format!("planes, kernel, stride and groups must be positive: {c:?}"),
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
        crate::error::checked_count(
            op,
            &[
                c.n_output_plane,
                c.n_input_plane / c.n_group + 1,
                c.kernel_h,
                c.kernel_w,
            ],
        )?;
        Ok(SpatialConvolution {
            n_input_plane: c.n_input_plane,
            n_output_plane: c.n_output_plane,
            kernel: (c.kernel_h, c.kernel_w),
            stride: (c.stride_h, c.stride_w),
            pad: Pad2d::from_bigdl(op, c.pad_w, c.pad_h)?,
            n_group: c.n_group,
            propagate_back: c.propagate_back,
            with_bias: c.with_bias,
            training: true,
            scratch: Scratch::default(),
        })
    }

    fn weight_len(&self) -> usize {
        self.n_output_plane * (self.n_input_plane / self.n_group) * self.kernel.0 * self.kernel.1
    }

    fn geometry(&self, name: &str, shape: &[usize]) -> Result<(usize, Geometry)> {
        let (n, c, h, w) = nchw(name, shape, self.n_input_plane)?;
        let g = Geometry::new(
            name,
            (c / self.n_group, h, w),
            self.kernel,
            self.stride,
            self.pad,
            false,
        )?;
        Ok((n, g))
    }

    fn out_shape(&self, input: &[usize], g: &Geometry) -> Vec<usize> {
        let mut s = vec![self.n_output_plane, g.out_h, g.out_w];
        if input.len() == 4 {
            s.insert(0, input[0]);
        }
        s
    }
}

impl<T: Element> Module<T> for SpatialConvolution {
    fn describe(&self) -> String {
        format!(
            "SpatialConvolution({} -> {}, {}x{}, {}, {}, {:?}{})",
            self.n_input_plane,
            self.n_output_plane,
            self.kernel.1,
            self.kernel.0,
            self.stride.1,
            self.stride.0,
            self.pad,
            if self.n_group > 1 {
                format!(", nGroup={}", self.n_group)
            } else {
                String::new()
            }
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
        let g = self.n_group;
        let (kh, kw) = self.kernel;
        crate::param_tensor::weight_bias(
            &[g, self.n_output_plane / g, self.n_input_plane / g, kh, kw],
            self.with_bias.then_some(self.n_output_plane),
        )
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / ((self.kernel.0 * self.kernel.1 * self.n_input_plane) as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, g) = self.geometry(&name, input.shape())?;
        let x = crate::tensor::flat(input);
        let (og, l, rows) = (
            self.n_output_plane / self.n_group,
            g.out_len(),
            g.channels * g.k_h * g.k_w,
        );
        crate::error::checked_count(&name, &[n, self.n_output_plane, l])?;
        let mut y = vec![T::zero(); n * self.n_output_plane * l];
        let mut buf: ConvBuffers<T> = self.scratch.take();
        let whole = self.n_group * rows * n * l;
        let cache = self.training && whole <= MAX_CACHED_COLS;
        let chunk = if cache {
            n.max(1)
        } else {
            chunk_len(rows, l, n)
        };
        buf.input.clear();
        resize(&mut buf.cols, if cache { whole } else { rows * chunk * l });
        resize(&mut buf.work, og * chunk * l);
        for grp in 0..self.n_group {
            let w = view(&params[grp * og * rows..(grp + 1) * og * rows], og, rows)?;
            for s0 in (0..n).step_by(chunk) {
                let nb = chunk.min(n - s0);
                let ld = nb * l;
                let at = if cache { grp * rows * n * l } else { 0 };
                let col = &mut buf.cols[at..at + rows * ld];
                for i in 0..nb {
                    let image = &x[((s0 + i) * self.n_group + grp) * g.in_len()..][..g.in_len()];
                    im2col(&g, image, col, ld, i * l);
                }
                if nb == 1 {
                    // One image: the GEMM writes its output planes in place.
                    let dst = &mut y[(s0 * self.n_output_plane + grp * og) * l..][..og * l];
                    matmul(
                        T::one(),
                        w,
                        view(col, rows, ld)?,
                        T::zero(),
                        view_mut(dst, og, l)?,
                    )?;
                    if self.with_bias {
                        let bias = &params[self.weight_len() + grp * og..][..og];
                        for (plane, &b) in dst.chunks_exact_mut(l).zip(bias) {
                            plane.iter_mut().for_each(|v| *v += b);
                        }
                    }
                    continue;
                }
                // One GEMM for the whole chunk: [og, rows] · [rows, nb·L].
                matmul(
                    T::one(),
                    w,
                    view(col, rows, ld)?,
                    T::zero(),
                    view_mut(&mut buf.work[..og * ld], og, ld)?,
                )?;
                for i in 0..nb {
                    for o in 0..og {
                        let bias = if self.with_bias {
                            params[self.weight_len() + grp * og + o]
                        } else {
                            T::zero()
                        };
                        let dst =
                            &mut y[((s0 + i) * self.n_output_plane + grp * og + o) * l..][..l];
                        for (d, v) in dst.iter_mut().zip(&buf.work[o * ld + i * l..][..l]) {
                            *d = *v + bias;
                        }
                    }
                }
            }
        }
        if cache {
            buf.input.extend_from_slice(&x);
        }
        self.scratch.put(buf);
        crate::tensor::from_vec(&name, &self.out_shape(input.shape(), &g), y)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
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
        let (n, g) = self.geometry(&name, input.shape())?;
        let x = crate::tensor::flat(input);
        let gy = crate::tensor::flat(grad_output);
        let (og, l, rows) = (
            self.n_output_plane / self.n_group,
            g.out_len(),
            g.channels * g.k_h * g.k_w,
        );
        let wl = self.weight_len();
        let mut buf: ConvBuffers<T> = self.scratch.take();
        let whole = self.n_group * rows * n * l;
        // The forward pass's columns, when they were kept and belong to this very input.
        let cached = !buf.input.is_empty() && buf.cols.len() == whole && buf.input[..] == x[..];
        let chunk = if cached {
            n.max(1)
        } else {
            chunk_len(rows, l, n)
        };
        if !cached {
            buf.input.clear();
            resize(&mut buf.cols, rows * chunk * l);
        }
        resize(
            &mut buf.gcol,
            rows * l * (GCOL_CHUNK / (rows * l).max(1)).clamp(1, chunk),
        );
        resize(&mut buf.work, og * chunk * l);
        let mut gx = vec![T::zero(); input.len()];
        let (gw_all, gb_all) = grad_params.split_at_mut(wl);
        for grp in 0..self.n_group {
            let w = view(&params[grp * og * rows..(grp + 1) * og * rows], og, rows)?;
            for s0 in (0..n).step_by(chunk) {
                let nb = chunk.min(n - s0);
                let ld = nb * l;
                let at = if cached { grp * rows * n * l } else { 0 };
                let col = &mut buf.cols[at..at + rows * ld];
                for i in 0..nb {
                    if !cached {
                        let image =
                            &x[((s0 + i) * self.n_group + grp) * g.in_len()..][..g.in_len()];
                        im2col(&g, image, col, ld, i * l);
                    }
                    for o in (0..og).filter(|_| nb > 1) {
                        let src = &gy[((s0 + i) * self.n_output_plane + grp * og + o) * l..][..l];
                        buf.work[o * ld + i * l..][..l].copy_from_slice(src);
                    }
                }
                // The output gradient as [og, nb·L]: one image's is already that, in place.
                let gyv = if nb == 1 {
                    view(
                        &gy[(s0 * self.n_output_plane + grp * og) * l..][..og * l],
                        og,
                        l,
                    )?
                } else {
                    view(&buf.work[..og * ld], og, ld)?
                };
                let gw = view_mut(
                    &mut gw_all[grp * og * rows..(grp + 1) * og * rows],
                    og,
                    rows,
                )?;
                matmul(T::one(), gyv, view(col, rows, ld)?.t(), T::one(), gw)?;
                if self.with_bias {
                    for (o, row) in gyv.rows().into_iter().enumerate() {
                        gb_all[grp * og + o] += row.sum();
                    }
                }
                if self.propagate_back {
                    // The column gradient a few images at a time, so it stays in cache
                    // between the GEMM that writes it and col2im that reads it.
                    let sub = (GCOL_CHUNK / (rows * l).max(1)).clamp(1, nb);
                    for i0 in (0..nb).step_by(sub) {
                        let sb = sub.min(nb - i0);
                        let sld = sb * l;
                        let gys = gyv.slice(ndarray::s![.., i0 * l..i0 * l + sld]);
                        matmul(
                            T::one(),
                            w.t(),
                            gys,
                            T::zero(),
                            view_mut(&mut buf.gcol[..rows * sld], rows, sld)?,
                        )?;
                        for i in 0..sb {
                            let image = &mut gx
                                [((s0 + i0 + i) * self.n_group + grp) * g.in_len()..][..g.in_len()];
                            col2im(&g, &buf.gcol, sld, i * l, image);
                        }
                    }
                }
            }
        }
        self.scratch.put(buf);
        crate::tensor::from_vec(&name, input.shape(), gx)
    }
}

/// How many images share one GEMM: enough to make it large, few enough to keep the unfolded
/// columns within about 16 MB of f32.
fn chunk_len(rows: usize, l: usize, n: usize) -> usize {
    ((1usize << 18) / (rows * l).max(1)).clamp(1, n.max(1))
}

/// Sets `v`'s length to `n`, reusing its allocation; the contents are overwritten by the caller.
fn resize<T: Element>(v: &mut Vec<T>, n: usize) {
    v.resize(n, T::zero());
    v.truncate(n);
}

fn view<T: Element>(data: &[T], rows: usize, cols: usize) -> Result<ArrayView2<'_, T>> {
    ArrayView2::from_shape((rows, cols), data)
        .map_err(|e| Error::invalid("SpatialConvolution", e.to_string()))
}

fn view_mut<T: Element>(data: &mut [T], rows: usize, cols: usize) -> Result<ArrayViewMut2<'_, T>> {
    ArrayViewMut2::from_shape((rows, cols), data)
        .map_err(|e| Error::invalid("SpatialConvolution", e.to_string()))
}
