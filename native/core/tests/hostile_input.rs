//! Descriptions and optimiser states mutated at random never panic: every outcome is a value or
//! an error (a seeded, bounded fuzz run that CI repeats exactly).

use ferrodl_core::optim::OptimState;
use ferrodl_core::rng::Rng;
use ferrodl_core::spec::{build_criterion, build_module, build_optim, decode, encode, Node};
use std::panic::catch_unwind;

fn lenet_like() -> Node {
    Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[1, 8, 8]))
        .child(
            Node::new("SpatialConvolution")
                .ints("nInputPlane", &[1])
                .ints("nOutputPlane", &[2])
                .ints("kernelW", &[3])
                .ints("kernelH", &[3]),
        )
        .child(Node::new("Tanh"))
        .child(
            Node::new("SpatialMaxPooling")
                .ints("kW", &[2])
                .ints("kH", &[2])
                .ints("dW", &[2])
                .ints("dH", &[2]),
        )
        .child(
            Node::new("View")
                .ints("sizes", &[-1])
                .ints("numInputDims", &[3]),
        )
        .child(
            Node::new("Linear")
                .ints("inputSize", &[18])
                .ints("outputSize", &[4]),
        )
        .child(Node::new("Dropout").floats("initP", &[0.2]))
        .child(Node::new("LogSoftMax"))
}

fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(4) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len() as u64) as usize;
                b[i] = rng.next_u64() as u8;
            }
            1 if !b.is_empty() => b.truncate(rng.below(b.len() as u64) as usize),
            2 => {
                let i = rng.below(b.len() as u64 + 1) as usize;
                b.insert(i, rng.next_u64() as u8);
            }
            _ if b.len() > 8 => {
                // Overwrite four bytes with an extreme length or count.
                let i = rng.below(b.len() as u64 - 4) as usize;
                b[i..i + 4].copy_from_slice(&[0xff, 0xff, 0xff, (rng.next_u64() as u8) | 0x7f]);
            }
            _ => {}
        }
    }
    b
}

#[test]
fn mutated_descriptions_give_errors_not_panics() {
    let good = encode(&lenet_like());
    let mut rng = Rng::new(20261124);
    let mut decoded = 0;
    for _ in 0..20_000 {
        let bytes = mutate(&good, &mut rng);
        let outcome = catch_unwind(|| match decode(&bytes) {
            Ok(node) => {
                let built = build_module::<f32>(&node).is_ok();
                let _ = build_criterion::<f32>(&node);
                let _ = build_optim(&node);
                Some(built)
            }
            Err(_) => None,
        });
        match outcome {
            Ok(Some(_)) => decoded += 1,
            Ok(None) => {}
            Err(_) => panic!("decoding or building panicked on {bytes:?}"),
        }
    }
    assert!(
        decoded > 0,
        "no mutation decoded at all: the fuzz run is not exercising the factory"
    );
}

#[test]
fn mutated_optimiser_states_give_errors_not_panics() {
    let good = OptimState {
        step: 7,
        buffers: vec![vec![1.0, 2.0], vec![3.0, 4.0]],
        scalars: vec![0.5],
        schedule: vec![1.0, 2.0],
    }
    .to_bytes();
    let mut rng = Rng::new(11);
    for _ in 0..20_000 {
        let bytes = mutate(&good, &mut rng);
        assert!(
            catch_unwind(|| OptimState::from_bytes(&bytes).is_ok()).is_ok(),
            "panicked on {bytes:?}"
        );
    }
}

#[test]
fn oversized_layers_are_errors_before_anything_is_allocated() {
    let huge = Node::new("Linear")
        .ints("inputSize", &[100_000])
        .ints("outputSize", &[100_000]);
    let e = build_module::<f32>(&huge)
        .err()
        .expect("too many parameters");
    assert!(e.to_string().contains("Linear"), "{e}");
    let overflow = Node::new("LookupTable")
        .ints("nIndex", &[i64::MAX])
        .ints("nOutput", &[4]);
    assert!(build_module::<f32>(&overflow).is_err());
    let conv = Node::new("SpatialConvolution")
        .ints("nInputPlane", &[1 << 20])
        .ints("nOutputPlane", &[1 << 20])
        .ints("kernelW", &[3])
        .ints("kernelH", &[3]);
    assert!(build_module::<f32>(&conv).is_err());
    let cmul = Node::new("CMul").ints("size", &[1 << 31, 1 << 31]);
    assert!(build_module::<f32>(&cmul).is_err());
}
