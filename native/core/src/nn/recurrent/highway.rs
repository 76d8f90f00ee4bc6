//! Highway: a gated mix of a transformed input and the input itself.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::gemm::matmul;
use crate::module::Module;
use crate::nn::PointwiseFn;
use crate::rng::Rng;
use crate::tensor::{as_batch, check_same_shape, from_vec, Tensor};
use ndarray::{ArrayView2, ArrayViewMut2};

fn view<T: Element>(d: &[T], r: usize, c: usize) -> Result<ArrayView2<'_, T>> {
    ArrayView2::from_shape((r, c), d).map_err(|e| Error::invalid("Highway", e.to_string()))
}

fn view_mut<T: Element>(d: &mut [T], r: usize, c: usize) -> Result<ArrayViewMut2<'_, T>> {
    ArrayViewMut2::from_shape((r, c), d).map_err(|e| Error::invalid("Highway", e.to_string()))
}

/// BigDL's `Highway(size, withBias = true, activation = null)`:
/// `t = σ(W_t x + b_t)`, `h = act(W_h x + b_h)` (the identity when `activation` is null),
/// `y = t ⊙ h + (1 − t) ⊙ x`.
///
/// # Shapes
/// - input: `[batch, size]` or `[size]`; output: the same
/// - parameters, in order: `W_t [size, size]`, `b_t [size]` (withBias), `W_h [size, size]`,
///   `b_h [size]` (withBias)
///
/// Default initialisation: uniform in `±1/√size` (BigDL's Linear).
pub struct Highway<T> {
    size: usize,
    with_bias: bool,
    act: PointwiseFn,
    /// `[batch, size]` each: gate pre-activation, gate, transform pre-activation, transform.
    a: Vec<T>,
    t: Vec<T>,
    b: Vec<T>,
    h: Vec<T>,
}

impl<T: Element> Highway<T> {
    pub fn new(size: usize, with_bias: bool, act: PointwiseFn) -> Result<Self> {
        if size == 0 {
            return Err(Error::invalid("Highway", "size must be positive"));
        }
        crate::error::checked_count("Highway", &[2 * size, size + 1])?;
        Ok(Highway {
            size,
            with_bias,
            act,
            a: Vec::new(),
            t: Vec::new(),
            b: Vec::new(),
            h: Vec::new(),
        })
    }

    fn block(&self) -> usize {
        self.size * self.size + if self.with_bias { self.size } else { 0 }
    }

    /// `out = x · Wᵀ + bias` for the block at `offset` of `params`.
    fn linear(&self, params: &[T], offset: usize, x: ArrayView2<T>, out: &mut [T]) -> Result<()> {
        let s = self.size;
        let p = &params[offset..offset + self.block()];
        let (w, bias) = p.split_at(s * s);
        let beta = if self.with_bias {
            out.chunks_mut(s).for_each(|r| r.copy_from_slice(bias));
            T::one()
        } else {
            T::zero()
        };
        let n = x.dim().0;
        matmul(T::one(), x, view(w, s, s)?.t(), beta, view_mut(out, n, s)?)
    }
}

impl<T: Element> Module<T> for Highway<T> {
    fn describe(&self) -> String {
        format!("Highway({}, {})", self.size, self.act.name())
    }

    fn num_params(&self) -> usize {
        2 * self.block()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let s = self.size;
        let block = crate::param_tensor::weight_bias(&[s, s], self.with_bias.then_some(s));
        crate::param_tensor::of_children([block.clone(), block])
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.size as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let x = as_batch(&name, self.size, input)?;
        let len = x.len();
        let mut a = std::mem::take(&mut self.a);
        let mut b = std::mem::take(&mut self.b);
        a.resize(len, T::zero());
        b.resize(len, T::zero());
        let r = self
            .linear(params, 0, x, &mut a)
            .and_then(|_| self.linear(params, self.block(), x, &mut b));
        self.t.clear();
        self.t
            .extend(a.iter().map(|v| PointwiseFn::Sigmoid.value(*v)));
        self.h.clear();
        self.h.extend(b.iter().map(|v| self.act.value(*v)));
        self.a = a;
        self.b = b;
        r?;
        let y = x
            .iter()
            .zip(self.t.iter().zip(&self.h))
            .map(|(xv, (t, h))| *t * *h + (T::one() - *t) * *xv)
            .collect();
        from_vec(&name, input.shape(), y)
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
        let x = as_batch(&name, self.size, input)?;
        let gy = as_batch(&name, self.size, grad_output)?;
        let (n, s) = x.dim();
        if self.t.len() != n * s {
            return Err(Error::state(
                &name,
                "backward must follow a forward on the same input",
            ));
        }
        let mut da = vec![T::zero(); n * s];
        let mut db = vec![T::zero(); n * s];
        let mut gx = vec![T::zero(); n * s];
        for (k, ((xv, g), ((t, h), b))) in x
            .iter()
            .zip(gy.iter())
            .zip(self.t.iter().zip(&self.h).zip(&self.b))
            .enumerate()
        {
            da[k] = *g * (*h - *xv) * *t * (T::one() - *t);
            db[k] = *g * *t * self.act.derivative(*b, *h);
            gx[k] = *g * (T::one() - *t);
        }
        for (k, d) in [da, db].iter().enumerate() {
            let off = k * self.block();
            let (gw, gb) = grad_params[off..off + self.block()].split_at_mut(s * s);
            let dv = view(d, n, s)?;
            matmul(T::one(), dv.t(), x, T::one(), view_mut(gw, s, s)?)?;
            for row in d.chunks(s) {
                gb.iter_mut().zip(row).for_each(|(g, v)| *g += *v);
            }
            let w = view(&params[off..off + s * s], s, s)?;
            matmul(T::one(), dv, w, T::one(), view_mut(&mut gx, n, s)?)?;
        }
        from_vec(&name, input.shape(), gx)
    }
}
