//! The convolutional LSTM cells, BigDL's `ConvLSTMPeephole` (2-D) and `ConvLSTMPeephole3D`: their
//! sizes, fused parameter layout, default initialisation, regularisers and the convolution
//! geometry for a given input. `conv_recurrent.rs` runs one over a sequence.

use super::cell::CellRegularizers;
use super::conv_unfold::Unfold;
use crate::element::Element;
use crate::error::{checked_count, Error, Result};
use crate::nn::{PointwiseFn, Regularizer};
use crate::rng::Rng;

/// A convolutional LSTM cell with peepholes (gate order i, g, f, o, like [`super::CellKind::Lstm`]).
///
/// `ConvLSTMPeephole(inputSize, outputSize, kernelI, kernelC, stride = 1, padding = -1,
/// activation = Tanh, innerActivation = Sigmoid, wRegularizer, uRegularizer, bRegularizer,
/// cRegularizer, withPeephole = true)`; `ConvLSTMPeephole3D` is the same with 3-D convolutions and
/// fixed Tanh / Sigmoid activations. The input convolution has `kernelI`, `stride` and `padding`
/// (`-1`: SAME); the hidden convolution has `kernelC`, the same padding and stride 1, and must keep
/// the hidden state's size. Peepholes are per channel (BigDL's `CMul(1, outputSize, 1, 1)`).
///
/// # Shapes
/// - step input `[batch, inputSize, (D,) H, W]`, hidden output `[batch, outputSize, (oD,) oH, oW]`
/// - parameters, in order: input weight `W_x [4·outputSize, inputSize, kernelI, kernelI(, kernelI)]`,
///   bias `b [4·outputSize]`, hidden weight `W_h [4·outputSize, outputSize, kernelC, kernelC(,
///   kernelC)]`, then (with peepholes) `p_i, p_f, p_o` (`[outputSize]` each). See
///   `docs/recurrent.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvCell {
    /// 2 or 3 spatial dimensions.
    pub dims: usize,
    pub input_size: usize,
    pub output_size: usize,
    pub kernel_i: usize,
    pub kernel_c: usize,
    pub stride: usize,
    /// `-1`: SAME; otherwise the padding on each side of every spatial axis.
    pub padding: i64,
    pub activation: PointwiseFn,
    pub inner: PointwiseFn,
    pub peephole: bool,
    /// `w` on `W_x`, `u` on `W_h`, `b` on `b`.
    pub regularizers: CellRegularizers,
    /// BigDL's `cRegularizer`, on the peepholes.
    pub c_regularizer: Option<Regularizer>,
}

impl ConvCell {
    /// A cell with BigDL's default activations and no regularisers; checks the sizes.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        dims: usize,
        (input_size, output_size): (usize, usize),
        (kernel_i, kernel_c): (usize, usize),
        stride: usize,
        padding: i64,
        peephole: bool,
    ) -> Result<ConvCell> {
        let cell = ConvCell {
            dims,
            input_size,
            output_size,
            kernel_i,
            kernel_c,
            stride,
            padding,
            activation: PointwiseFn::Tanh,
            inner: PointwiseFn::Sigmoid,
            peephole,
            regularizers: CellRegularizers::default(),
            c_regularizer: None,
        };
        let name = cell.name();
        if !(2..=3).contains(&dims) {
            return Err(Error::invalid(
                &name,
                format!("2 or 3 dimensions, got {dims}"),
            ));
        }
        if input_size == 0 || output_size == 0 || kernel_i == 0 || kernel_c == 0 || stride == 0 {
            return Err(Error::invalid(
                &name,
                format!(
                    "sizes, kernels and stride must be positive, got inputSize={input_size}, \
                     outputSize={output_size}, kernelI={kernel_i}, kernelC={kernel_c}, \
                     stride={stride}"
                ),
            ));
        }
        if padding < -1 {
            return Err(Error::invalid(
                &name,
                format!("padding must be >= 0, or -1 for SAME; got {padding}"),
            ));
        }
        checked_count(
            &name,
            &[4 * output_size, input_size, kernel_i.pow(dims as u32)],
        )?;
        checked_count(
            &name,
            &[4 * output_size, output_size, kernel_c.pow(dims as u32)],
        )?;
        Ok(cell)
    }

    /// BigDL's class name.
    pub fn name(&self) -> String {
        if self.dims == 3 {
            "ConvLSTMPeephole3D".into()
        } else {
            "ConvLSTMPeephole".into()
        }
    }

    /// E.g. `ConvLSTMPeephole(2 -> 4, kernelI 3, kernelC 3)`.
    pub fn describe(&self) -> String {
        format!(
            "{}({} -> {}, kernelI {}, kernelC {}{}{})",
            self.name(),
            self.input_size,
            self.output_size,
            self.kernel_i,
            self.kernel_c,
            if self.stride == 1 {
                String::new()
            } else {
                format!(", stride {}", self.stride)
            },
            if self.peephole { "" } else { ", no peephole" }
        )
    }

    /// Rows of the unfolded input: `inputSize · kernelI^dims`.
    pub fn rows_x(&self) -> usize {
        self.input_size * self.kernel_i.pow(self.dims as u32)
    }

    /// Rows of the unfolded hidden state: `outputSize · kernelC^dims`.
    pub fn rows_h(&self) -> usize {
        self.output_size * self.kernel_c.pow(self.dims as u32)
    }

    fn lens(&self) -> [usize; 4] {
        let w = 4 * self.output_size;
        let p = if self.peephole {
            3 * self.output_size
        } else {
            0
        };
        [w * self.rows_x(), w, w * self.rows_h(), p]
    }

    pub fn num_params(&self) -> usize {
        self.lens().iter().sum()
    }

    /// Splits a parameter slice into (`W_x`, `b`, `W_h`, peepholes).
    pub fn split<'a, T>(&self, p: &'a [T]) -> (&'a [T], &'a [T], &'a [T], &'a [T]) {
        let [a, b, c, _] = self.lens();
        let (wx, rest) = p.split_at(a);
        let (bias, rest) = rest.split_at(b);
        let (wh, peep) = rest.split_at(c);
        (wx, bias, wh, peep)
    }

    /// [`ConvCell::split`] for gradients.
    pub fn split_mut<'a, T>(
        &self,
        p: &'a mut [T],
    ) -> (&'a mut [T], &'a mut [T], &'a mut [T], &'a mut [T]) {
        let [a, b, c, _] = self.lens();
        let (wx, rest) = p.split_at_mut(a);
        let (bias, rest) = rest.split_at_mut(b);
        let (wh, peep) = rest.split_at_mut(c);
        (wx, bias, wh, peep)
    }

    /// BigDL's defaults: each convolution's weight and bias uniform in `±1/√(fan in)`, the
    /// peepholes (CMul) uniform in `±1/√outputSize`.
    pub fn init_params<T: Element>(&self, params: &mut [T], rng: &mut Rng) {
        let (wx, b, wh, peep) = self.split_mut(params);
        let fill = |v: &mut [T], fan: usize, rng: &mut Rng| {
            let s = 1.0 / (fan as f64).sqrt();
            v.iter_mut().for_each(|p| *p = T::lit(rng.uniform(-s, s)));
        };
        fill(wx, self.rows_x(), rng);
        fill(b, self.rows_x(), rng);
        fill(wh, self.rows_h(), rng);
        fill(peep, self.output_size, rng);
    }

    /// Adds the regularisers' gradients.
    pub fn add_regularization<T: Element>(&self, params: &[T], grads: &mut [T], scale: f64) {
        let (wx, b, wh, peep) = self.split(params);
        let (gwx, gb, gwh, gpeep) = self.split_mut(grads);
        let r = self.regularizers;
        let pairs = [
            (r.w, wx, gwx),
            (r.b, b, gb),
            (r.u, wh, gwh),
            (self.c_regularizer, peep, gpeep),
        ];
        for (reg, p, g) in pairs {
            if let Some(reg) = reg {
                reg.add(p, g, scale);
            }
        }
    }

    /// The input and hidden convolutions for one step's image `[inputSize, (D,) H, W]`
    /// (`actual` is the whole input shape, for errors).
    pub fn unfolds(
        &self,
        layer: &str,
        image: &[usize],
        actual: &[usize],
    ) -> Result<(Unfold, Unfold)> {
        let spatial = &image[1..];
        if image.len() != self.dims + 1 || image[0] != self.input_size {
            return Err(Error::shape(layer, self.expected_input(), actual));
        }
        let x = Unfold::new(
            (layer, actual),
            self.input_size,
            spatial,
            (self.kernel_i, self.stride),
            self.padding,
        )?;
        let out = x.out_dims();
        let h = Unfold::new(
            (layer, actual),
            self.output_size,
            &out,
            (self.kernel_c, 1),
            self.padding,
        )?;
        if h.out_dims() != out {
            return Err(Error::invalid(
                layer,
                format!(
                    "kernelC={} with padding={} turns the {out:?} hidden state into {:?}; \
                     use padding -1 (SAME) or 2·padding + 1 = kernelC",
                    self.kernel_c,
                    self.padding,
                    h.out_dims()
                ),
            ));
        }
        Ok((x, h))
    }

    /// `[batch, time, C, H, W]` or `[batch, time, C, D, H, W]`.
    pub fn expected_input(&self) -> String {
        let sp = if self.dims == 3 { "D, H, W" } else { "H, W" };
        format!(
            "[batch, time, {}, {sp}] or [time, {}, {sp}]",
            self.input_size, self.input_size
        )
    }
}
