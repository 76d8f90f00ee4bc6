//! Int8 inference: the quantized layers `quantize()` puts in place of Linear and the 2-D
//! convolutions, the quantization scheme, and the description transformation (see
//! `docs/quantization.md`).

mod conv;
mod linear;
pub mod scheme;
mod transform;

pub use conv::{QConvConfig, QuantizedSpatialConvolution};
pub use linear::QuantizedLinear;
pub use transform::{build, quantize};
