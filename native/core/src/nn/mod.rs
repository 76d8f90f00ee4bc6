//! Layers and containers.

mod batch_normalization;
pub mod containers;
pub mod conv_layers;
mod decorated;
mod dropout;
mod frozen;
mod im2col;
mod init_method;
mod linear;
mod log_softmax;
mod lookup_table;
mod pointwise;
pub mod quantized;
pub mod recurrent;
mod reduce;
mod regularizer;
mod reshape;
mod scale_shift;
pub(crate) mod scratch;
mod sequential;
pub mod shape_layers;
mod shape_ops;
pub mod similarity_layers;
mod softmax;
mod spatial_average_pooling;
mod spatial_convolution;
mod spatial_max_pooling;
pub mod table_ops;

pub use batch_normalization::BatchNormalization;
pub use decorated::{Decorated, ParamOptions};
pub use dropout::Dropout;
pub use frozen::{Frozen, FrozenBlock};
pub use im2col::{Geometry, Pad2d};
pub use init_method::{Fans, InitMethod};
pub use linear::Linear;
pub use log_softmax::LogSoftMax;
pub use lookup_table::LookupTable;
pub use pointwise::{Pointwise, PointwiseFn};
pub use reduce::{Reduce, ReduceKind};
pub use regularizer::Regularizer;
pub use reshape::Reshape;
pub use scale_shift::{ScaleShift, ScaleShiftKind};
pub use sequential::Sequential;
pub use shape_ops::{ShapeLayer, ShapeOp};
pub use softmax::SoftMax;
pub use spatial_average_pooling::{AvgPoolConfig, SpatialAveragePooling};
pub use spatial_convolution::{ConvConfig, SpatialConvolution};
pub use spatial_max_pooling::SpatialMaxPooling;

/// `Tanh` as a module (an element-wise layer).
pub fn tanh() -> Pointwise {
    Pointwise::from_fn(PointwiseFn::Tanh)
}

/// `ReLU` as a module (an element-wise layer).
pub fn relu() -> Pointwise {
    Pointwise::from_fn(PointwiseFn::ReLU)
}
