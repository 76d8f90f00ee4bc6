//! What the PyTorch-reference tests share: reading a fixture file of `name dims: values` records
//! (as the scripts in `fixtures/` write them) and taking a record as a tensor.

#![allow(dead_code)] // each test crate uses part of it

use ferrodl_core::tensor::{from_vec, Tensor};
use std::collections::HashMap;

/// Records by name: shape and values.
pub type Fixtures = HashMap<String, (Vec<usize>, Vec<f64>)>;

/// Parses a fixture file (`#` lines are comments).
pub fn parse(text: &str) -> Fixtures {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (head, values) = l.split_once(": ").expect("record");
            let (name, dims) = head.split_once(' ').expect("name and dims");
            let dims = dims.split(',').map(|d| d.parse().expect("dim")).collect();
            let values = values
                .split(' ')
                .map(|v| v.parse().expect("value"))
                .collect();
            (name.to_string(), (dims, values))
        })
        .collect()
}

/// The record `key` as a tensor of its shape.
pub fn get(f: &Fixtures, key: &str) -> Tensor<f64> {
    let (dims, values) = f
        .get(key)
        .unwrap_or_else(|| panic!("fixture {key} missing"));
    from_vec(key, dims, values.clone()).expect("fixture shape")
}

/// A tensor of `shape` with values uniform in `[-1.5, 1.5]` from `seed` (gradient-check inputs).
pub fn random(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut rng = ferrodl_core::rng::Rng::new(seed);
    let n = shape.iter().product();
    from_vec(
        "test",
        shape,
        (0..n).map(|_| rng.uniform(-1.5, 1.5)).collect(),
    )
    .expect("shape")
}

/// `m`'s default initialisation from `seed`, each value moved by up to ±0.3 (so that no
/// parameter sits at an initial zero, where a gradient check would see less).
pub fn perturbed_params(m: &dyn ferrodl_core::module::Module<f64>, seed: u64) -> Vec<f64> {
    let mut p = vec![0.0; m.num_params()];
    m.init_params(&mut p, &mut ferrodl_core::rng::Rng::new(seed));
    let mut rng = ferrodl_core::rng::Rng::new(seed + 100);
    p.iter_mut().for_each(|v| *v += rng.uniform(-0.3, 0.3));
    p
}
