//! Optimisation methods. Each is pure: `step(weights, grads, state) -> state`, where the weights
//! are updated in place and the state (step count, buffers, scalars, the schedule's state)
//! serialises to bytes.

mod adaptive;
mod ftrl;
mod lars;
mod lbfgs;
mod lbfgs_wolfe;
mod method;
mod plateau;
mod schedule;
mod schedule_epoch;
mod search_step;
mod sequential_schedule;
mod sgd;
mod state;
mod state_average;
mod strong_wolfe;

pub use adaptive::Adaptive;
pub use ftrl::Ftrl;
pub use lars::LarsSgd;
pub use lbfgs::Lbfgs;
pub use lbfgs_wolfe::{Ask, LbfgsRun, LbfgsWolfe};
pub use method::{Clipping, OptimMethod, Rule};
pub use plateau::Plateau;
pub use schedule::{Clock, Next, Schedule};
pub use schedule_epoch::{DecayTable, Regime};
pub use search_step::SearchStep;
pub use sequential_schedule::SequentialSchedule;
pub use sgd::Sgd;
pub use state::OptimState;
pub use strong_wolfe::{Found, StrongWolfe, WolfeOptions};
