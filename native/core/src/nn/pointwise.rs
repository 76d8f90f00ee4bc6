//! Element-wise layers: one function and its derivative per BigDL layer, one shared module.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::simd;
use crate::tensor::{check_same_shape, Tensor};
use ndarray::Zip;

/// An element-wise function, with BigDL's parameters (defaults are in the factory).
#[derive(Debug, Clone, PartialEq)]
pub enum PointwiseFn {
    /// BigDL's `Identity`, `Echo` and `Contiguous` (no copy semantics to keep here).
    Identity,
    Tanh,
    /// `max(x, 0)`, as BigDL's `ReLU(ip = false)`.
    ReLU,
    Sigmoid,
    ReLU6,
    LeakyReLU {
        negval: f64,
    },
    ELU {
        alpha: f64,
    },
    /// Also BigDL's `Clamp(min, max)`.
    HardTanh {
        min: f64,
        max: f64,
    },
    /// BigDL's `max(0, min(1, 0.2·x + 0.5))`.
    HardSigmoid,
    LogSigmoid,
    /// `log(1 + exp(β·x)) / β`, linear where `β·x > 20`.
    SoftPlus {
        beta: f64,
    },
    SoftSign,
    SoftShrink {
        lambda: f64,
    },
    HardShrink {
        lambda: f64,
    },
    TanhShrink,
    /// `x > th ? x : v`.
    Threshold {
        th: f64,
        v: f64,
    },
    Abs,
    Square,
    Sqrt,
    Exp,
    Log,
    /// `(shift + scale·x)^power`.
    Power {
        power: f64,
        scale: f64,
        shift: f64,
    },
    MulConstant {
        scalar: f64,
    },
    AddConstant {
        constant: f64,
    },
}

fn sigmoid<T: Element>(x: T) -> T {
    T::one() / (T::one() + (-x).exp_fast())
}

impl PointwiseFn {
    /// The BigDL class name.
    pub fn name(&self) -> &'static str {
        use PointwiseFn::*;
        match self {
            Identity => "Identity",
            Tanh => "Tanh",
            ReLU => "ReLU",
            Sigmoid => "Sigmoid",
            ReLU6 => "ReLU6",
            LeakyReLU { .. } => "LeakyReLU",
            ELU { .. } => "ELU",
            HardTanh { .. } => "HardTanh",
            HardSigmoid => "HardSigmoid",
            LogSigmoid => "LogSigmoid",
            SoftPlus { .. } => "SoftPlus",
            SoftSign => "SoftSign",
            SoftShrink { .. } => "SoftShrink",
            HardShrink { .. } => "HardShrink",
            TanhShrink => "TanhShrink",
            Threshold { .. } => "Threshold",
            Abs => "Abs",
            Square => "Square",
            Sqrt => "Sqrt",
            Exp => "Exp",
            Log => "Log",
            Power { .. } => "Power",
            MulConstant { .. } => "MulConstant",
            AddConstant { .. } => "AddConstant",
        }
    }

    /// Checks the parameters.
    pub fn validated(self) -> Result<Self> {
        use PointwiseFn::*;
        let ok = match &self {
            HardTanh { min, max } => min < max,
            SoftPlus { beta } => *beta > 0.0,
            SoftShrink { lambda } | HardShrink { lambda } => *lambda >= 0.0,
            _ => true,
        };
        if ok {
            Ok(self)
        } else {
            Err(Error::invalid(
                self.name(),
                format!("invalid parameters {self:?}"),
            ))
        }
    }

    /// `v[i] = f(v[i])`, with the choice of function made once, so the common activations'
    /// loops vectorise.
    pub fn map_in_place<T: Element>(&self, v: &mut [T]) {
        simd::vectorized(
            #[inline(always)]
            || match *self {
                PointwiseFn::Sigmoid => v.iter_mut().for_each(|x| *x = sigmoid(*x)),
                PointwiseFn::Tanh => v.iter_mut().for_each(|x| *x = x.tanh_fast()),
                PointwiseFn::ReLU => v.iter_mut().for_each(|x| *x = x.max(T::zero())),
                _ => v.iter_mut().for_each(|x| *x = self.value(*x)),
            },
        )
    }

    /// `g[i] *= f'(x[i])`, given `y = f(x)` (equal lengths), with the common activations'
    /// derivatives inlined so their loops vectorise.
    pub fn scale_by_derivative<T: Element>(&self, g: &mut [T], x: &[T], y: &[T]) {
        let one = T::one();
        simd::vectorized(
            #[inline(always)]
            || match *self {
                PointwiseFn::Tanh => g.iter_mut().zip(y).for_each(|(g, y)| *g *= one - *y * *y),
                PointwiseFn::Sigmoid => {
                    g.iter_mut().zip(y).for_each(|(g, y)| *g *= *y * (one - *y))
                }
                _ => g
                    .iter_mut()
                    .zip(x.iter().zip(y))
                    .for_each(|(g, (x, y))| *g *= self.derivative(*x, *y)),
            },
        );
    }

    /// `f(x)`.
    pub fn value<T: Element>(&self, x: T) -> T {
        use PointwiseFn::*;
        let (zero, one) = (T::zero(), T::one());
        match *self {
            Identity => x,
            Tanh => x.tanh_fast(),
            ReLU => x.max(zero),
            Sigmoid => sigmoid(x),
            ReLU6 => x.max(zero).min(T::lit(6.0)),
            LeakyReLU { negval } => {
                if x > zero {
                    x
                } else {
                    x * T::lit(negval)
                }
            }
            ELU { alpha } => {
                if x > zero {
                    x
                } else {
                    T::lit(alpha) * (x.exp() - one)
                }
            }
            HardTanh { min, max } => x.max(T::lit(min)).min(T::lit(max)),
            HardSigmoid => (T::lit(0.2) * x + T::lit(0.5)).max(zero).min(one),
            LogSigmoid => -((-x).max(zero) + (-(x.abs())).exp().ln_1p()),
            SoftPlus { beta } => {
                let bx = T::lit(beta) * x;
                if bx > T::lit(20.0) {
                    x
                } else {
                    bx.exp().ln_1p() / T::lit(beta)
                }
            }
            SoftSign => x / (one + x.abs()),
            SoftShrink { lambda } => {
                let l = T::lit(lambda);
                if x > l {
                    x - l
                } else if x < -l {
                    x + l
                } else {
                    zero
                }
            }
            HardShrink { lambda } => {
                if x.abs() > T::lit(lambda) {
                    x
                } else {
                    zero
                }
            }
            TanhShrink => x - x.tanh(),
            Threshold { th, v } => {
                if x > T::lit(th) {
                    x
                } else {
                    T::lit(v)
                }
            }
            Abs => x.abs(),
            Square => x * x,
            Sqrt => x.sqrt(),
            Exp => x.exp(),
            Log => x.ln(),
            Power {
                power,
                scale,
                shift,
            } => (T::lit(shift) + T::lit(scale) * x).powf(T::lit(power)),
            MulConstant { scalar } => x * T::lit(scalar),
            AddConstant { constant } => x + T::lit(constant),
        }
    }

    /// `f'(x)`, given `y = f(x)`.
    pub fn derivative<T: Element>(&self, x: T, y: T) -> T {
        use PointwiseFn::*;
        let (zero, one) = (T::zero(), T::one());
        let inside = |c: bool| if c { one } else { zero };
        match *self {
            Identity => one,
            Tanh => one - y * y,
            ReLU => inside(x > zero),
            Sigmoid => y * (one - y),
            ReLU6 => inside(x > zero && x < T::lit(6.0)),
            LeakyReLU { negval } => {
                if x > zero {
                    one
                } else {
                    T::lit(negval)
                }
            }
            ELU { alpha } => {
                if x > zero {
                    one
                } else {
                    y + T::lit(alpha)
                }
            }
            HardTanh { min, max } => inside(x > T::lit(min) && x < T::lit(max)),
            HardSigmoid => {
                if x > T::lit(-2.5) && x < T::lit(2.5) {
                    T::lit(0.2)
                } else {
                    zero
                }
            }
            LogSigmoid => sigmoid(-x),
            SoftPlus { beta } => {
                if T::lit(beta) * x > T::lit(20.0) {
                    one
                } else {
                    sigmoid(T::lit(beta) * x)
                }
            }
            SoftSign => one / ((one + x.abs()) * (one + x.abs())),
            SoftShrink { lambda } | HardShrink { lambda } => inside(x.abs() > T::lit(lambda)),
            TanhShrink => x.tanh() * x.tanh(),
            Threshold { th, .. } => inside(x > T::lit(th)),
            Abs => {
                if x > zero {
                    one
                } else if x < zero {
                    -one
                } else {
                    zero
                }
            }
            Square => T::lit(2.0) * x,
            Sqrt => T::lit(0.5) / y,
            Exp => y,
            Log => one / x,
            Power {
                power,
                scale,
                shift,
            } => {
                T::lit(power * scale)
                    * (T::lit(shift) + T::lit(scale) * x).powf(T::lit(power - 1.0))
            }
            MulConstant { scalar } => T::lit(scalar),
            AddConstant { .. } => one,
        }
    }
}

/// A layer that applies a [`PointwiseFn`] to every element.
///
/// # Shapes
/// - input: any
/// - output: same as input
#[derive(Debug, Clone)]
pub struct Pointwise {
    f: PointwiseFn,
}

impl Pointwise {
    /// The layer for a function without parameters to check.
    pub fn from_fn(f: PointwiseFn) -> Pointwise {
        Pointwise { f }
    }

    /// The layer for `f` (parameters are checked).
    pub fn new(f: PointwiseFn) -> Result<Pointwise> {
        Ok(Pointwise { f: f.validated()? })
    }
}

impl<T: Element> Module<T> for Pointwise {
    fn describe(&self) -> String {
        let s = format!("{:?}", self.f);
        s.replacen(' ', "", 1).replace(" {", "(").replace(" }", ")")
    }

    fn forward(&mut self, _params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        // Contiguous input (the usual case): a copy, then the vectorised loop of `map_in_place`.
        if input.is_standard_layout() {
            let mut out = input.clone();
            if let Some(v) = out.as_slice_mut() {
                self.f.map_in_place(v);
                return Ok(out);
            }
        }
        Ok(input.mapv(|x| self.f.value(x)))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(self.f.name(), "gradOutput", output.shape(), grad_output)?;
        let mut grad = grad_output.to_owned();
        if let (Some(g), Some(x), Some(y)) =
            (grad.as_slice_mut(), input.as_slice(), output.as_slice())
        {
            if x.len() == g.len() && y.len() == g.len() {
                self.f.scale_by_derivative(g, x, y);
                return Ok(grad);
            }
        }
        Ok(Zip::from(grad_output)
            .and(input)
            .and(output)
            .map_collect(|&g, &x, &y| g * self.f.derivative(x, y)))
    }
}
