//! Layers that compare the input with learned templates (Cosine, Euclidean) or combine two
//! inputs through a learned bilinear form (Bilinear).

mod bilinear;
mod cosine;
mod euclidean;
mod rows;

pub use bilinear::Bilinear;
pub use cosine::Cosine;
pub use euclidean::Euclidean;
