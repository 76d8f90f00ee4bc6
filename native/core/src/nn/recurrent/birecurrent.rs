//! BiRecurrent: a cell run forwards and a copy run backwards in time, merged.

use super::cell::Cell;
use super::hidden_state::HiddenState;
use super::sequence::{layout, out_shape, zero_mask};
use super::stack::Stack;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// How the two directions' outputs are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// BigDL's default `CAddTable`: the sum.
    Add,
    /// `JoinTable` on the feature dimension: forward features, then backward ones.
    Join,
}

/// BigDL's `BiRecurrent(merge = CAddTable).add(cell)`: the cell (or `MultiRNNCell`) over the
/// sequence, and an independent copy (own parameters) over the reversed sequence, merged.
///
/// # Shapes
/// - input: `[batch, time, input_size]` or `[time, input_size]`
/// - output: `[batch, time, hidden]` (`Add`) or `[batch, time, 2·hidden]` (`Join`)
/// - parameters: the forward cells', then the backward cells'
#[derive(Debug, Clone)]
pub struct BiRecurrent<T> {
    fwd: Stack<T>,
    bwd: Stack<T>,
    merge: Merge,
    mask_zero: bool,
    mask: Vec<bool>,
    gy: Vec<T>,
    gx: Vec<T>,
}

impl<T: Element> BiRecurrent<T> {
    pub fn new(cells: Vec<Cell>, merge: Merge, mask_zero: bool) -> Result<Self> {
        Ok(BiRecurrent {
            fwd: Stack::new(cells.clone(), false)?,
            bwd: Stack::new(cells, true)?,
            merge,
            mask_zero,
            mask: Vec::new(),
            gy: Vec::new(),
            gx: Vec::new(),
        })
    }

    fn width(&self) -> usize {
        match self.merge {
            Merge::Add => self.fwd.hidden_size(),
            Merge::Join => 2 * self.fwd.hidden_size(),
        }
    }

    /// Copies one direction's part of the merged gradient into `self.gy`.
    fn split_grad(&mut self, gy: &[T], second: bool) {
        let h = self.fwd.hidden_size();
        self.gy.clear();
        match self.merge {
            Merge::Add => self.gy.extend_from_slice(gy),
            Merge::Join => {
                let off = if second { h } else { 0 };
                for row in gy.chunks(2 * h) {
                    self.gy.extend_from_slice(&row[off..off + h]);
                }
            }
        }
    }

    fn run_backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        mut gx: Option<&mut [T]>,
    ) -> Result<()> {
        let (h, width) = (self.fwd.hidden_size(), self.width());
        let steps = x.len() / self.fwd.input_size().max(1);
        if gy.len() != steps * width || h == 0 {
            return Err(Error::shape(
                &Module::<T>::describe(self),
                format!("gradOutput of {} elements", steps * width),
                &[gy.len()],
            ));
        }
        let pf = self.fwd.num_params();
        let (gpf, gpb) = grad_params.split_at_mut(pf);
        self.split_grad(gy, false);
        let g = std::mem::take(&mut self.gy);
        let r = self
            .fwd
            .backward(&params[..pf], gpf, x, &g, gx.as_deref_mut());
        self.gy = g;
        r?;
        self.split_grad(gy, true);
        let g = std::mem::take(&mut self.gy);
        let mut gxb = std::mem::take(&mut self.gx);
        gxb.resize(x.len(), T::zero());
        let want = gx.is_some();
        let r = self.bwd.backward(
            &params[pf..],
            gpb,
            x,
            &g,
            if want { Some(&mut gxb) } else { None },
        );
        self.gy = g;
        if let Some(gx) = gx {
            gx.iter_mut().zip(&gxb).for_each(|(a, b)| *a += *b);
        }
        self.gx = gxb;
        r
    }
}

/// The states of the forward direction's cells, then the backward direction's (whose "last"
/// step is the sequence's first).
impl<T: Element> HiddenState<T> for BiRecurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        let mut v = self.fwd.hidden_state();
        v.extend(self.bwd.hidden_state());
        v
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        let Some(mut v) = states else {
            self.fwd.set_hidden_state("BiRecurrent", None)?;
            return self.bwd.set_hidden_state("BiRecurrent", None);
        };
        let n = self.fwd.layers.len();
        if v.len() != 2 * n {
            return Err(Error::invalid(
                "BiRecurrent",
                format!("{} hidden states given for 2 x {n} cells", v.len()),
            ));
        }
        let back = v.split_off(n);
        let (f, b) = (self.fwd.clone(), self.bwd.clone());
        let result = self
            .fwd
            .set_hidden_state("BiRecurrent", Some(v))
            .and_then(|_| self.bwd.set_hidden_state("BiRecurrent", Some(back)));
        if result.is_err() {
            (self.fwd, self.bwd) = (f, b);
        }
        result
    }

    fn state_sizes(&self) -> Vec<usize> {
        let mut v = self.fwd.state_sizes();
        v.extend(self.bwd.state_sizes());
        v
    }
}

impl<T: Element> Module<T> for BiRecurrent<T> {
    fn describe(&self) -> String {
        let merge = match self.merge {
            Merge::Add => "CAddTable",
            Merge::Join => "JoinTable",
        };
        format!("BiRecurrent({}, {merge})", self.fwd.describe())
    }

    fn num_params(&self) -> usize {
        2 * self.fwd.num_params()
    }

    fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let fwd = self
            .fwd
            .param_tensors()
            .into_iter()
            .map(|t| t.under("layer"));
        let bwd = self
            .bwd
            .param_tensors()
            .into_iter()
            .map(|t| t.under("revLayer"));
        fwd.chain(bwd).collect()
    }

    fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let (a, b) = params.split_at_mut(self.fwd.num_params());
        self.fwd.init_params(a, rng);
        self.bwd.init_params(b, rng);
    }

    fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        let pf = self.fwd.num_params();
        let (ga, gb) = grad_params.split_at_mut(pf);
        self.fwd.add_regularization(&params[..pf], ga, scale);
        self.bwd.add_regularization(&params[pf..], gb, scale);
    }

    fn set_training(&mut self, training: bool) {
        self.fwd.set_training(training);
        self.bwd.set_training(training);
    }

    fn reseed(&mut self, seed: u64) {
        self.fwd.reseed(seed);
        self.bwd.reseed(!seed);
    }

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let f = self.fwd.input_size();
        let (batch, time, batched) = layout(&name, input.shape(), f)?;
        let x = flat(input);
        if self.mask_zero {
            zero_mask(&x, f, &mut self.mask);
        } else {
            self.mask.clear();
        }
        let (h, width) = (self.fwd.hidden_size(), self.width());
        let pf = self.fwd.num_params();
        let mut out = vec![T::zero(); batch * time * width];
        let yf = self
            .fwd
            .forward(&params[..pf], &x, (batch, time), &self.mask)?;
        for (o, y) in out.chunks_mut(width).zip(yf.chunks(h)) {
            o[..h].copy_from_slice(y);
        }
        let yb = self
            .bwd
            .forward(&params[pf..], &x, (batch, time), &self.mask)?;
        for (o, y) in out.chunks_mut(width).zip(yb.chunks(h)) {
            match self.merge {
                Merge::Add => o.iter_mut().zip(y).for_each(|(a, b)| *a += *b),
                Merge::Join => o[h..].copy_from_slice(y),
            }
        }
        from_vec(&name, &out_shape(batch, time, batched, width), out)
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
        let x = flat(input);
        let mut gx = vec![T::zero(); x.len()];
        self.run_backward(params, grad_params, &x, &flat(grad_output), Some(&mut gx))?;
        from_vec(&name, input.shape(), gx)
    }

    fn backward_params(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        input: &Tensor<T>,
        output: &Tensor<T>,
        grad_output: &Tensor<T>,
    ) -> Result<()> {
        let name = Module::<T>::describe(self);
        check_same_shape(&name, "gradOutput", output.shape(), grad_output)?;
        self.run_backward(params, grad_params, &flat(input), &flat(grad_output), None)
    }
}
