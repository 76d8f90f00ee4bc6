//! Layers and containers.

mod linear;
mod log_softmax;
mod relu;
mod reshape;
mod sequential;
mod tanh;

pub use linear::Linear;
pub use log_softmax::LogSoftMax;
pub use relu::ReLU;
pub use reshape::Reshape;
pub use sequential::Sequential;
pub use tanh::Tanh;
