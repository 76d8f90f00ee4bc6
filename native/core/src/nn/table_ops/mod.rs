//! Operations on tables of tensors.

mod elementwise;
mod join;
mod select;

pub use elementwise::{ElementwiseTable, TableOp};
pub use join::{axis_of, concat, split, JoinTable};
pub use select::{Input, NarrowTable, SelectTable};
