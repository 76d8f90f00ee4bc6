//! Layers that scale or shift their input by learned, broadcast parameters: CMul, CAdd, Mul,
//! Add and PReLU.

use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// Which operation, and the shape of its parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ScaleShiftKind {
    /// `CMul(size)`: `y = x ⊙ w`, `w` of shape `size` broadcast over the input.
    CMul(Vec<usize>),
    /// `CAdd(size)`: `y = x + b`, `b` of shape `size` broadcast over the input.
    CAdd(Vec<usize>),
    /// `Mul()`: `y = w·x` with one learned scalar.
    Mul,
    /// `Add(inputSize)`: `y = x + b`, `b` of shape `[inputSize]` over the last dimension.
    Add(usize),
    /// `PReLU(nOutputPlane)`: `y = x` where `x > 0`, else `w_c·x`; one `w` for all channels when
    /// `nOutputPlane = 0`, else one per channel (dimension 1 of a batch, 0 without).
    PReLU(usize),
}

/// A layer of [`ScaleShiftKind`].
///
/// # Shapes
/// - input: any shape the parameter broadcasts to (a batch dimension is added in front when the
///   input has one more dimension than the parameter); PReLU: `[batch, C, ...]` or `[C, ...]`
/// - output: same as input
/// - parameters: the one tensor of the kind
///
/// Default initialisation (BigDL's): uniform in `±1/√(parameter count)`; PReLU's slopes 0.25.
#[derive(Debug, Clone)]
pub struct ScaleShift {
    kind: ScaleShiftKind,
}

impl ScaleShift {
    /// Validates the parameter shape.
    pub fn new(kind: ScaleShiftKind) -> Result<ScaleShift> {
        let bad = match &kind {
            ScaleShiftKind::CMul(s) | ScaleShiftKind::CAdd(s) => s.is_empty() || s.contains(&0),
            ScaleShiftKind::Add(n) => *n == 0,
            _ => false,
        };
        if bad {
            return Err(Error::invalid(
                kind.name(),
                format!("parameter size must be positive: {kind:?}"),
            ));
        }
        match &kind {
            ScaleShiftKind::CMul(s) | ScaleShiftKind::CAdd(s) => {
                crate::error::checked_count(kind.name(), s)?;
            }
            _ => {}
        }
        Ok(ScaleShift { kind })
    }

    /// For each input element, the index of the parameter it uses.
    fn param_index(&self, shape: &[usize]) -> Result<Vec<usize>> {
        let name = self.kind.name();
        let wshape: Vec<usize> = match &self.kind {
            ScaleShiftKind::CMul(s) | ScaleShiftKind::CAdd(s) => {
                if shape.len() == s.len() + 1 {
                    [vec![1], s.clone()].concat()
                } else {
                    s.clone()
                }
            }
            ScaleShiftKind::Mul => vec![1; shape.len()],
            ScaleShiftKind::Add(n) => {
                let total: usize = shape.iter().product();
                if total == *n {
                    // BigDL's Add without a batch: the bias covers the whole input.
                    return Ok((0..total).collect());
                }
                let mut w = vec![1; shape.len()];
                if let Some(last) = w.last_mut() {
                    *last = *n;
                }
                w
            }
            ScaleShiftKind::PReLU(0) => vec![1; shape.len()],
            ScaleShiftKind::PReLU(c) => {
                let dim = if shape.len() >= 2 { 1 } else { 0 };
                let mut w = vec![1; shape.len()];
                if shape.is_empty() {
                    return Err(Error::shape(
                        name,
                        format!("[batch, {c}, ...] or [{c}, ...]"),
                        shape,
                    ));
                }
                w[dim] = *c;
                w
            }
        };
        let compatible =
            wshape.len() == shape.len() && wshape.iter().zip(shape).all(|(w, s)| w == s || *w == 1);
        if !compatible {
            return Err(Error::shape(
                name,
                format!("a shape {} broadcasts to", fmt_shape(&wshape)),
                shape,
            ));
        }
        // Row-major strides of the parameter, 0 along broadcast dimensions.
        let mut strides = vec![0usize; wshape.len()];
        let mut acc = 1;
        for d in (0..wshape.len()).rev() {
            strides[d] = if wshape[d] == 1 { 0 } else { acc };
            acc *= wshape[d];
        }
        let total: usize = shape.iter().product();
        let mut out = Vec::with_capacity(total);
        let mut idx = vec![0usize; shape.len()];
        for _ in 0..total {
            out.push(idx.iter().zip(&strides).map(|(i, s)| i * s).sum());
            for d in (0..shape.len()).rev() {
                idx[d] += 1;
                if idx[d] < shape[d] {
                    break;
                }
                idx[d] = 0;
            }
        }
        Ok(out)
    }
}

impl ScaleShiftKind {
    /// The BigDL class name.
    pub fn name(&self) -> &'static str {
        match self {
            ScaleShiftKind::CMul(_) => "CMul",
            ScaleShiftKind::CAdd(_) => "CAdd",
            ScaleShiftKind::Mul => "Mul",
            ScaleShiftKind::Add(_) => "Add",
            ScaleShiftKind::PReLU(_) => "PReLU",
        }
    }
}

impl<T: Element> Module<T> for ScaleShift {
    fn describe(&self) -> String {
        match &self.kind {
            ScaleShiftKind::CMul(s) | ScaleShiftKind::CAdd(s) => {
                format!("{}({})", self.kind.name(), fmt_shape(s))
            }
            ScaleShiftKind::Add(n) | ScaleShiftKind::PReLU(n) => {
                format!("{}({n})", self.kind.name())
            }
            ScaleShiftKind::Mul => "Mul".into(),
        }
    }

    fn num_params(&self) -> usize {
        match &self.kind {
            ScaleShiftKind::CMul(s) | ScaleShiftKind::CAdd(s) => s.iter().product(),
            ScaleShiftKind::Add(n) => *n,
            ScaleShiftKind::Mul | ScaleShiftKind::PReLU(0) => 1,
            ScaleShiftKind::PReLU(c) => *c,
        }
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let (name, shape) = match &self.kind {
            ScaleShiftKind::CMul(s) => ("weight", s.clone()),
            ScaleShiftKind::CAdd(s) => ("bias", s.clone()),
            ScaleShiftKind::Add(n) => ("bias", vec![*n]),
            ScaleShiftKind::Mul | ScaleShiftKind::PReLU(0) => ("weight", vec![1]),
            ScaleShiftKind::PReLU(c) => ("weight", vec![*c]),
        };
        vec![crate::param_tensor::ParamTensor::new(name, &shape)]
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        if let ScaleShiftKind::PReLU(_) = self.kind {
            params.iter_mut().for_each(|p| *p = T::lit(0.25));
            return;
        }
        let stdv = 1.0 / (Module::<T>::num_params(self) as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let map = self.param_index(input.shape())?;
        let x = input.as_standard_layout();
        let y = x
            .iter()
            .zip(&map)
            .map(|(&x, &k)| match self.kind {
                ScaleShiftKind::CMul(_) | ScaleShiftKind::Mul => x * params[k],
                ScaleShiftKind::CAdd(_) | ScaleShiftKind::Add(_) => x + params[k],
                ScaleShiftKind::PReLU(_) => {
                    if x > T::zero() {
                        x
                    } else {
                        x * params[k]
                    }
                }
            })
            .collect();
        from_vec(self.kind.name(), input.shape(), y)
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape(self.kind.name(), "gradOutput", output.shape(), grad_output)?;
        let map = self.param_index(input.shape())?;
        let x = input.as_standard_layout();
        let gy = grad_output.as_standard_layout();
        let mut gx = Vec::with_capacity(map.len());
        for ((&x, &g), &k) in x.iter().zip(gy.iter()).zip(&map) {
            let (dx, dw) = match self.kind {
                ScaleShiftKind::CMul(_) | ScaleShiftKind::Mul => (g * params[k], g * x),
                ScaleShiftKind::CAdd(_) | ScaleShiftKind::Add(_) => (g, g),
                ScaleShiftKind::PReLU(_) => {
                    if x > T::zero() {
                        (g, T::zero())
                    } else {
                        (g * params[k], g * x)
                    }
                }
            };
            gx.push(dx);
            grad_params[k] += dw;
        }
        from_vec(self.kind.name(), input.shape(), gx)
    }
}
