//! The recurrent cells (RnnCell, LSTM, LSTMPeephole, GRU): their sizes, parameter layout,
//! default initialisation and regularisers. The per-step math is in `rnn_step.rs`,
//! `lstm_step.rs` and `gru_step.rs`; `layer.rs` runs a cell over a sequence.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::nn::{PointwiseFn, Regularizer};
use crate::rng::Rng;

/// Which cell, with its activations.
#[derive(Debug, Clone, PartialEq)]
pub enum CellKind {
    /// BigDL's `RnnCell`: `h' = f(W_i x + b_i + W_h h + b_h)`.
    Rnn {
        activation: PointwiseFn,
        input_bias: bool,
        hidden_bias: bool,
    },
    /// BigDL's `LSTM` (`peephole = false`) and `LSTMPeephole` (`peephole = true`); gate order
    /// i, g, f, o.
    Lstm {
        activation: PointwiseFn,
        inner: PointwiseFn,
        peephole: bool,
    },
    /// BigDL's `GRU`, in PyTorch's (cuDNN's) formulation; gate order r, z, n.
    Gru {
        activation: PointwiseFn,
        inner: PointwiseFn,
    },
}

/// The regularisers of a cell: `w` on the input weights, `u` on the recurrent weights, `b` on
/// the biases.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CellRegularizers {
    pub w: Option<Regularizer>,
    pub u: Option<Regularizer>,
    pub b: Option<Regularizer>,
}

/// A cell: its kind and sizes.
///
/// # Shapes
/// - step input `[batch, input_size]`, hidden output `[batch, hidden_size]`
/// - parameters, in order: input weight `W_i [gates·hidden, input]`, input bias
///   `b_i [gates·hidden]` (absent for `RnnCell(isInputWithBias = false)`), recurrent weight
///   `W_h [gates·hidden, hidden]`, then the cell's extra parameters: RnnCell's hidden bias
///   `[hidden]` (when `isHiddenWithBias`), GRU's `b_hn [hidden]`, LSTMPeephole's `p_i, p_f, p_o`
///   (`[hidden]` each). See `docs/recurrent.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub kind: CellKind,
    pub input_size: usize,
    pub hidden_size: usize,
    pub regularizers: CellRegularizers,
    /// Dropout probability on each gate's input and hidden copies in training (BigDL's `p`).
    pub dropout: f64,
}

impl Cell {
    /// A cell; sizes must be positive and the parameter count must fit a JVM array.
    pub fn new(kind: CellKind, input_size: usize, hidden_size: usize) -> Result<Cell> {
        let cell = Cell {
            kind,
            input_size,
            hidden_size,
            regularizers: CellRegularizers::default(),
            dropout: 0.0,
        };
        if input_size == 0 || hidden_size == 0 {
            return Err(Error::invalid(
                &cell.name(),
                format!("sizes must be positive, got {input_size} -> {hidden_size}"),
            ));
        }
        let gh = crate::error::checked_count(&cell.name(), &[cell.gates(), hidden_size])?;
        crate::error::checked_count(&cell.name(), &[gh, input_size + hidden_size + 2])?;
        Ok(cell)
    }

    /// Sets BigDL's dropout `p` (in `[0, 1)`; RnnCell has none).
    pub fn with_dropout(mut self, p: f64) -> Result<Cell> {
        if !(0.0..1.0).contains(&p) || (p != 0.0 && matches!(self.kind, CellKind::Rnn { .. })) {
            return Err(Error::invalid(
                &self.name(),
                format!("dropout p must be in [0, 1) (and 0 for RnnCell), got {p}"),
            ));
        }
        self.dropout = p;
        Ok(self)
    }

    /// BigDL's class name.
    pub fn name(&self) -> String {
        match self.kind {
            CellKind::Rnn { .. } => "RnnCell".into(),
            CellKind::Lstm {
                peephole: false, ..
            } => "LSTM".into(),
            CellKind::Lstm { peephole: true, .. } => "LSTMPeephole".into(),
            CellKind::Gru { .. } => "GRU".into(),
        }
    }

    /// E.g. `LSTM(10 -> 20)`.
    pub fn describe(&self) -> String {
        let act = match &self.kind {
            CellKind::Rnn { activation, .. } => format!(", {}", activation.name()),
            _ => String::new(),
        };
        format!(
            "{}({} -> {}{act})",
            self.name(),
            self.input_size,
            self.hidden_size
        )
    }

    /// Gates computed by the input and recurrent projections (1, 4 or 3).
    pub fn gates(&self) -> usize {
        match self.kind {
            CellKind::Rnn { .. } => 1,
            CellKind::Lstm { .. } => 4,
            CellKind::Gru { .. } => 3,
        }
    }

    /// Width of the projections: `gates · hidden`.
    pub fn width(&self) -> usize {
        self.gates() * self.hidden_size
    }

    /// Per-sample state: `h` (RnnCell, GRU) or `h` then `c` (LSTMs).
    pub fn state_size(&self) -> usize {
        match self.kind {
            CellKind::Lstm { .. } => 2 * self.hidden_size,
            _ => self.hidden_size,
        }
    }

    /// Per-sample, per-step values the backward pass needs (pre-activations and gates).
    pub fn cache_size(&self) -> usize {
        let h = self.hidden_size;
        match self.kind {
            CellKind::Rnn { .. } => 2 * h,
            CellKind::Lstm { .. } => 9 * h,
            CellKind::Gru { .. } => 7 * h,
        }
    }

    /// Whether the recurrent projection's gradient differs from the input projection's (GRU's
    /// `n` gate multiplies it by `r`).
    pub fn separate_hidden_grad(&self) -> bool {
        matches!(self.kind, CellKind::Gru { .. })
    }

    pub fn has_input_bias(&self) -> bool {
        !matches!(
            self.kind,
            CellKind::Rnn {
                input_bias: false,
                ..
            }
        )
    }

    /// Length of the input weight `W_i`.
    pub fn wi_len(&self) -> usize {
        self.width() * self.input_size
    }

    /// Length of the input bias.
    pub fn bi_len(&self) -> usize {
        if self.has_input_bias() {
            self.width()
        } else {
            0
        }
    }

    /// Length of the recurrent weight `W_h`.
    pub fn wh_len(&self) -> usize {
        self.width() * self.hidden_size
    }

    /// Length of the extra parameters (hidden bias, `b_hn`, peepholes).
    pub fn extra_len(&self) -> usize {
        let h = self.hidden_size;
        match self.kind {
            CellKind::Rnn {
                hidden_bias: true, ..
            } => h,
            CellKind::Rnn { .. } => 0,
            CellKind::Lstm { peephole: true, .. } => 3 * h,
            CellKind::Lstm { .. } => 0,
            CellKind::Gru { .. } => h,
        }
    }

    pub fn num_params(&self) -> usize {
        self.wi_len() + self.bi_len() + self.wh_len() + self.extra_len()
    }

    /// The parameters as separate tensors (see [`crate::Module::param_tensors`]).
    pub fn param_tensors(&self) -> Vec<crate::param_tensor::ParamTensor> {
        let (w, h) = (self.width(), self.hidden_size);
        let mut out = vec![crate::param_tensor::ParamTensor::new(
            "W_i",
            &[w, self.input_size],
        )];
        if self.has_input_bias() {
            out.push(crate::param_tensor::ParamTensor::new("b_i", &[w]));
        }
        out.push(crate::param_tensor::ParamTensor::new("W_h", &[w, h]));
        let extra: &[&str] = match self.kind {
            CellKind::Rnn {
                hidden_bias: true, ..
            } => &["b_h"],
            CellKind::Lstm { peephole: true, .. } => &["p_i", "p_f", "p_o"],
            CellKind::Gru { .. } => &["b_hn"],
            _ => &[],
        };
        out.extend(
            extra
                .iter()
                .map(|n| crate::param_tensor::ParamTensor::new(n, &[h])),
        );
        out
    }

    /// Splits a parameter slice into (`W_i`, `b_i`, `W_h`, extra).
    pub fn split<'a, T>(&self, p: &'a [T]) -> (&'a [T], &'a [T], &'a [T], &'a [T]) {
        let (wi, rest) = p.split_at(self.wi_len());
        let (bi, rest) = rest.split_at(self.bi_len());
        let (wh, extra) = rest.split_at(self.wh_len());
        (wi, bi, wh, extra)
    }

    /// [`Cell::split`] for gradients.
    pub fn split_mut<'a, T>(
        &self,
        p: &'a mut [T],
    ) -> (&'a mut [T], &'a mut [T], &'a mut [T], &'a mut [T]) {
        let (wi, rest) = p.split_at_mut(self.wi_len());
        let (bi, rest) = rest.split_at_mut(self.bi_len());
        let (wh, extra) = rest.split_at_mut(self.wh_len());
        (wi, bi, wh, extra)
    }

    /// BigDL's default: every parameter uniform in `±1/√hidden`.
    pub fn init_params<T: Element>(&self, params: &mut [T], rng: &mut Rng) {
        let stdv = 1.0 / (self.hidden_size as f64).sqrt();
        params
            .iter_mut()
            .for_each(|p| *p = T::lit(rng.uniform(-stdv, stdv)));
    }

    /// Adds the regularisers' gradients (`w` on `W_i`, `u` on `W_h`, `b` on the biases; the
    /// peepholes are not regularised).
    pub fn add_regularization<T: Element>(&self, params: &[T], grads: &mut [T], scale: f64) {
        let (wi, bi, wh, extra) = self.split(params);
        let (gwi, gbi, gwh, gextra) = self.split_mut(grads);
        let r = self.regularizers;
        if let Some(w) = r.w {
            w.add(wi, gwi, scale);
        }
        if let Some(u) = r.u {
            u.add(wh, gwh, scale);
        }
        if let Some(b) = r.b {
            b.add(bi, gbi, scale);
            if !matches!(self.kind, CellKind::Lstm { .. }) {
                b.add(extra, gextra, scale);
            }
        }
    }
}
