//! `BiRecurrent().add(ConvLSTMPeephole(..))`: convolutional LSTM cells run forwards and a copy
//! run backwards in time over an image sequence, merged.

use super::birecurrent::Merge;
use super::conv_cell::ConvCell;
use super::conv_stack::ConvStack;
use super::hidden_state::HiddenState;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::rng::Rng;
use crate::tensor::{check_same_shape, flat, from_vec, Tensor};

/// BigDL's `BiRecurrent(merge).add(ConvLSTMPeephole(..))` (or a `MultiRNNCell` of them): the
/// cells over the sequence and an independent copy (own parameters) over the reversed sequence,
/// merged by sum (`CAddTable`) or by joining the channels (`JoinTable`).
///
/// # Shapes
/// - input: `[batch, time, inputSize, (D,) H, W]` or without batch
/// - output: `[batch, time, outputSize, (oD,) oH, oW]` (`Add`) or `[batch, time, 2·outputSize,
///   ..]` (`Join`: the forward direction's channels, then the backward one's)
/// - parameters: the forward cells', then the backward cells'
/// - hidden state: the forward cells' states, then the backward cells' (whose last step is the
///   sequence's first)
#[derive(Debug, Clone)]
pub struct ConvBiRecurrent<T> {
    fwd: ConvStack<T>,
    bwd: ConvStack<T>,
    merge: Merge,
    gy: Vec<T>,
    gx: Vec<T>,
}

impl<T: Element> ConvBiRecurrent<T> {
    pub fn new(cells: Vec<ConvCell>, merge: Merge) -> Result<Self> {
        Ok(ConvBiRecurrent {
            fwd: ConvStack::new(cells.clone(), false)?,
            bwd: ConvStack::new(cells, true)?,
            merge,
            gy: Vec::new(),
            gx: Vec::new(),
        })
    }

    /// Copies one direction's part of the merged gradient into `self.gy` (`row`: one step's
    /// merged output size).
    fn split_grad(&mut self, gy: &[T], row: usize, second: bool) {
        self.gy.clear();
        match self.merge {
            Merge::Add => self.gy.extend_from_slice(gy),
            Merge::Join => {
                let (h, off) = (row / 2, if second { row / 2 } else { 0 });
                for r in gy.chunks(row) {
                    self.gy.extend_from_slice(&r[off..off + h]);
                }
            }
        }
    }

    fn run_backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        (x, output): (&[T], &[usize]),
        gy: &[T],
        mut gx: Option<&mut [T]>,
    ) -> Result<()> {
        let batched = output.len() == self.fwd.seqs[0].cell.dims + 3;
        let row: usize = output[if batched { 2 } else { 1 }..].iter().product();
        let pf = self.fwd.num_params();
        let (gpf, gpb) = grad_params.split_at_mut(pf);
        self.split_grad(gy, row, false);
        let g = std::mem::take(&mut self.gy);
        let r = self
            .fwd
            .backward(&params[..pf], gpf, x, &g, gx.as_deref_mut());
        self.gy = g;
        r?;
        self.split_grad(gy, row, true);
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
        if let (Some(gx), true) = (gx, r.is_ok()) {
            gx.iter_mut().zip(&gxb).for_each(|(a, b)| *a += *b);
        }
        self.gx = gxb;
        r
    }
}

impl<T: Element> HiddenState<T> for ConvBiRecurrent<T> {
    fn hidden_state(&self) -> Vec<Vec<T>> {
        let mut v = self.fwd.hidden_state();
        v.extend(self.bwd.hidden_state());
        v
    }

    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()> {
        let Some(mut v) = states else {
            self.fwd.set_hidden_state(None)?;
            return self.bwd.set_hidden_state(None);
        };
        let n = self.fwd.seqs.len();
        if v.len() != 2 * n {
            return Err(Error::invalid(
                "BiRecurrent",
                format!("{} hidden states given for 2 x {n} cells", v.len()),
            ));
        }
        let back = v.split_off(n);
        self.fwd.set_hidden_state(Some(v))?;
        self.bwd.set_hidden_state(Some(back))
    }

    fn state_sizes(&self) -> Vec<usize> {
        let mut v = self.fwd.state_sizes();
        v.extend(self.bwd.state_sizes());
        v
    }

    fn state_image_shape(&self) -> Vec<usize> {
        let mut v = self.fwd.state_image_shapes();
        v.extend(self.bwd.state_image_shapes());
        v
    }
}

impl<T: Element> Module<T> for ConvBiRecurrent<T> {
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

    fn hidden_state_at(&mut self, path: &[usize]) -> Option<&mut dyn HiddenState<T>> {
        path.is_empty().then_some(self as &mut dyn HiddenState<T>)
    }

    fn forward(&mut self, params: &[T], input: &Tensor<T>) -> Result<Tensor<T>> {
        let name = Module::<T>::describe(self);
        let x = flat(input);
        let pf = self.fwd.num_params();
        let (mut shape, yf) = self.fwd.forward(&name, &params[..pf], &x, input.shape())?;
        let yf = yf.to_vec();
        let (_, yb) = self.bwd.forward(&name, &params[pf..], &x, input.shape())?;
        let steps = shape[..shape.len() - self.fwd.seqs[0].cell.dims - 1]
            .iter()
            .product::<usize>();
        let h = yf.len() / steps.max(1);
        let out = match self.merge {
            Merge::Add => yf.iter().zip(yb).map(|(a, b)| *a + *b).collect(),
            Merge::Join => {
                let c = shape.len() - self.fwd.seqs[0].cell.dims - 1;
                shape[c] *= 2;
                let mut out = Vec::with_capacity(2 * yf.len());
                for (f, b) in yf.chunks(h).zip(yb.chunks(h)) {
                    out.extend_from_slice(f);
                    out.extend_from_slice(b);
                }
                out
            }
        };
        from_vec(&name, &shape, out)
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
        self.run_backward(
            params,
            grad_params,
            (&x, output.shape()),
            &flat(grad_output),
            Some(&mut gx),
        )?;
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
        self.run_backward(
            params,
            grad_params,
            (&flat(input), output.shape()),
            &flat(grad_output),
            None,
        )
    }
}
