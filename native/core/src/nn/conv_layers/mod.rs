//! More convolution, pooling and normalization layers (see the files in this folder).

mod common;
mod cross_map_lrn;
mod dilated_convolution;
mod full_convolution;
mod layer_normalization;
mod normalize;
mod resize_bilinear;
mod temporal_convolution;
mod temporal_max_pooling;
mod up_sampling_1d;
mod up_sampling_2d;
mod up_sampling_3d;
mod volumetric_average_pooling;
mod volumetric_convolution;
mod volumetric_max_pooling;
mod window;
mod window3d;

pub use common::DataFormat;
pub use cross_map_lrn::SpatialCrossMapLRN;
pub use dilated_convolution::SpatialDilatedConvolution;
pub use full_convolution::{FullConvConfig, SpatialFullConvolution};
pub use layer_normalization::LayerNormalization;
pub use normalize::Normalize;
pub use resize_bilinear::ResizeBilinear;
pub use temporal_convolution::TemporalConvolution;
pub use temporal_max_pooling::TemporalMaxPooling;
pub use up_sampling_1d::UpSampling1D;
pub use up_sampling_2d::UpSampling2D;
pub use up_sampling_3d::UpSampling3D;
pub use volumetric_average_pooling::VolumetricAveragePooling;
pub use volumetric_convolution::VolumetricConvolution;
pub use volumetric_max_pooling::VolumetricMaxPooling;
