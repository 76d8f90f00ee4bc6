//! Operations on tables of tensors.

mod bottle;
mod elementwise;
mod flatten;
mod index;
mod join;
mod matmul;
mod pack;
mod pair;
mod select;
mod similarity;
mod split;

pub use bottle::{Bottle, SAME_AS_INPUT};
pub use elementwise::{ElementwiseTable, TableOp};
pub use flatten::FlattenTable;
pub use index::Index;
pub use join::{axis_of, concat, split, JoinTable};
pub use matmul::{MM, MV};
pub use pack::Pack;
pub use pair::{grad_tensor, tensors, two_tensors};
pub use select::{Input, NarrowTable, SelectTable};
pub use similarity::{Measure, PairMeasure};
pub use split::{stack, SplitTable};
