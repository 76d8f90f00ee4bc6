//! Losses ("criterions", in BigDL's words).

mod class_nll;
mod cross_entropy;
mod elementwise;
mod traits;

pub use class_nll::ClassNLLCriterion;
pub use cross_entropy::CrossEntropyCriterion;
pub use elementwise::{ElementLoss, ElementwiseCriterion};
pub use traits::{Criterion, LossSum};
