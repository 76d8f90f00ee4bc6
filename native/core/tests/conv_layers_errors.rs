//! The layers of nn/conv_layers built through the description factory, and hostile input:
//! wrong shapes, kernels larger than the input and bad arguments give errors naming the layer
//! and the shapes, never panics.

use ferrodl_core::error::Error;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::{from_vec, Tensor};

fn zeros(shape: &[usize]) -> Tensor<f64> {
    from_vec("x", shape, vec![0.5; shape.iter().product()]).expect("x")
}

/// A description, an input it accepts, the output shape, an input it must reject.
type Case = (Node, Vec<usize>, Vec<usize>, Vec<usize>);

fn cases() -> Vec<Case> {
    let conv = |kind: &str| {
        Node::new(kind)
            .ints("nInputPlane", &[2])
            .ints("nOutputPlane", &[3])
            .ints("kW", &[3])
            .ints("kH", &[3])
    };
    vec![
        (
            conv("SpatialDilatedConvolution")
                .ints("dilationW", &[2])
                .ints("padH", &[1]),
            vec![2, 2, 6, 7],
            vec![2, 3, 6, 3],
            vec![2, 2, 4, 4],
        ),
        (
            conv("SpatialFullConvolution")
                .ints("dW", &[2])
                .ints("dH", &[2])
                .ints("adjW", &[1]),
            vec![1, 2, 3, 4],
            vec![1, 3, 7, 10],
            vec![1, 3, 3, 4],
        ),
        (
            Node::new("TemporalConvolution")
                .ints("inputFrameSize", &[4])
                .ints("outputFrameSize", &[2])
                .ints("kernelW", &[3]),
            vec![2, 5, 4],
            vec![2, 3, 2],
            vec![2, 2, 4],
        ),
        (
            Node::new("TemporalMaxPooling").ints("kW", &[2]),
            vec![5, 3],
            vec![2, 3],
            vec![1, 3],
        ),
        (
            Node::new("UpSampling1D").ints("length", &[2]),
            vec![1, 3, 2],
            vec![1, 6, 2],
            vec![3, 2],
        ),
        (
            Node::new("UpSampling2D")
                .ints("size", &[2, 1])
                .string("format", "NHWC"),
            vec![1, 2, 3, 4],
            vec![1, 4, 3, 4],
            vec![2, 3, 4],
        ),
        (
            Node::new("ResizeBilinear")
                .ints("outputHeight", &[3])
                .ints("outputWidth", &[5])
                .ints("alignCorners", &[1]),
            vec![2, 1, 4, 4],
            vec![2, 1, 3, 5],
            vec![1, 4, 4],
        ),
        (
            Node::new("LayerNormalization").ints("hiddenSize", &[4]),
            vec![3, 4],
            vec![3, 4],
            vec![4, 3],
        ),
        (
            Node::new("Normalize").floats("p", &[2.0]),
            vec![3, 4],
            vec![3, 4],
            vec![2, 3, 4],
        ),
        (
            Node::new("VolumetricConvolution")
                .ints("nInputPlane", &[2])
                .ints("nOutputPlane", &[3])
                .ints("kT", &[2])
                .ints("kW", &[3])
                .ints("kH", &[2])
                .ints("padW", &[1]),
            vec![2, 2, 3, 4, 5],
            vec![2, 3, 2, 3, 5],
            vec![2, 2, 1, 4, 5],
        ),
        (
            Node::new("VolumetricMaxPooling")
                .ints("kT", &[2])
                .ints("kW", &[2])
                .ints("kH", &[2]),
            vec![1, 4, 4, 5],
            vec![1, 2, 2, 2],
            vec![1, 1, 4, 5],
        ),
        (
            Node::new("VolumetricAveragePooling")
                .ints("kT", &[2])
                .ints("kW", &[2])
                .ints("kH", &[3])
                .ints("ceilMode", &[1]),
            vec![1, 2, 3, 4, 5],
            vec![1, 2, 2, 2, 4],
            vec![1, 2, 3, 1, 5],
        ),
        (
            Node::new("UpSampling3D").ints("size", &[1, 2, 2]),
            vec![1, 1, 2, 2, 2],
            vec![1, 1, 2, 4, 4],
            vec![1, 2, 2, 2],
        ),
        (
            Node::new("LocallyConnected1D")
                .ints("nInputFrame", &[5])
                .ints("inputFrameSize", &[2])
                .ints("outputFrameSize", &[3])
                .ints("kernelW", &[2]),
            vec![4, 5, 2],
            vec![4, 4, 3],
            vec![4, 6, 2],
        ),
        (
            Node::new("LocallyConnected2D")
                .ints("nInputPlane", &[2])
                .ints("inputWidth", &[4])
                .ints("inputHeight", &[3])
                .ints("nOutputPlane", &[3])
                .ints("kernelW", &[2])
                .ints("kernelH", &[2]),
            vec![2, 2, 3, 4],
            vec![2, 3, 2, 3],
            vec![2, 2, 4, 3],
        ),
        (
            Node::new("SpatialSeparableConvolution")
                .ints("nInputChannel", &[2])
                .ints("nOutputChannel", &[3])
                .ints("depthMultiplier", &[2])
                .ints("kW", &[2])
                .ints("kH", &[2]),
            vec![1, 2, 3, 3],
            vec![1, 3, 2, 2],
            vec![1, 3, 3, 3],
        ),
        (
            Node::new("SpatialCrossMapLRN").ints("size", &[3]),
            vec![2, 4, 2, 2],
            vec![2, 4, 2, 2],
            vec![4, 2],
        ),
    ]
}

#[test]
fn factory_builds_every_layer_and_shapes_are_checked() {
    for (node, good, out, bad) in cases() {
        let mut m = build_module::<f64>(&node).expect("factory");
        let p = vec![0.1; m.num_params()];
        let y = m.forward(&p, &zeros(&good)).expect("forward");
        assert_eq!(y.shape(), out.as_slice(), "{}", node.kind);
        let mut gp = vec![0.0; p.len()];
        let gx = m
            .backward(&p, &mut gp, &zeros(&good), &y, &y)
            .expect("backward");
        assert_eq!(gx.shape(), good.as_slice(), "{}", node.kind);
        match m.forward(&p, &zeros(&bad)) {
            Err(Error::ShapeMismatch { layer, actual, .. }) => {
                assert!(layer.starts_with(&node.kind), "{layer}");
                assert_eq!(actual.len(), bad.len(), "{}: {actual:?}", node.kind);
            }
            other => panic!("{}: {bad:?} gave {other:?}", node.kind),
        }
        // A gradient of the wrong shape, and an input that does not match the output.
        let wrong = zeros(&[1, 1, 1]);
        assert!(m.backward(&p, &mut gp, &zeros(&good), &y, &wrong).is_err());
        assert!(m.backward(&p, &mut gp, &zeros(&bad), &y, &y).is_err());
    }
}

#[test]
fn bad_arguments_are_errors() {
    let bad = [
        Node::new("SpatialDilatedConvolution")
            .ints("nInputPlane", &[2])
            .ints("nOutputPlane", &[3])
            .ints("kW", &[3])
            .ints("kH", &[3])
            .ints("dilationW", &[0]),
        Node::new("SpatialFullConvolution")
            .ints("nInputPlane", &[2])
            .ints("nOutputPlane", &[3])
            .ints("kW", &[3])
            .ints("kH", &[3])
            .ints("adjW", &[1]),
        Node::new("SpatialFullConvolution")
            .ints("nInputPlane", &[2])
            .ints("nOutputPlane", &[3])
            .ints("kW", &[3])
            .ints("kH", &[3])
            .ints("nGroup", &[2]),
        Node::new("TemporalMaxPooling")
            .ints("kW", &[2])
            .ints("dW", &[0]),
        Node::new("UpSampling2D").ints("size", &[2]),
        Node::new("UpSampling2D")
            .ints("size", &[2, 2])
            .string("format", "NWHC"),
        Node::new("Normalize"),
        Node::new("Normalize").floats("p", &[0.5]),
        Node::new("SpatialCrossMapLRN").ints("size", &[4]),
        Node::new("LayerNormalization"),
        Node::new("ResizeBilinear").ints("outputHeight", &[0]),
        Node::new("VolumetricMaxPooling")
            .ints("kT", &[2])
            .ints("kW", &[2])
            .ints("kH", &[2])
            .ints("padT", &[2]),
        Node::new("UpSampling3D").ints("size", &[2, 2]),
        Node::new("SpatialSeparableConvolution")
            .ints("nInputChannel", &[2])
            .ints("nOutputChannel", &[3])
            .ints("depthMultiplier", &[2])
            .ints("kW", &[2])
            .ints("kH", &[2])
            .ints("pW", &[-2]),
        Node::new("LocallyConnected1D")
            .ints("nInputFrame", &[2])
            .ints("inputFrameSize", &[2])
            .ints("outputFrameSize", &[3])
            .ints("kernelW", &[3]),
        Node::new("LocallyConnected2D")
            .ints("nInputPlane", &[1])
            .ints("inputWidth", &[2])
            .ints("inputHeight", &[2])
            .ints("nOutputPlane", &[1])
            .ints("kernelW", &[3])
            .ints("kernelH", &[1]),
    ];
    for node in bad {
        match build_module::<f32>(&node) {
            Err(Error::InvalidArgument { op, .. }) => assert_eq!(op, node.kind),
            Err(e) => panic!("{}: unexpected {e}", node.kind),
            Ok(m) => panic!("{}: built {}", node.kind, m.describe()),
        }
    }
}

#[test]
fn kernels_larger_than_the_input_are_shape_errors() {
    let node = Node::new("SpatialFullConvolution")
        .ints("nInputPlane", &[1])
        .ints("nOutputPlane", &[1])
        .ints("kW", &[2])
        .ints("kH", &[2])
        .ints("padW", &[3]);
    let mut m = build_module::<f32>(&node).expect("factory");
    let x = from_vec("x", &[1, 1, 2, 2], vec![1f32; 4]).expect("x");
    let e = m
        .forward(&vec![0.0; m.num_params()], &x)
        .expect_err("too much padding");
    assert!(e.to_string().contains("SpatialFullConvolution"), "{e}");
    assert!(e.to_string().contains("[1, 1, 2, 2]"), "{e}");
}
