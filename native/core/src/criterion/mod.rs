//! Losses ("criterions", in BigDL's words).

mod activity_criterion;
mod checks;
mod class_nll;
mod class_simplex;
mod composite;
mod cross_entropy;
mod ctc;
mod elementwise;
mod gaussian;
mod margin;
mod pair;
mod parallel;
mod probabilities;
mod smooth_l1_weights;
mod softmax_with;
mod table_args;
mod traits;
mod transformer;
mod vector;

pub use activity_criterion::{scale, ActivityCriterion, CriterionRef, TensorCriterion};
pub use class_nll::ClassNLLCriterion;
pub use class_simplex::ClassSimplexCriterion;
pub use composite::{MultiCriterion, TimeDistributedCriterion};
pub use cross_entropy::CrossEntropyCriterion;
pub use ctc::CTCCriterion;
pub use elementwise::{ElementLoss, ElementwiseCriterion};
pub use gaussian::{GaussianCriterion, KLDCriterion};
pub use margin::{MultiLabelMarginCriterion, MultiMarginCriterion};
pub use pair::{CosineEmbeddingCriterion, L1HingeEmbeddingCriterion, MarginRankingCriterion};
pub use parallel::ParallelCriterion;
pub use probabilities::{CategoricalCrossEntropy, KullbackLeiblerDivergenceCriterion};
pub use smooth_l1_weights::SmoothL1CriterionWithWeights;
pub use softmax_with::{NormalizeMode, SoftmaxWithCriterion};
pub use traits::{Criterion, LossSum};
pub use transformer::TransformerCriterion;
pub use vector::{
    CosineDistanceCriterion, CosineProximityCriterion, DiceCoefficientCriterion,
    DotProductCriterion, L1Cost,
};
