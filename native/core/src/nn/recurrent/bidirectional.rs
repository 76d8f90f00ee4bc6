//! What BiRecurrent over vector cells ([`super::BiRecurrent`]) and over convolutional cells
//! ([`super::ConvBiRecurrent`]) share: two directions with their own parameters (forward first),
//! the merge of their outputs, and the backward pass through both.

use super::conv_stack::ConvStack;
use super::stack::Stack;
use crate::element::Element;
use crate::error::Result;
use crate::rng::Rng;

/// How the two directions' outputs are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// BigDL's default `CAddTable`: the sum.
    Add,
    /// `JoinTable` on the feature dimension (the channels of an image sequence): forward
    /// features, then backward ones.
    Join,
}

impl Merge {
    /// BigDL's class name.
    pub fn name(self) -> &'static str {
        match self {
            Merge::Add => "CAddTable",
            Merge::Join => "JoinTable",
        }
    }
}

/// One direction: cells over the whole sequence (the second direction reverses time itself).
pub trait Direction<T> {
    fn num_params(&self) -> usize;
    fn init_params(&self, params: &mut [T], rng: &mut Rng);
    fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64);
    /// Backward for the last forward on `x`; writes the input gradient into `gx` when given.
    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        x: &[T],
        gy: &[T],
        gx: Option<&mut [T]>,
    ) -> Result<()>;
}

macro_rules! direction {
    ($stack:ident) => {
        impl<T: Element> Direction<T> for $stack<T> {
            fn num_params(&self) -> usize {
                $stack::num_params(self)
            }
            fn init_params(&self, params: &mut [T], rng: &mut Rng) {
                $stack::init_params(self, params, rng)
            }
            fn add_regularization(&self, params: &[T], grads: &mut [T], scale: f64) {
                $stack::add_regularization(self, params, grads, scale)
            }
            fn backward(
                &mut self,
                params: &[T],
                grad_params: &mut [T],
                x: &[T],
                gy: &[T],
                gx: Option<&mut [T]>,
            ) -> Result<()> {
                $stack::backward(self, params, grad_params, x, gy, gx)
            }
        }
    };
}
direction!(Stack);
direction!(ConvStack);

/// The two directions (the same cells, own parameters: forward then backward in the flat
/// buffer), their merge, and buffers reused across calls.
#[derive(Debug, Clone)]
pub struct Pair<D, T> {
    pub fwd: D,
    pub bwd: D,
    pub merge: Merge,
    gy: Vec<T>,
    gx: Vec<T>,
}

impl<T: Element, D: Direction<T>> Pair<D, T> {
    pub fn new(fwd: D, bwd: D, merge: Merge) -> Self {
        Pair {
            fwd,
            bwd,
            merge,
            gy: Vec::new(),
            gx: Vec::new(),
        }
    }

    pub fn num_params(&self) -> usize {
        2 * self.fwd.num_params()
    }

    pub fn init_params(&self, params: &mut [T], rng: &mut Rng) {
        let (a, b) = params.split_at_mut(self.fwd.num_params());
        self.fwd.init_params(a, rng);
        self.bwd.init_params(b, rng);
    }

    pub fn add_regularization(&self, params: &[T], grad_params: &mut [T], scale: f64) {
        let pf = self.fwd.num_params();
        let (ga, gb) = grad_params.split_at_mut(pf);
        self.fwd.add_regularization(&params[..pf], ga, scale);
        self.bwd.add_regularization(&params[pf..], gb, scale);
    }

    /// Copies one direction's part of the merged gradient (`row` elements per step and
    /// direction) into `self.gy`.
    fn split_grad(&mut self, gy: &[T], row: usize, second: bool) {
        self.gy.clear();
        match self.merge {
            Merge::Add => self.gy.extend_from_slice(gy),
            Merge::Join => {
                let off = if second { row } else { 0 };
                for r in gy.chunks(2 * row) {
                    self.gy.extend_from_slice(&r[off..off + row]);
                }
            }
        }
    }

    /// Backward through both directions for the last forward on `x`, given the merged output's
    /// gradient `gy` (`row` elements per step and direction): adds the parameter gradients and
    /// writes the input gradient (the sum of both directions') into `gx` when given.
    pub fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        (x, gy, row): (&[T], &[T], usize),
        mut gx: Option<&mut [T]>,
    ) -> Result<()> {
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

/// The merged output of the directions' outputs `yf` and `yb` (`row` elements per step each):
/// their sum, or each step's forward row then its backward row.
pub fn merge_outputs<T: Element>(merge: Merge, yf: &[T], yb: &[T], row: usize) -> Vec<T> {
    match merge {
        Merge::Add => yf.iter().zip(yb).map(|(a, b)| *a + *b).collect(),
        Merge::Join => {
            let mut out = Vec::with_capacity(2 * yf.len());
            for (f, b) in yf.chunks(row.max(1)).zip(yb.chunks(row.max(1))) {
                out.extend_from_slice(f);
                out.extend_from_slice(b);
            }
            out
        }
    }
}
