//! Every layer type with parameters describes them as BigDL's separate tensors with their real
//! shapes (`Module::param_tensors`), and the shapes tile exactly the layer's parameter count.

use ferrodl_core::spec::{build_block, Node};
use ferrodl_core::ActivityModule;

fn n(kind: &str, ints: &[(&str, i64)]) -> Node {
    ints.iter()
        .fold(Node::new(kind), |node, (k, v)| node.ints(k, &[*v]))
}

type Expected = Vec<(&'static str, Vec<usize>)>;

/// One description per layer type the factory builds with parameters (small arguments), with
/// the tensors BigDL gives it.
fn cases() -> Vec<(Node, Expected)> {
    let conv = |kind: &str, extra: &[(&str, i64)]| {
        let mut a = vec![("nInputPlane", 4), ("nOutputPlane", 6)];
        a.extend_from_slice(extra);
        n(kind, &a)
    };
    let wb = |w: Vec<usize>, b: usize| vec![("weight", w), ("bias", vec![b])];
    let lstm = n("LSTM", &[("inputSize", 3), ("hiddenSize", 4)]);
    let cell = |w: usize, i: usize, h: usize| {
        vec![("W_i", vec![w, i]), ("b_i", vec![w]), ("W_h", vec![w, h])]
    };
    vec![
        (
            n("Linear", &[("inputSize", 4), ("outputSize", 3)]),
            wb(vec![3, 4], 3),
        ),
        (
            n(
                "Linear",
                &[("inputSize", 4), ("outputSize", 3), ("withBias", 0)],
            ),
            vec![("weight", vec![3, 4])],
        ),
        (
            conv(
                "SpatialConvolution",
                &[("kernelW", 3), ("kernelH", 2), ("nGroup", 2)],
            ),
            wb(vec![2, 3, 2, 2, 3], 6),
        ),
        (
            conv("SpatialShareConvolution", &[("kernelW", 2), ("kernelH", 3)]),
            wb(vec![1, 6, 4, 3, 2], 6),
        ),
        (
            conv("SpatialDilatedConvolution", &[("kW", 3), ("kH", 2)]),
            wb(vec![6, 4, 2, 3], 6),
        ),
        (
            conv(
                "SpatialFullConvolution",
                &[("kW", 3), ("kH", 2), ("nGroup", 2)],
            ),
            wb(vec![2, 2, 3, 2, 3], 6),
        ),
        (
            conv("VolumetricConvolution", &[("kT", 2), ("kW", 3), ("kH", 1)]),
            wb(vec![6, 4, 2, 1, 3], 6),
        ),
        (
            conv(
                "VolumetricFullConvolution",
                &[("kT", 2), ("kW", 3), ("kH", 1)],
            ),
            wb(vec![1, 4, 6, 2, 1, 3], 6),
        ),
        (
            n(
                "TemporalConvolution",
                &[
                    ("inputFrameSize", 3),
                    ("outputFrameSize", 2),
                    ("kernelW", 2),
                ],
            ),
            wb(vec![2, 6], 2),
        ),
        (
            n(
                "LocallyConnected1D",
                &[
                    ("nInputFrame", 5),
                    ("inputFrameSize", 3),
                    ("outputFrameSize", 2),
                    ("kernelW", 2),
                ],
            ),
            vec![("weight", vec![4, 2, 6]), ("bias", vec![4, 2])],
        ),
        (
            conv(
                "LocallyConnected2D",
                &[
                    ("inputWidth", 4),
                    ("inputHeight", 3),
                    ("kernelW", 2),
                    ("kernelH", 2),
                ],
            ),
            vec![("weight", vec![6, 6, 16]), ("bias", vec![6, 6])],
        ),
        (
            n(
                "SpatialSeparableConvolution",
                &[
                    ("nInputChannel", 2),
                    ("nOutputChannel", 5),
                    ("depthMultiplier", 3),
                    ("kW", 2),
                    ("kH", 3),
                ],
            ),
            vec![
                ("depthWeight", vec![6, 1, 3, 2]),
                ("pointWeight", vec![5, 6]),
                ("bias", vec![5]),
            ],
        ),
        (n("BatchNormalization", &[("nOutput", 5)]), wb(vec![5], 5)),
        (
            n("SpatialBatchNormalization", &[("nOutput", 2)]),
            wb(vec![2], 2),
        ),
        (
            n("LayerNormalization", &[("hiddenSize", 3)]),
            wb(vec![3], 3),
        ),
        (
            n("LookupTable", &[("nIndex", 6), ("nOutput", 3)]),
            vec![("weight", vec![6, 3])],
        ),
        (
            Node::new("CMul").ints("size", &[1, 3, 2]),
            vec![("weight", vec![1, 3, 2])],
        ),
        (
            Node::new("CAdd").ints("size", &[3, 1]),
            vec![("bias", vec![3, 1])],
        ),
        (n("Add", &[("inputSize", 4)]), vec![("bias", vec![4])]),
        (Node::new("Mul"), vec![("weight", vec![1])]),
        (Node::new("PReLU"), vec![("weight", vec![1])]),
        (
            n("PReLU", &[("nOutputPlane", 3)]),
            vec![("weight", vec![3])],
        ),
        (
            Node::new("Scale").ints("size", &[2, 3]),
            vec![("weight", vec![2, 3]), ("bias", vec![2, 3])],
        ),
        (
            Node::new("SReLU")
                .ints("shape", &[2, 3])
                .ints("sharedAxes", &[2]),
            ["tLeft", "aLeft", "tRight", "aRight"]
                .iter()
                .map(|t| (*t, vec![2, 1]))
                .collect(),
        ),
        (
            n(
                "Maxout",
                &[("inputSize", 4), ("outputSize", 2), ("maxoutNumber", 3)],
            ),
            wb(vec![6, 4], 6),
        ),
        (
            n("Cosine", &[("inputSize", 4), ("outputSize", 3)]),
            vec![("weight", vec![3, 4])],
        ),
        (
            n("Euclidean", &[("inputSize", 4), ("outputSize", 3)]),
            vec![("weight", vec![4, 3])],
        ),
        (
            n(
                "Bilinear",
                &[("inputSize1", 2), ("inputSize2", 3), ("outputSize", 4)],
            ),
            wb(vec![4, 2, 3], 4),
        ),
        (
            n("QuantizedLinear", &[("inputSize", 4), ("outputSize", 3)]),
            vec![
                ("weight", vec![3, 4]),
                ("weightScale", vec![3]),
                ("bias", vec![3]),
            ],
        ),
        (
            conv(
                "QuantizedSpatialConvolution",
                &[("kernelW", 3), ("kernelH", 2), ("nGroup", 2)],
            ),
            vec![
                ("weight", vec![6, 2, 2, 3]),
                ("weightScale", vec![6]),
                ("bias", vec![6]),
            ],
        ),
        (
            n("Highway", &[("size", 3)]),
            vec![
                ("0/weight", vec![3, 3]),
                ("0/bias", vec![3]),
                ("1/weight", vec![3, 3]),
                ("1/bias", vec![3]),
            ],
        ),
        (Node::new("Recurrent").child(lstm.clone()), cell(16, 3, 4)),
        (
            Node::new("Recurrent").child(n("LSTMPeephole", &[("inputSize", 3), ("hiddenSize", 2)])),
            [
                cell(8, 3, 2),
                vec![("p_i", vec![2]), ("p_f", vec![2]), ("p_o", vec![2])],
            ]
            .concat(),
        ),
        (
            Node::new("Recurrent").child(n("GRU", &[("inputSize", 3), ("outputSize", 2)])),
            [cell(6, 3, 2), vec![("b_hn", vec![2])]].concat(),
        ),
        (
            Node::new("Recurrent").child(
                n("RnnCell", &[("inputSize", 2), ("hiddenSize", 3)]).child(Node::new("Tanh")),
            ),
            [cell(3, 2, 3), vec![("b_h", vec![3])]].concat(),
        ),
        (
            Node::new("Recurrent").child(
                Node::new("MultiRNNCell")
                    .child(lstm.clone())
                    .child(n("LSTM", &[("inputSize", 4), ("hiddenSize", 2)])),
            ),
            vec![
                ("0/W_i", vec![16, 3]),
                ("0/b_i", vec![16]),
                ("0/W_h", vec![16, 4]),
                ("1/W_i", vec![8, 4]),
                ("1/b_i", vec![8]),
                ("1/W_h", vec![8, 2]),
            ],
        ),
        (
            Node::new("BiRecurrent").child(lstm.clone()),
            vec![
                ("layer/W_i", vec![16, 3]),
                ("layer/b_i", vec![16]),
                ("layer/W_h", vec![16, 4]),
                ("revLayer/W_i", vec![16, 3]),
                ("revLayer/b_i", vec![16]),
                ("revLayer/W_h", vec![16, 4]),
            ],
        ),
        (
            n("RecurrentDecoder", &[("outputLength", 2)])
                .child(n("LSTM", &[("inputSize", 3), ("hiddenSize", 3)])),
            cell(12, 3, 3),
        ),
        (
            Node::new("TimeDistributed").child(n("Linear", &[("inputSize", 3), ("outputSize", 2)])),
            wb(vec![2, 3], 2),
        ),
        (
            Node::new("Sequential")
                .child(
                    n("Linear", &[("inputSize", 4), ("outputSize", 3)])
                        .string("weightInit", "Xavier"),
                )
                .child(Node::new("Tanh"))
                .child(
                    n("SpatialBatchNormalization", &[("nOutput", 3)]).ints("frozenModule", &[1]),
                ),
            vec![
                ("0/weight", vec![3, 4]),
                ("0/bias", vec![3]),
                ("2/weight", vec![3]),
                ("2/bias", vec![3]),
            ],
        ),
        (
            Node::new("ConcatTable")
                .child(n("Linear", &[("inputSize", 3), ("outputSize", 2)]))
                .child(Node::new("Identity")),
            vec![("0/weight", vec![2, 3]), ("0/bias", vec![2])],
        ),
        (
            Node::new("MapTable").child(n("Linear", &[("inputSize", 3), ("outputSize", 2)])),
            vec![("0/weight", vec![2, 3]), ("0/bias", vec![2])],
        ),
    ]
}

#[test]
fn every_layer_type_with_parameters_gives_bigdls_tensors_tiling_its_count() {
    for (node, expected) in cases() {
        let block: Box<dyn ActivityModule<f32>> =
            build_block(&node).unwrap_or_else(|e| panic!("{}: {e}", node.kind));
        let got: Vec<(String, Vec<usize>)> = block
            .param_tensors()
            .into_iter()
            .map(|t| (t.name, t.shape))
            .collect();
        let want: Vec<(String, Vec<usize>)> = expected
            .iter()
            .map(|(name, shape)| (name.to_string(), shape.clone()))
            .collect();
        assert_eq!(got, want, "{}", node.kind);
        let tiled: usize = want.iter().map(|(_, s)| s.iter().product::<usize>()).sum();
        assert_eq!(
            tiled,
            block.num_params(),
            "{}: the tensors do not tile the parameters",
            node.kind
        );
    }
}

#[test]
fn layers_without_parameters_have_no_tensors_and_the_default_is_one_flat_tensor() {
    for kind in ["Tanh", "ReLU", "Identity"] {
        let block: Box<dyn ActivityModule<f32>> = build_block(&Node::new(kind)).expect("builds");
        assert!(block.param_tensors().is_empty(), "{kind}");
    }
    assert_eq!(
        ferrodl_core::param_tensor::whole(7),
        vec![ferrodl_core::ParamTensor::new("", &[7])]
    );
    assert!(ferrodl_core::param_tensor::whole(0).is_empty());
}
