//! `ferrodl.native.memoryLimit`: with the counting allocator installed (as the JNI library
//! installs it), a layer whose allocations take the engine past the limit fails with an error
//! naming it and the bytes it needed; the engine frees them and goes on working. One test
//! function, because the limit and the count are process-wide.

use ferrodl_core::memory::{self, CountingAllocator};
use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::{Error, Model, Tensor};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const MIB: usize = 1 << 20;

fn conv_net() -> Node {
    Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[1, 96, 96]))
        .child(
            Node::new("SpatialConvolution")
                .ints("nInputPlane", &[1])
                .ints("nOutputPlane", &[16])
                .ints("kernelW", &[5])
                .ints("kernelH", &[5]),
        )
        .child(Node::new("ReLU"))
        .child(
            Node::new("View")
                .ints("sizes", &[-1])
                .ints("numInputDims", &[3]),
        )
        .child(
            Node::new("Linear")
                .ints("inputSize", &[16 * 92 * 92])
                .ints("outputSize", &[2]),
        )
}

fn batch(n: usize) -> Tensor<f32> {
    Tensor::from_shape_fn(ndarray::IxDyn(&[n, 96 * 96]), |i| {
        ((i[0] * 7 + i[1]) % 13) as f32 / 13.0
    })
}

fn model(node: &Node) -> Result<Model<f32>, Error> {
    Model::from_block(build_block::<f32>(node)?, 1)
}

#[test]
fn the_limit_fails_the_layer_that_crosses_it_and_the_engine_keeps_working() {
    // Parsing and formatting of the setting.
    assert_eq!(memory::parse_bytes("64m").ok(), Some(64 * MIB));
    assert_eq!(memory::parse_bytes(" 2G ").ok(), Some(2 << 30));
    assert_eq!(memory::parse_bytes("512k").ok(), Some(512 << 10));
    assert_eq!(memory::parse_bytes("1000").ok(), Some(1000));
    assert_eq!(memory::parse_bytes("0").ok(), Some(0));
    for bad in ["", "m", "-1m", "1.5g", "12q", "99999999999999999999g"] {
        let e = memory::parse_bytes(bad).expect_err(bad);
        assert!(e.to_string().contains("not a byte count"), "{e}");
    }
    assert_eq!(memory::fmt_bytes(64 * MIB), "64m");
    assert_eq!(memory::fmt_bytes(3 << 30), "3g");
    assert_eq!(memory::fmt_bytes(1000), "1000");

    let mut m = model(&conv_net()).expect("model");
    assert!(
        memory::in_use() > 16 * 92 * 92 * 2 * 4,
        "the allocator counts the model's buffers"
    );
    // A limit 24 MiB above what is held now: a batch of 2 fits, a batch of 64 (its convolution
    // output alone is 35 MB) does not.
    let limit = (memory::in_use() / MIB + 24) * MIB;
    memory::set_limit(limit);
    m.forward(batch(2)).expect("a small batch fits");
    let before = memory::in_use();
    let err = m
        .forward(batch(64))
        .map(|_| ())
        .expect_err("a batch past the limit");
    let text = err.to_string();
    match &err {
        Error::MemoryLimit {
            layer,
            limit: l,
            needed,
            ..
        } => {
            assert!(layer.starts_with("SpatialConvolution"), "{text}");
            assert_eq!(*l, limit);
            assert!(*needed > 24 * MIB, "{text}");
        }
        other => panic!("expected a memory-limit error, got {other}"),
    }
    assert!(
        text.starts_with(&format!(
            "native memory limit {}m exceeded by layer SpatialConvolution",
            limit / MIB
        )),
        "{text}"
    );
    assert!(text.contains(" bytes"), "{text}");
    // Its buffers were freed (the batch's input tensor is kept by the model until the next call).
    assert!(
        memory::in_use() < before + 2 * MIB,
        "{} held after the error, {before} before",
        memory::in_use()
    );

    // The engine keeps working: small batches, training steps and backward under the limit.
    let y = m.forward(batch(2)).expect("after the error").clone();
    assert_eq!(y.shape(), &[2, 2]);
    m.backward(&Tensor::from_elem(ndarray::IxDyn(&[2, 2]), 1.0))
        .expect("backward under the limit");

    // A model whose flat buffers would pass the limit is refused before they are allocated.
    let big = Node::new("Linear")
        .ints("inputSize", &[4000])
        .ints("outputSize", &[4000]);
    let held = memory::in_use();
    match model(&big) {
        Err(Error::MemoryLimit { layer, needed, .. }) => {
            assert_eq!(layer, "model (weights and gradients)");
            assert_eq!(needed, (4000 * 4000 + 4000) * 2 * 4);
        }
        other => panic!("expected a memory-limit error, got {:?}", other.map(|_| ())),
    }
    assert!(memory::in_use() < held + MIB);

    // Without the limit the big batch runs.
    memory::set_limit(0);
    assert_eq!(m.forward(batch(64)).expect("no limit").shape(), &[64, 2]);
}
