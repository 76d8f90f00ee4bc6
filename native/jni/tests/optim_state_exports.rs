//! The exports behind local SGD's averaging of optimiser states, on encoded states.

use ferrodl::exports::optim_state::{add_states, scale_state};
use ferrodl_core::optim::OptimState;

fn encoded(step: u64, values: &[f32]) -> Vec<u8> {
    OptimState {
        step,
        buffers: vec![values.to_vec()],
        scalars: Vec::new(),
        schedule: Vec::new(),
    }
    .to_bytes()
}

#[test]
fn encoded_states_add_and_scale_into_their_mean() {
    let sum = add_states(&encoded(5, &[1.0, 2.0]), &encoded(5, &[3.0, -6.0])).expect("add");
    let mean = OptimState::from_bytes(&scale_state(&sum, 0.5).expect("scale")).expect("decode");
    assert_eq!(mean.step, 5);
    assert_eq!(mean.buffers, vec![vec![2.0, -2.0]]);
}

#[test]
fn corrupt_or_mismatched_states_are_errors() {
    let good = encoded(5, &[1.0, 2.0]);
    let truncated = &good[..good.len() - 3];
    let message = |r: Result<Vec<u8>, ferrodl::error::JniError>| match r {
        Err(e) => e.to_string(),
        Ok(_) => panic!("expected an error"),
    };
    assert!(message(add_states(&good, truncated)).contains("truncated"));
    assert!(message(add_states(&good, &encoded(6, &[1.0, 2.0]))).contains("different steps"));
    assert!(message(scale_state(b"junk", 0.5)).contains("bad magic"));
}
