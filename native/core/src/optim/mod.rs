//! Optimisation methods. Each is pure: `step(weights, grads, state) -> state`, where the weights
//! are updated in place and the state (step count and any buffers) serialises to bytes.

mod adaptive;
mod method;
mod schedule;
mod sgd;
mod state;

pub use adaptive::Adaptive;
pub use method::{Clipping, OptimMethod, Rule};
pub use schedule::Schedule;
pub use sgd::Sgd;
pub use state::OptimState;
