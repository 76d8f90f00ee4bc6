//! Saving an optimiser's state mid-way, loading it and continuing gives exactly the run that
//! was not interrupted: every method and schedule of the trajectory tests, cut after every step.

mod optim_cases;

use ferrodl_core::optim::OptimState;
use ferrodl_core::spec::build_optim;
use optim_cases::{cases, fixtures, floats, get, steps};

#[test]
fn a_run_resumed_from_saved_state_equals_the_uninterrupted_run() {
    let f = fixtures();
    let per_parameter = (get(&f, "mlp/learningRates"), get(&f, "mlp/weightDecays"));
    let n = get(&f, "mlp/w0").len();
    for (name, _, desc) in cases(per_parameter) {
        let m = build_optim(&desc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let grads = get(&f, &format!("mlp_{name}/g"));
        let observed = f.get(&format!("mlp_{name}/observed")).map(Vec::as_slice);
        let mut grad = |k: usize, _: &[f32]| floats(&grads[k * n..(k + 1) * n]);
        let mut straight = floats(get(&f, "mlp/w0"));
        let mut trace = Vec::new();
        let end = steps(
            &m,
            &mut straight,
            OptimState::default(),
            0..20,
            &mut grad,
            observed,
            &mut trace,
        );
        for cut in 1..20 {
            let mut w = floats(get(&f, "mlp/w0"));
            let mut resumed_trace = Vec::new();
            let mid = steps(
                &m,
                &mut w,
                OptimState::default(),
                0..cut,
                &mut grad,
                observed,
                &mut resumed_trace,
            );
            let bytes = mid.to_bytes();
            let loaded = OptimState::from_bytes(&bytes).expect("decode");
            assert_eq!(loaded.to_bytes(), bytes, "{name}: re-encoding after {cut}");
            let resumed_end = steps(
                &m,
                &mut w,
                loaded,
                cut..20,
                &mut grad,
                observed,
                &mut resumed_trace,
            );
            assert_eq!(
                trace, resumed_trace,
                "{name}: weights resumed after {cut} steps"
            );
            assert_eq!(
                end.to_bytes(),
                resumed_end.to_bytes(),
                "{name}: final state resumed after {cut} steps"
            );
        }
        // The state carries what the method needs: history, schedule state or both.
        if name.starts_with("lbfgs") {
            assert_eq!(end.scalars.len(), 3, "{name}");
        }
        if name.contains("plateau") || name.starts_with("sequential") {
            assert!(!end.schedule.is_empty(), "{name}");
        }
    }
}

#[test]
fn corrupted_saved_states_give_errors_not_panics() {
    let f = fixtures();
    let per_parameter = (get(&f, "mlp/learningRates"), get(&f, "mlp/weightDecays"));
    let n = get(&f, "mlp/w0").len();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (name, _, desc) in cases(per_parameter) {
        let m = build_optim(&desc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let grads = get(&f, &format!("mlp_{name}/g"));
        let observed = f.get(&format!("mlp_{name}/observed")).map(Vec::as_slice);
        let mut grad = |k: usize, _: &[f32]| floats(&grads[k * n..(k + 1) * n]);
        let mut w = floats(get(&f, "mlp/w0"));
        let mid = steps(
            &m,
            &mut w,
            OptimState::default(),
            0..7,
            &mut grad,
            observed,
            &mut Vec::new(),
        );
        let good = mid.to_bytes();
        for _ in 0..300 {
            let mut bytes = good.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % bytes.len() as u64) as usize;
                bytes[i] = next() as u8;
            }
            let outcome = std::panic::catch_unwind(|| {
                if let Ok(state) = OptimState::from_bytes(&bytes) {
                    let mut w = floats(get(&f, "mlp/w0"));
                    let mut g = floats(&grads[..n]);
                    let _ = m.current_rate(&state, 3);
                    let _ = m.step(&mut w, &mut g, 3, state);
                }
            });
            assert!(outcome.is_ok(), "{name}: panicked on a corrupted state");
        }
    }
}

#[test]
fn mutated_descriptions_of_methods_and_schedules_give_errors_not_panics() {
    use ferrodl_core::spec::{decode, encode, Node};
    let f = fixtures();
    let per_parameter = (get(&f, "mlp/learningRates"), get(&f, "mlp/weightDecays"));
    let huge = Node::new("SGD").child(
        Node::new("SequentialSchedule")
            .ints("maxIterations", &[i64::MAX, i64::MAX, 5])
            .child(Node::new("Warmup"))
            .child(Node::new("Plateau"))
            .child(Node::new("Step").ints("stepSize", &[i64::MAX])),
    );
    let mut descriptions: Vec<Node> = cases(per_parameter).into_iter().map(|c| c.2).collect();
    descriptions.push(huge);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut built = 0;
    for desc in descriptions {
        let good = encode(&desc);
        for round in 0..200 {
            let mut bytes = good.clone();
            if round > 0 {
                for _ in 0..1 + next() % 3 {
                    let i = (next() % bytes.len() as u64) as usize;
                    bytes[i] = next() as u8;
                }
            }
            let epochs: Vec<u64> = (0..6).map(|_| 1 + next() % 5).collect();
            let outcome = std::panic::catch_unwind(|| {
                let Ok(node) = decode(&bytes) else {
                    return false;
                };
                let Ok(m) = build_optim(&node) else {
                    return false;
                };
                let mut state = OptimState::default();
                let mut w = vec![0.5f32; 26];
                for e in &epochs {
                    let _ = m.observe(&mut state, 0.5 * *e as f64);
                    let mut g = vec![0.1f32; 26];
                    let _ = m.step_in_place(&mut w, &mut g, *e, &mut state);
                }
                true
            });
            match outcome {
                Ok(ok) => built += ok as usize,
                Err(_) => panic!("panicked on a mutation of {}", desc.kind),
            }
        }
    }
    assert!(
        built > 500,
        "only {built} mutations built: not exercising the steps"
    );
}
