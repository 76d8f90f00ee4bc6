//! Losses ("criterions", in BigDL's words).

mod activity_criterion;
mod checks;
mod class_nll;
mod class_simplex;
mod composite;
mod cross_entropy;
mod elementwise;
mod margin;
mod parallel;
mod probabilities;
mod traits;
mod vector;

pub use activity_criterion::{scale, ActivityCriterion, CriterionRef, TensorCriterion};
pub use class_nll::ClassNLLCriterion;
pub use class_simplex::ClassSimplexCriterion;
pub use composite::{MultiCriterion, TimeDistributedCriterion};
pub use cross_entropy::CrossEntropyCriterion;
pub use elementwise::{ElementLoss, ElementwiseCriterion};
pub use margin::{MultiLabelMarginCriterion, MultiMarginCriterion};
pub use parallel::ParallelCriterion;
pub use probabilities::{CategoricalCrossEntropy, KullbackLeiblerDivergenceCriterion};
pub use traits::{Criterion, LossSum};
pub use vector::{
    CosineDistanceCriterion, CosineProximityCriterion, DiceCoefficientCriterion,
    DotProductCriterion, L1Cost,
};
