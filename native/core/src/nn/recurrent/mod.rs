//! Recurrent networks: cells (RnnCell, LSTM, LSTMPeephole, GRU) run over sequences by
//! Recurrent and BiRecurrent, plus TimeDistributed. See `docs/recurrent.md`.

mod birecurrent;
mod cell;
mod gate_dropout;
mod gru_step;
mod highway;
mod layer;
mod lstm_step;
mod recurrent_module;
mod rnn_step;
mod sequence;
mod stack;
mod time_distributed;

pub use birecurrent::{BiRecurrent, Merge};
pub use cell::{Cell, CellKind, CellRegularizers};
pub use highway::Highway;
pub use layer::RecurrentLayer;
pub use recurrent_module::Recurrent;
pub use stack::Stack;
pub use time_distributed::TimeDistributed;
