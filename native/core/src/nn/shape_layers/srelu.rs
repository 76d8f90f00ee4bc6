//! SReLU: the S-shaped rectified linear unit, with learned thresholds and slopes.

use super::common::broadcast_index;
use crate::element::Element;
use crate::error::{fmt_shape, Error, Result};
use crate::module::Module;
use crate::nn::InitMethod;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, from_vec, Tensor};

/// BigDL's `SReLU(shape, sharedAxes = null)`.
///
/// `y = tr + ar·(x - tr)` for `x >= tr`, `y = tl + al·(x - tl)` for `x <= tl`, else `y = x`,
/// with the four parameters of shape `shape` (size 1 along each 1-based axis of `sharedAxes`,
/// shared across it), one value per input element of a sample.
///
/// # Shapes
/// - input: `[batch, shape...]`
/// - output: same as input
/// - parameters, in order: `tLeft`, `aLeft`, `tRight`, `aRight`, each of `shape` (shared axes
///   of size 1). BigDL's initialisation: `tLeft` zeros, `aLeft` Xavier, `tRight` Xavier then
///   `|tRight| + tLeft`, `aRight` ones; `setInitMethod(Array(tLeftInit, aLeftInit, tRightInit,
///   aRightInit))` replaces any of the four ([`SReLU::with_inits`]), and `|tRight| + tLeft` is
///   applied after them too. (BigDL re-applies `|tRight| + tLeft` to the weights at every
///   forward pass; here parameters are never changed by a forward pass.)
#[derive(Debug, Clone)]
pub struct SReLU {
    shape: Vec<usize>,
    param_shape: Vec<usize>,
    inits: [InitMethod; 4],
}

impl SReLU {
    /// Validates `shape` and `shared_axes` (1-based axes of `shape`).
    pub fn new(shape: Vec<usize>, shared_axes: &[usize]) -> Result<SReLU> {
        if shape.is_empty() || shape.contains(&0) {
            return Err(Error::invalid(
                "SReLU",
                format!(
                    "shape must be non-empty and positive, got {}",
                    fmt_shape(&shape)
                ),
            ));
        }
        let mut param_shape = shape.clone();
        for &a in shared_axes {
            let slot = a
                .checked_sub(1)
                .and_then(|i| param_shape.get_mut(i))
                .ok_or_else(|| {
                    Error::invalid(
                        "SReLU",
                        format!("shared axis {a} is not an axis of the shape"),
                    )
                })?;
            *slot = 1;
        }
        crate::error::checked_count("SReLU", &param_shape)?;
        Ok(SReLU {
            shape,
            param_shape,
            inits: [
                InitMethod::Zeros,
                InitMethod::Xavier,
                InitMethod::Xavier,
                InitMethod::Ones,
            ],
        })
    }

    /// Replaces the initialisation of `tLeft, aLeft, tRight, aRight` where given (BigDL's
    /// `setInitMethod(Array(...))`; `None` keeps the default).
    pub fn with_inits(mut self, inits: [Option<InitMethod>; 4]) -> SReLU {
        for (slot, m) in self.inits.iter_mut().zip(inits) {
            if let Some(m) = m {
                *slot = m;
            }
        }
        self
    }

    fn n(&self) -> usize {
        self.param_shape.iter().product()
    }

    fn check_len(&self, what: &str, len: usize) -> Result<()> {
        if len == 4 * self.n() {
            Ok(())
        } else {
            Err(Error::BufferSize {
                op: format!("SReLU({})", fmt_shape(&self.shape)),
                what: what.into(),
                expected: 4 * self.n(),
                actual: len,
            })
        }
    }

    /// The parameter index of each input element.
    fn index(&self, shape: &[usize]) -> Result<Vec<usize>> {
        let name = format!("SReLU({})", fmt_shape(&self.shape));
        if shape.len() != self.shape.len() + 1 {
            return Err(Error::shape(
                &name,
                format!("[batch, {}]", fmt_shape(&self.shape)),
                shape,
            ));
        }
        let small = [vec![1], self.param_shape.clone()].concat();
        broadcast_index(&name, shape, &small)
    }
}

impl<T: Element> Module<T> for SReLU {
    fn describe(&self) -> String {
        format!("SReLU({})", fmt_shape(&self.shape))
    }

    fn num_params(&self) -> usize {
        4 * self.n()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        ["tLeft", "aLeft", "tRight", "aRight"]
            .iter()
            .map(|n| crate::param_tensor::ParamTensor::new(n, &self.param_shape))
            .collect()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let n = self.n();
        if params.len() != 4 * n {
            return;
        }
        let (fan_in, fan_out) = match self.param_shape.as_slice() {
            [d] => (*d, *d),
            [d, rest @ ..] => (rest.iter().product(), *d),
            [] => (1, 1),
        };
        let (tl, rest) = params.split_at_mut(n);
        let (al, rest) = rest.split_at_mut(n);
        let (tr, ar) = rest.split_at_mut(n);
        let [m_tl, m_al, m_tr, m_ar] = &self.inits;
        m_tl.fill(tl, fan_in, fan_out, rng);
        m_al.fill(al, fan_in, fan_out, rng);
        m_tr.fill(tr, fan_in, fan_out, rng);
        for (r, l) in tr.iter_mut().zip(tl.iter()) {
            *r = r.abs() + *l;
        }
        m_ar.fill(ar, fan_in, fan_out, rng);
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        self.check_len("parameter", params.len())?;
        let map = self.index(input.shape())?;
        let n = self.n();
        let x = input.as_standard_layout();
        let y = x
            .iter()
            .zip(&map)
            .map(|(&x, &k)| {
                let (tl, al, tr, ar) = (
                    params[k],
                    params[n + k],
                    params[2 * n + k],
                    params[3 * n + k],
                );
                if x >= tr {
                    tr + ar * (x - tr)
                } else if x <= tl {
                    tl + al * (x - tl)
                } else {
                    x
                }
            })
            .collect();
        from_vec("SReLU", input.shape(), y)
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        check_same_shape("SReLU", "gradOutput", output.shape(), grad_output)?;
        self.check_len("parameter", params.len())?;
        self.check_len("gradient", grad_params.len())?;
        let map = self.index(input.shape())?;
        let n = self.n();
        let x = input.as_standard_layout();
        let gy = grad_output.as_standard_layout();
        let mut gx = Vec::with_capacity(map.len());
        for ((&x, &g), &k) in x.iter().zip(gy.iter()).zip(&map) {
            let (tl, al, tr, ar) = (
                params[k],
                params[n + k],
                params[2 * n + k],
                params[3 * n + k],
            );
            if x >= tr {
                gx.push(g * ar);
                grad_params[2 * n + k] += g * (T::one() - ar);
                grad_params[3 * n + k] += g * (x - tr);
            } else if x <= tl {
                gx.push(g * al);
                grad_params[k] += g * (T::one() - al);
                grad_params[n + k] += g * (x - tl);
            } else {
                gx.push(g);
            }
        }
        from_vec("SReLU", input.shape(), gx)
    }
}
