//! Containers over activities (tables): Sequential with tables, ConcatTable, ParallelTable,
//! Concat, MapTable, and Graph.

mod children;
mod concat;
mod concat_table;
mod graph;
mod map_table;
mod sequential;

pub use children::Children;
pub use concat::Concat;
pub use concat_table::{ConcatTable, ParallelTable};
pub use graph::Graph;
pub use map_table::{MapTable, ModuleFactory};
pub use sequential::ActivitySequential;
