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
