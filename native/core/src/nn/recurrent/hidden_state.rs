//! BigDL's `getHiddenState` / `setHiddenState`: the state a recurrent layer starts from and the
//! state it ended with, reachable from a model through [`crate::Module::hidden_state_at`].

use super::stack::Stack;
use crate::element::Element;
use crate::error::{Error, Result};

/// A layer that carries a hidden state between time steps (Recurrent, BiRecurrent, and their
/// convolutional forms).
///
/// # Shapes
/// - one state per cell (per direction, forward cells first, for BiRecurrent), each
///   `[batch, state_size]` flat: `h` (RnnCell, GRU) or `h` then `c` per sample (LSTMs)
pub trait HiddenState<T> {
    /// Each cell's state after the last step of the last forward.
    fn hidden_state(&self) -> Vec<Vec<T>>;

    /// Each cell's initial state for the following forwards (`None`: zeros, the default).
    fn set_hidden_state(&mut self, states: Option<Vec<Vec<T>>>) -> Result<()>;

    /// Each cell's per-sample state size (`hidden`, or `2·hidden` for LSTMs).
    fn state_sizes(&self) -> Vec<usize>;

    /// The per-sample shape of `h` (and of `c`) when the states are images: `[outputSize, oH, oW]`
    /// (or `[outputSize, oD, oH, oW]`) of each convolutional cell after a forward, concatenated in
    /// the order of [`Self::hidden_state`]; empty for the vector states of the other cells.
    fn state_image_shape(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<T: Element> Stack<T> {
    /// Each cell's state after the last forward.
    pub fn hidden_state(&self) -> Vec<Vec<T>> {
        self.layers
            .iter()
            .map(|l| l.final_state().to_vec())
            .collect()
    }

    /// Each cell's per-sample state size.
    pub fn state_sizes(&self) -> Vec<usize> {
        self.layers.iter().map(|l| l.cell.state_size()).collect()
    }

    /// Sets the initial states (`states.len()` must be the number of cells); the batch is
    /// checked at the next forward.
    pub fn set_hidden_state(&mut self, owner: &str, states: Option<Vec<Vec<T>>>) -> Result<()> {
        let n = self.layers.len();
        let Some(v) = states else {
            self.layers
                .iter_mut()
                .for_each(|l| l.set_initial_state(None));
            return Ok(());
        };
        if v.len() != n {
            return Err(Error::invalid(
                owner,
                format!("{} hidden states given for {n} cells", v.len()),
            ));
        }
        for (l, s) in self.layers.iter().zip(&v) {
            let size = l.cell.state_size();
            if s.is_empty() || s.len() % size != 0 {
                return Err(Error::shape(
                    &format!("{} (hidden state)", l.cell.describe()),
                    format!("[batch, {size}] hidden state"),
                    &[s.len()],
                ));
            }
        }
        for (l, s) in self.layers.iter_mut().zip(v) {
            l.set_initial_state(Some(s));
        }
        Ok(())
    }
}
