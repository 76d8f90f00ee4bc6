//! Model descriptions: the tree of layer types and arguments the JVM sends to build a model,
//! its binary encoding, and the factory that turns it into modules and criterions.

mod activity_criterion_factory;
mod block_factory;
mod codec;
mod conv_layers_factory;
mod conv_recurrent_factory;
mod criterion_factory;
mod factory;
mod init_factory;
mod node;
mod optim_factory;
mod recurrent_factory;
mod shape_layers_factory;
mod similarity_factory;

pub use activity_criterion_factory::build_activity_criterion;
pub use block_factory::{build_block, needs_activity, ACTIVITY_KINDS};
pub use codec::{decode, encode, MAGIC, VERSION};
pub use criterion_factory::build_criterion;
pub use factory::build_module;
pub use node::{Attr, Node};
pub use optim_factory::build_optim;
