//! The `Java_ferrodl_engine_Native_*` exports, grouped by the object they act on.
//! Each export is a few lines that call a plain Rust function through [`crate::guard::guard`].

pub mod buffers;
pub mod build_info;
pub mod criterion;
pub mod hidden_state;
pub mod memory;
pub mod model;
pub mod model_file;
pub mod onnx;
pub mod optim;
pub mod optim_state;
pub mod quantize;
pub mod replicas;
pub mod system;
pub mod table;
