//! The plain Rust functions behind the exports, tested without a JVM.

use ferrodl::error::{JniError, FERRODL_EXCEPTION, ILLEGAL_ARGUMENT, ILLEGAL_STATE};
use ferrodl::exports::{criterion, model, system, table};
use ferrodl::guard::panic_message;
use ferrodl_core::spec::{encode, Node};
use ferrodl_core::tensor::from_vec;
use ferrodl_core::Activity;

fn mlp() -> Vec<u8> {
    encode(
        &Node::new("Sequential")
            .child(
                Node::new("Linear")
                    .ints("inputSize", &[3])
                    .ints("outputSize", &[2]),
            )
            .child(Node::new("LogSoftMax")),
    )
}

#[test]
fn create_forward_backward_and_train() {
    let mut m = model::create(&mlp(), 5).expect("model");
    assert_eq!(m.num_params(), 8);
    let x = from_vec("x", &[2, 3], vec![0.1, 0.2, 0.3, -0.1, 0.0, 0.5]).expect("x");
    let y = model::forward(&mut m, x.clone()).expect("forward");
    assert_eq!(y.len(), 4);
    assert_eq!(model::output_shape(&m).expect("shape"), vec![2, 2]);
    let gx = model::backward(&mut m, from_vec("g", &[2, 2], vec![1.0; 4]).expect("g"))
        .expect("backward");
    assert_eq!(gx.len(), 6);
    let c = criterion::create(&encode(&Node::new("ClassNLLCriterion"))).expect("criterion");
    let t = from_vec("t", &[2], vec![1.0, 2.0]).expect("t");
    let loss = model::train_batch(
        &mut m,
        c.as_ref(),
        Activity::Tensor(x.clone()),
        Activity::Tensor(t),
        9,
    )
    .expect("train");
    assert_eq!(loss.norm, 2.0);
    assert!(loss.sum > 0.0);
    // The same through the table path: a layout of one tensor each.
    let (mut xl, mut xd) = (Vec::new(), Vec::new());
    Activity::Tensor(x).encode(&mut xl, &mut xd);
    let y = table::forward_table(&mut m, &xd, &xl).expect("forward_table");
    assert_eq!(
        (y.len(), table::output_layout(&m).expect("layout")),
        (4, vec![0, 2, 2, 2])
    );
    let g = table::backward_table(&mut m, &[1.0; 4], &[0, 2, 2, 2]).expect("backward_table");
    assert_eq!(g.len(), 6);
    let bad = table::forward_table(&mut m, &xd, &[1, 2, 0, 1, 3])
        .err()
        .map(|e| e.to_string());
    assert!(bad.is_some_and(|e| e.contains("expects a tensor") || e.contains("layout")));
}

#[test]
fn errors_map_to_the_documented_java_classes() {
    let shape = model::create(&mlp(), 1)
        .and_then(|mut m| model::forward(&mut m, from_vec("x", &[1, 4], vec![0.0; 4]).expect("x")))
        .expect_err("shape");
    assert_eq!(shape.java_class(), ILLEGAL_ARGUMENT);
    let corrupt = model::create(&mlp()[..10], 1).err().expect("corrupt");
    assert_eq!(corrupt.java_class(), FERRODL_EXCEPTION);
    let unknown = model::create(&encode(&Node::new("Nope")), 1)
        .err()
        .expect("unknown");
    assert_eq!(unknown.java_class(), FERRODL_EXCEPTION);
    assert!(unknown.to_string().contains("Nope"));
    let m = model::create(&mlp(), 1).expect("model");
    let state = model::output_shape(&m).expect_err("no forward yet");
    assert_eq!(state.java_class(), ILLEGAL_STATE);
    assert_eq!(
        JniError::NullHandle { kind: "model" }.java_class(),
        ILLEGAL_STATE
    );
    assert!(system::init("cuda", 0).is_err());
    assert!(system::init("", -1).is_err());
}

#[test]
fn panic_messages_survive_formatting() {
    let payload = std::panic::catch_unwind(|| system::test_panic("abc")).expect_err("panics");
    assert_eq!(panic_message(&*payload), "test panic: abc (len 3)");
    let literal = std::panic::catch_unwind(|| panic!("plain")).expect_err("panics");
    assert_eq!(panic_message(&*literal), "plain");
}
