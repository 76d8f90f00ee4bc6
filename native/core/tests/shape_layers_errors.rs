//! Hostile input for the layers of `nn::shape_layers`: wrong shapes, wrong gradients, bad
//! arguments and backward before forward give errors naming the layer (and the shape), never
//! panics.

use ferrodl_core::module::Module;
use ferrodl_core::spec::{build_module, Node};
use ferrodl_core::tensor::Tensor;
use ndarray::IxDyn;

fn t(shape: &[usize]) -> Tensor<f64> {
    Tensor::from_elem(IxDyn(shape), 0.5)
}

fn build(node: &Node) -> Box<dyn Module<f64>> {
    build_module::<f64>(node).unwrap_or_else(|e| panic!("{}: {e}", node.kind))
}

/// (layer, an input it accepts, an input of the wrong shape)
fn cases() -> Vec<(Node, Vec<usize>, Vec<usize>)> {
    vec![
        (
            Node::new("InferReshape").ints("size", &[3, -1]),
            vec![3, 4],
            vec![5, 7],
        ),
        (
            Node::new("InferReshape").ints("size", &[0, 0, 2]),
            vec![2, 3, 2],
            vec![6],
        ),
        (
            Node::new("Replicate")
                .ints("nFeatures", &[2])
                .ints("dim", &[4]),
            vec![2, 3, 4],
            vec![2],
        ),
        (
            Node::new("Reverse").ints("dimension", &[3]),
            vec![2, 2, 2],
            vec![4],
        ),
        (
            Node::new("Padding")
                .ints("dim", &[2])
                .ints("pad", &[1])
                .ints("nInputDim", &[2]),
            vec![2, 3],
            vec![5],
        ),
        (
            Node::new("Padding")
                .ints("dim", &[1])
                .ints("pad", &[-1])
                .ints("nInputDim", &[1])
                .ints("nIndex", &[9]),
            vec![9],
            vec![3],
        ),
        (
            Node::new("SpatialZeroPadding")
                .ints("padLeft", &[-2])
                .ints("padRight", &[-2])
                .ints("padTop", &[1])
                .ints("padBottom", &[1]),
            vec![1, 2, 5],
            vec![1, 2, 4],
        ),
        (
            Node::new("Cropping2D")
                .ints("heightCrop", &[1, 1])
                .ints("widthCrop", &[0, 1]),
            vec![1, 1, 3, 2],
            vec![1, 3, 2],
        ),
        (
            Node::new("Cropping3D").ints("dim1Crop", &[2, 2]),
            vec![1, 1, 5, 1, 1],
            vec![1, 1, 4, 1, 1],
        ),
        (Node::new("Masking"), vec![2, 3], vec![4]),
        (
            Node::new("Maxout")
                .ints("inputSize", &[4])
                .ints("outputSize", &[2])
                .ints("maxoutNumber", &[3]),
            vec![2, 4],
            vec![2, 5],
        ),
        (Node::new("SReLU").ints("shape", &[3]), vec![2, 3], vec![3]),
        (
            Node::new("SReLU").ints("shape", &[3]),
            vec![2, 3],
            vec![2, 4],
        ),
        (
            Node::new("Scale").ints("size", &[3]),
            vec![2, 3],
            vec![2, 4],
        ),
        (Node::new("SpatialDropout1D"), vec![2, 3], vec![2, 3, 4, 5]),
        (Node::new("SpatialDropout2D"), vec![2, 3, 4], vec![2, 3]),
        (
            Node::new("SpatialDropout3D"),
            vec![2, 3, 4, 5],
            vec![2, 3, 4],
        ),
    ]
}

#[test]
fn wrong_input_shapes_are_errors_naming_the_layer_and_shape() {
    for (node, good, bad) in cases() {
        let mut m = build(&node);
        let p = vec![0.25; m.num_params()];
        let err = m.forward(&p, &t(&bad)).expect_err(&node.kind).to_string();
        let shape = format!("{bad:?}");
        assert!(err.contains(&node.kind), "{}: {err}", node.kind);
        assert!(err.contains(&shape), "{}: {err} lacks {shape}", node.kind);
        let y = m
            .forward(&p, &t(&good))
            .unwrap_or_else(|e| panic!("{}: {e}", node.kind));
        let mut gp = vec![0.0; p.len()];
        let wrong_grad = t(&[y.len() + 1]);
        let err = m
            .backward(&p, &mut gp, &t(&good), &y, &wrong_grad)
            .expect_err(&node.kind)
            .to_string();
        assert!(err.contains(&node.kind), "{}: {err}", node.kind);
    }
}

#[test]
fn wrong_parameter_buffers_are_errors() {
    for node in [
        Node::new("SReLU").ints("shape", &[3]),
        Node::new("Scale").ints("size", &[3]),
    ] {
        let mut m = build(&node);
        let err = m
            .forward(&[0.0; 2], &t(&[2, 3]))
            .expect_err(&node.kind)
            .to_string();
        assert!(err.contains(&node.kind), "{err}");
    }
}

#[test]
fn backward_before_a_training_forward_is_an_error() {
    for node in [
        Node::new("Maxout")
            .ints("inputSize", &[2])
            .ints("outputSize", &[2])
            .ints("maxoutNumber", &[2]),
        Node::new("RReLU"),
        Node::new("GaussianDropout").floats("rate", &[0.5]),
        Node::new("SpatialDropout1D"),
    ] {
        let mut m = build(&node);
        let p = vec![0.0; m.num_params()];
        let x = t(&[3, 2]);
        let y = t(&[3, 2]);
        let err = m
            .backward(&p, &mut p.clone(), &x, &y, &y)
            .expect_err(&node.kind);
        assert!(err.to_string().contains(&node.kind), "{err}");
    }
}

#[test]
fn bad_arguments_are_errors() {
    for node in [
        Node::new("InferReshape").ints("size", &[-1, -1]),
        Node::new("InferReshape").ints("size", &[-2]),
        Node::new("Replicate").ints("nFeatures", &[0]),
        Node::new("Replicate")
            .ints("nFeatures", &[2])
            .ints("dim", &[0]),
        Node::new("Padding")
            .ints("dim", &[0])
            .ints("pad", &[1])
            .ints("nInputDim", &[1]),
        Node::new("Cropping2D").ints("heightCrop", &[1]),
        Node::new("Cropping2D").string("dataFormat", "NWHC"),
        Node::new("Cropping3D").ints("dim1Crop", &[-1, 0]),
        Node::new("Maxout")
            .ints("inputSize", &[2])
            .ints("outputSize", &[2])
            .ints("maxoutNumber", &[0]),
        Node::new("RReLU")
            .floats("lower", &[0.5])
            .floats("upper", &[0.1]),
        Node::new("SReLU")
            .ints("shape", &[3])
            .ints("sharedAxes", &[2]),
        Node::new("Scale").ints("size", &[0]),
        Node::new("L1Penalty"),
        Node::new("GaussianDropout").floats("rate", &[1.0]),
        Node::new("GaussianNoise").floats("stddev", &[-1.0]),
        Node::new("SpatialDropout2D").floats("initP", &[1.5]),
        Node::new("SpatialDropout3D").string("format", "NCWH"),
    ] {
        let err = build_module::<f64>(&node)
            .map(|_| ())
            .expect_err(&node.kind)
            .to_string();
        assert!(err.contains(&node.kind), "{}: {err}", node.kind);
    }
}

#[test]
fn extreme_arguments_are_errors_not_overflows() {
    for (node, shape) in [
        (
            Node::new("InferReshape").ints("size", &[i64::MAX / 2, 4, -1]),
            vec![2, 3],
        ),
        (
            Node::new("Padding")
                .ints("dim", &[1])
                .ints("pad", &[i64::MIN])
                .ints("nInputDim", &[1])
                .ints("nIndex", &[i64::MIN]),
            vec![3],
        ),
        (
            Node::new("SpatialZeroPadding")
                .ints("padLeft", &[i64::MIN])
                .ints("padRight", &[i64::MAX])
                .ints("padTop", &[0])
                .ints("padBottom", &[0]),
            vec![1, 2, 2],
        ),
        (
            Node::new("Replicate").ints("nFeatures", &[i64::from(i32::MAX)]),
            vec![4, 4],
        ),
    ] {
        let mut m = build(&node);
        let err = m
            .forward(&[], &t(&shape))
            .expect_err(&node.kind)
            .to_string();
        assert!(err.contains(&node.kind), "{}: {err}", node.kind);
    }
}
