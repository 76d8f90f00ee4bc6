//! Adding and scaling optimiser states (local SGD averages the partitions' copies of a method).

use ferrodl_core::optim::OptimState;
use ferrodl_core::Error;

fn state(step: u64, buffers: Vec<Vec<f32>>, schedule: Vec<f64>) -> OptimState {
    OptimState {
        step,
        buffers,
        scalars: Vec::new(),
        schedule,
    }
}

#[test]
fn the_sum_scaled_by_one_over_the_count_is_the_element_wise_mean() {
    let a = state(7, vec![vec![1.0, -2.0, 3.5], vec![0.25]], vec![0.1, 2.0]);
    let b = state(7, vec![vec![3.0, 4.0, -0.5], vec![0.75]], vec![0.1, 2.0]);
    let c = state(7, vec![vec![-1.0, 1.0, 0.0], vec![2.0]], vec![0.1, 2.0]);
    let mut sum = a.clone();
    sum.add(&b).expect("add b");
    sum.add(&c).expect("add c");
    sum.scale(1.0 / 3.0).expect("scale");
    let parts = [[1.0f32, -2.0, 3.5], [3.0, 4.0, -0.5], [-1.0, 1.0, 0.0]];
    for (i, got) in sum.buffers[0].iter().enumerate() {
        let mean = (parts[0][i] + parts[1][i] + parts[2][i]) * (1.0 / 3.0);
        assert!((got - mean).abs() < 1e-6, "element {i}");
    }
    assert!((sum.buffers[1][0] - 1.0).abs() < 1e-6);
    assert_eq!(sum.step, 7, "the step count is the copies' common one");
    assert_eq!(sum.schedule, vec![0.1, 2.0], "the schedule state is kept");
    // The average of copies that agree is the state itself (exactly, for a power-of-two count).
    let mut twice = a.clone();
    twice.add(&a).expect("add itself");
    twice.scale(0.5).expect("halve");
    assert_eq!(twice, a);
    // States survive the byte encoding the JVM carries them in.
    assert_eq!(
        OptimState::from_bytes(&sum.to_bytes()).expect("decode"),
        sum
    );
}

#[test]
fn states_that_cannot_be_averaged_are_errors() {
    let a = state(3, vec![vec![1.0, 2.0]], Vec::new());
    let invalid = |r: Result<(), Error>, needle: &str| match r {
        Err(e) => assert!(
            e.to_string().contains(needle),
            "{e} should mention {needle}"
        ),
        Ok(()) => panic!("expected an error mentioning {needle}"),
    };
    invalid(
        a.clone().add(&state(4, vec![vec![1.0, 2.0]], Vec::new())),
        "different steps (3 and 4)",
    );
    invalid(
        a.clone()
            .add(&state(3, vec![vec![1.0, 2.0, 3.0]], Vec::new())),
        "buffers of lengths [2]",
    );
    invalid(
        a.clone().add(&state(3, Vec::new(), Vec::new())),
        "buffers of lengths [2]",
    );
    invalid(
        a.clone().add(&state(3, vec![vec![1.0, 2.0]], vec![1.0])),
        "schedule states differ",
    );
    let mut lbfgs = a.clone();
    lbfgs.scalars = vec![1.0, 1.0, 0.0];
    invalid(lbfgs.clone().add(&lbfgs), "L-BFGS");
    invalid(a.clone().scale(f32::NAN), "must be finite");
}
