//! SpatialAveragePooling: the mean (or sum) over 2-D windows of every plane.

use super::im2col::{planes, Geometry, Pad2d};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// BigDL's `SpatialAveragePooling(kW, kH, dW = 1, dH = 1, padW = 0, padH = 0,
/// globalPooling = false, ceilMode = false, countIncludePad = true, divide = true)`.
///
/// Each window sums the input it covers and divides by the window's size within the padded
/// input (`countIncludePad`) or by the number of input elements it covers; `divide = false`
/// keeps the sum. `globalPooling` pools each whole plane to 1x1.
///
/// # Shapes
/// - input: `[batch, C, H, W]` or `[C, H, W]`
/// - output: `[batch, C, outH, outW]` (or without the batch dimension)
#[derive(Debug, Clone)]
pub struct SpatialAveragePooling {
    kernel: (usize, usize),
    stride: (usize, usize),
    pad: (usize, usize),
    global: bool,
    ceil_mode: bool,
    count_include_pad: bool,
    divide: bool,
}

/// The constructor arguments of [`SpatialAveragePooling`], named as in BigDL.
#[derive(Debug, Clone)]
pub struct AvgPoolConfig {
    pub k_w: usize,
    pub k_h: usize,
    pub d_w: usize,
    pub d_h: usize,
    pub pad_w: usize,
    pub pad_h: usize,
    pub global_pooling: bool,
    pub ceil_mode: bool,
    pub count_include_pad: bool,
    pub divide: bool,
}

impl AvgPoolConfig {
    /// A `k_w x k_h` window with stride 1 and BigDL's other defaults.
    pub fn new(k_w: usize, k_h: usize) -> AvgPoolConfig {
        AvgPoolConfig {
            k_w,
            k_h,
            d_w: 1,
            d_h: 1,
            pad_w: 0,
            pad_h: 0,
            global_pooling: false,
            ceil_mode: false,
            count_include_pad: true,
            divide: true,
        }
    }
}

/// One window: the input rows and columns it covers and its divisor.
struct Window {
    rows: (usize, usize),
    cols: (usize, usize),
    divisor: f64,
}

impl SpatialAveragePooling {
    /// Validates the configuration.
    pub fn new(c: AvgPoolConfig) -> Result<Self> {
        if !c.global_pooling && [c.k_w, c.k_h, c.d_w, c.d_h].contains(&0) {
            return Err(Error::invalid(
                "SpatialAveragePooling",
                format!("kernel and stride must be positive: {c:?}"),
            ));
        }
        if c.d_w == 0 || c.d_h == 0 {
            return Err(Error::invalid(
                "SpatialAveragePooling",
                "stride must be positive",
            ));
        }
        if !c.global_pooling && (c.pad_w > c.k_w / 2 || c.pad_h > c.k_h / 2) {
            return Err(Error::invalid(
                "SpatialAveragePooling",
                format!(
                    "padding must be at most half the kernel (as in Torch and PyTorch): pad {}x{}, kernel {}x{}",
                    c.pad_w, c.pad_h, c.k_w, c.k_h
                ),
            ));
        }
        Ok(SpatialAveragePooling {
            kernel: (c.k_h, c.k_w),
            stride: (c.d_h, c.d_w),
            pad: (c.pad_h, c.pad_w),
            global: c.global_pooling,
            ceil_mode: c.ceil_mode,
            count_include_pad: c.count_include_pad,
            divide: c.divide,
        })
    }

    fn geometry(&self, name: &str, shape: &[usize]) -> Result<(usize, Geometry)> {
        let (n, c, h, w) = planes(name, shape)?;
        let (kernel, stride, pad) = if self.global {
            ((h, w), (1, 1), (0, 0))
        } else {
            (self.kernel, self.stride, self.pad)
        };
        let pad = Pad2d::Explicit {
            pad_h: pad.0,
            pad_w: pad.1,
        };
        Ok((
            n,
            Geometry::new(name, (c, h, w), kernel, stride, pad, self.ceil_mode)?,
        ))
    }

    fn window(&self, g: &Geometry, oh: usize, ow: usize) -> Window {
        let span = |o: usize, s: usize, k: usize, pad: usize, len: usize| {
            let start = (o * s) as isize - pad as isize;
            let end = (start + k as isize).min((len + pad) as isize);
            let size = (end - start) as usize;
            let a = (start.max(0) as usize).min(len);
            let b = end.min(len as isize).max(0) as usize;
            ((a, b.max(a)), size)
        };
        let (rows, size_h) = span(oh, g.stride_h, g.k_h, g.pad_top, g.in_h);
        let (cols, size_w) = span(ow, g.stride_w, g.k_w, g.pad_left, g.in_w);
        let divisor = if !self.divide {
            1.0
        } else if self.count_include_pad {
            (size_h * size_w) as f64
        } else {
            ((rows.1 - rows.0) * (cols.1 - cols.0)).max(1) as f64
        };
        Window {
            rows,
            cols,
            divisor,
        }
    }

    fn out_shape(input: &[usize], g: &Geometry) -> Vec<usize> {
        let mut s = vec![g.channels, g.out_h, g.out_w];
        if input.len() == 4 {
            s.insert(0, input[0]);
        }
        s
    }
}

impl<T: Element> Module<T> for SpatialAveragePooling {
    fn describe(&self) -> String {
        if self.global {
            return "SpatialAveragePooling(global)".into();
        }
        format!(
            "SpatialAveragePooling({}x{}, {}, {})",
            self.kernel.1, self.kernel.0, self.stride.1, self.stride.0
        )
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let (n, g) = self.geometry(&name, input.shape())?;
        let x = crate::tensor::flat(input);
        let plane = g.in_h * g.in_w;
        let mut y = Vec::with_capacity(n * g.channels * g.out_len());
        for p in 0..n * g.channels {
            let src = &x[p * plane..(p + 1) * plane];
            for oh in 0..g.out_h {
                for ow in 0..g.out_w {
                    let win = self.window(&g, oh, ow);
                    let mut sum = T::zero();
                    for ih in win.rows.0..win.rows.1 {
                        sum += src[ih * g.in_w + win.cols.0..ih * g.in_w + win.cols.1]
                            .iter()
                            .fold(T::zero(), |a, &b| a + b);
                    }
                    y.push(sum / T::lit(win.divisor));
                }
            }
        }
        from_vec(&name, &Self::out_shape(input.shape(), &g), y)
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        let (n, g) = self.geometry(&name, input.shape())?;
        let gy = crate::tensor::flat(grad_output);
        let plane = g.in_h * g.in_w;
        let mut gx = vec![T::zero(); input.len()];
        for p in 0..n * g.channels {
            let dst = &mut gx[p * plane..(p + 1) * plane];
            for oh in 0..g.out_h {
                for ow in 0..g.out_w {
                    let win = self.window(&g, oh, ow);
                    let share = gy[(p * g.out_h + oh) * g.out_w + ow] / T::lit(win.divisor);
                    for ih in win.rows.0..win.rows.1 {
                        dst[ih * g.in_w + win.cols.0..ih * g.in_w + win.cols.1]
                            .iter_mut()
                            .for_each(|v| *v += share);
                    }
                }
            }
        }
        from_vec(&name, input.shape(), gx)
    }
}
