//! Optimisation methods. Each is pure: `step(weights, grads, state) -> state`, where the weights
//! are updated in place and the state (step count and any buffers) serialises to bytes.

mod sgd;
mod state;

pub use sgd::Sgd;
pub use state::OptimState;
