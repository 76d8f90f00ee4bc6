//! Losses ("criterions", in BigDL's words).

mod class_nll;
mod traits;

pub use class_nll::ClassNLLCriterion;
pub use traits::{Criterion, LossSum};
