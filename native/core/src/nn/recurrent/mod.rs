//! Recurrent networks: cells (RnnCell, LSTM, LSTMPeephole, GRU, ConvLSTMPeephole(3D)) run over sequences by
//! Recurrent and BiRecurrent (or fed their own outputs by RecurrentDecoder), plus
//! TimeDistributed. See `docs/recurrent.md`.

mod bidirectional;
mod birecurrent;
mod cell;
mod conv_birecurrent;
mod conv_cell;
mod conv_lstm_step;
mod conv_recurrent;
mod conv_sequence;
mod conv_stack;
mod conv_unfold;
mod decoder;
mod gate_dropout;
mod gru_step;
mod hidden_state;
mod highway;
mod layer;
mod lstm_step;
mod recurrent_module;
mod rnn_step;
mod sequence;
mod stack;
mod time_distributed;

pub use bidirectional::Merge;
pub use birecurrent::BiRecurrent;
pub use cell::{Cell, CellKind, CellRegularizers};
pub use conv_birecurrent::ConvBiRecurrent;
pub use conv_cell::ConvCell;
pub use conv_recurrent::ConvRecurrent;
pub use decoder::RecurrentDecoder;
pub use hidden_state::HiddenState;
pub use highway::Highway;
pub use layer::RecurrentLayer;
pub use recurrent_module::Recurrent;
pub use stack::Stack;
pub use time_distributed::TimeDistributed;
