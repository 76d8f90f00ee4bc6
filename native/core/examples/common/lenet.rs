//! The talk's LeNet-5 as a model description, shared by the benchmark examples.

use ferrodl_core::spec::Node;

/// LeNet-5 with tanh and max pooling over `[batch, 28, 28]` images, ending in LogSoftMax.
pub fn lenet() -> Node {
    let conv = |i: i64, o: i64| {
        Node::new("SpatialConvolution")
            .ints("nInputPlane", &[i])
            .ints("nOutputPlane", &[o])
            .ints("kernelW", &[5])
            .ints("kernelH", &[5])
    };
    let pool = || {
        Node::new("SpatialMaxPooling")
            .ints("kW", &[2])
            .ints("kH", &[2])
            .ints("dW", &[2])
            .ints("dH", &[2])
    };
    let linear = |i: i64, o: i64| {
        Node::new("Linear")
            .ints("inputSize", &[i])
            .ints("outputSize", &[o])
    };
    Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[1, 28, 28]))
        .child(conv(1, 6))
        .child(Node::new("Tanh"))
        .child(pool())
        .child(Node::new("Tanh"))
        .child(conv(6, 12))
        .child(pool())
        .child(Node::new("Reshape").ints("size", &[192]))
        .child(linear(192, 100))
        .child(Node::new("Tanh"))
        .child(linear(100, 10))
        .child(Node::new("LogSoftMax"))
}

/// The benchmark MLP 784-1024-1024-10 with ReLU, ending in LogSoftMax, over `[batch, 784]`.
#[allow(dead_code)] // not every example that includes this file uses both models
pub fn mlp() -> Node {
    let linear = |i: i64, o: i64| {
        Node::new("Linear")
            .ints("inputSize", &[i])
            .ints("outputSize", &[o])
    };
    Node::new("Sequential")
        .child(Node::new("Reshape").ints("size", &[784]))
        .child(linear(784, 1024))
        .child(Node::new("ReLU"))
        .child(linear(1024, 1024))
        .child(Node::new("ReLU"))
        .child(linear(1024, 10))
        .child(Node::new("LogSoftMax"))
}

/// The benchmark LSTM: `Recurrent(LSTM(100, 128))` over `[batch, 50, 100]`, the last step into
/// `Linear(128, 5)` and LogSoftMax (Bench.scala's `lstm` workload).
#[allow(dead_code)] // not every example that includes this file uses every model
pub fn lstm() -> Node {
    Node::new("Sequential")
        .child(
            Node::new("Recurrent").child(
                Node::new("LSTM")
                    .ints("inputSize", &[100])
                    .ints("hiddenSize", &[128]),
            ),
        )
        .child(Node::new("Select").ints("dim", &[2]).ints("index", &[-1]))
        .child(
            Node::new("Linear")
                .ints("inputSize", &[128])
                .ints("outputSize", &[5]),
        )
        .child(Node::new("LogSoftMax"))
}
