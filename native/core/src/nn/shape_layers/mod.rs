//! More simple, shape and activation layers (see the files in this folder).

mod common;
mod cropping;
mod gaussian_noise;
mod infer_reshape;
mod l1_penalty;
mod masking;
mod maxout;
mod padding;
mod replicate;
mod reverse;
mod rrelu;
mod scale;
mod spatial_dropout;
mod spatial_zero_padding;
mod srelu;

pub use cropping::Cropping;
pub use gaussian_noise::GaussianNoise;
pub use infer_reshape::InferReshape;
pub use l1_penalty::L1Penalty;
pub use masking::Masking;
pub use maxout::Maxout;
pub use padding::Padding;
pub use replicate::Replicate;
pub use reverse::Reverse;
pub use rrelu::RReLU;
pub use scale::Scale;
pub use spatial_dropout::SpatialDropout;
pub use spatial_zero_padding::SpatialZeroPadding;
pub use srelu::SReLU;
