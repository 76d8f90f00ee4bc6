//! The hand-written protobuf codec of `onnx/`: round trips, truncation, bad lengths, deep
//! nesting, unsupported tensor storage. Every failure is an error, never a panic.

use ferrodl_core::onnx::wire::{Reader, Writer, MAX_DEPTH};
use ferrodl_core::onnx::{
    decode_model, encode_model, AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto,
    ValueInfoProto,
};
use ferrodl_core::Error;

fn model() -> ModelProto {
    ModelProto {
        ir_version: 7,
        opset_imports: vec![(String::new(), 13), ("ai.onnx.ml".into(), 2)],
        producer_name: "test".into(),
        producer_version: "1".into(),
        graph: GraphProto {
            name: "g".into(),
            nodes: vec![NodeProto {
                inputs: vec!["x".into(), "w".into(), String::new()],
                outputs: vec!["y".into()],
                name: "gemm".into(),
                op_type: "Gemm".into(),
                domain: String::new(),
                attributes: vec![
                    AttributeProto {
                        name: "transB".into(),
                        i: Some(-3),
                        ..Default::default()
                    },
                    AttributeProto {
                        name: "alpha".into(),
                        f: Some(0.5),
                        ..Default::default()
                    },
                    AttributeProto {
                        name: "pads".into(),
                        ints: vec![1, -2, 300000],
                        ..Default::default()
                    },
                    AttributeProto {
                        name: "scales".into(),
                        floats: vec![1.5, -2.0],
                        ..Default::default()
                    },
                    AttributeProto {
                        name: "mode".into(),
                        s: Some("constant".into()),
                        ..Default::default()
                    },
                    AttributeProto {
                        name: "acts".into(),
                        strings: vec!["Sigmoid".into(), "Tanh".into()],
                        ..Default::default()
                    },
                    AttributeProto {
                        name: "value".into(),
                        t: Some(TensorProto::ints("", &[2], vec![i64::MIN, 7])),
                        ..Default::default()
                    },
                ],
            }],
            initializers: vec![
                TensorProto::floats("w", &[2, 3], vec![1.0, -2.5, 3.25, 0.0, f32::MAX, -1e-7]),
                TensorProto::ints("shape", &[2], vec![-1, 400]),
                TensorProto::floats("s", &[], vec![0.5]),
            ],
            inputs: vec![ValueInfoProto {
                name: "x".into(),
                elem_type: 1,
                shape: Some(vec![None, Some(3)]),
            }],
            outputs: vec![ValueInfoProto {
                name: "y".into(),
                elem_type: 1,
                shape: None,
            }],
            value_info: vec![],
        },
    }
}

#[test]
fn model_round_trips() {
    let m = model();
    let bytes = encode_model(&m);
    assert_eq!(decode_model(&bytes).expect("decode"), m);
    assert_eq!(m.default_opset(), Some(13));
}

#[test]
fn truncation_inside_the_graph_is_an_error_and_no_cut_panics() {
    let bytes = encode_model(&model());
    // The opset imports come last: any cut before them leaves no graph or a truncated one.
    let graph_end = encode_model(&ModelProto {
        opset_imports: vec![],
        ..model()
    })
    .len();
    for cut in 0..bytes.len() {
        let r = decode_model(&bytes[..cut]);
        if cut < graph_end {
            assert!(
                matches!(r, Err(Error::Corrupt { .. })),
                "cut at {cut}: {r:?}"
            );
        }
    }
}

#[test]
fn lengths_beyond_the_data_are_refused_before_allocating() {
    // Field 7 (graph), wire type 2, length 2^40.
    let mut w = vec![(7 << 3) | 2];
    let mut n: u64 = 1 << 40;
    while n >= 0x80 {
        w.push((n as u8) | 0x80);
        n >>= 7;
    }
    w.push(n as u8);
    w.extend([0u8; 8]);
    let e = decode_model(&w).unwrap_err().to_string();
    assert!(e.contains("truncated") && e.contains("byte"), "{e}");
    // An over-long varint, an unknown wire type, a zero field number.
    for bad in [
        vec![
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        ],
        vec![0x0b],
        vec![0x02, 0x00],
    ] {
        assert!(
            matches!(decode_model(&bad), Err(Error::Corrupt { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let mut inner = Writer::new();
    inner.int(1, 1);
    for _ in 0..MAX_DEPTH + 2 {
        let mut w = Writer::new();
        w.message(1, inner);
        inner = w;
    }
    let bytes = inner.finish();
    fn walk(r: &mut Reader) -> ferrodl_core::Result<usize> {
        let mut depth = 0;
        while let Some((f, v)) = r.next_field()? {
            if f == 1 && matches!(v, ferrodl_core::onnx::wire::Value::Bytes(..)) {
                depth = depth.max(1 + walk(&mut r.nested(v, "m")?)?);
            }
        }
        Ok(depth)
    }
    let e = walk(&mut Reader::new(&bytes)).unwrap_err().to_string();
    assert!(e.contains("nested deeper"), "{e}");
}

fn tensor_model(tensor: Writer) -> Vec<u8> {
    let mut g = Writer::new();
    g.message(5, tensor);
    let mut m = Writer::new();
    m.message(7, g);
    m.finish()
}

#[test]
fn tensors_with_wrong_sizes_types_or_external_data_are_refused() {
    let cases: Vec<(Writer, &str)> = vec![
        (
            {
                let mut t = Writer::new();
                t.packed_ints(1, &[2, 3]).int(2, 1).bytes(9, &[0; 20]);
                t
            },
            "raw_data has 20 bytes",
        ),
        (
            {
                let mut t = Writer::new();
                t.packed_ints(1, &[2]).int(2, 1).packed_floats(4, &[1.0]);
                t
            },
            "1 elements",
        ),
        (
            {
                let mut t = Writer::new();
                t.packed_ints(1, &[-2]).int(2, 1);
                t
            },
            "negative dimension",
        ),
        (
            {
                let mut t = Writer::new();
                t.packed_ints(1, &[1 << 40, 1 << 40]).int(2, 1);
                t
            },
            "too many elements",
        ),
        (
            {
                let mut t = Writer::new();
                t.int(2, 16);
                t
            },
            "data type 16",
        ),
        (
            {
                let mut t = Writer::new();
                t.int(2, 1).int(14, 1);
                t
            },
            "external data",
        ),
    ];
    for (t, msg) in cases {
        let e = decode_model(&tensor_model(t)).unwrap_err().to_string();
        assert!(e.contains(msg), "{e} should contain {msg}");
    }
}

#[test]
fn typed_fields_unpacked_doubles_and_int32_decode() {
    let mut t = Writer::new();
    t.packed_ints(1, &[2])
        .int(2, 1)
        .float(4, 1.5)
        .float(4, -2.0);
    let mut d = Writer::new();
    let raw: Vec<u8> = [0.25f64, 4.0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    d.packed_ints(1, &[2]).int(2, 11).bytes(9, &raw);
    let mut i = Writer::new();
    let raw: Vec<u8> = [-3i32, 5].iter().flat_map(|x| x.to_le_bytes()).collect();
    i.packed_ints(1, &[2]).int(2, 6).bytes(9, &raw);
    let mut g = Writer::new();
    g.message(5, t).message(5, d).message(5, i);
    let mut m = Writer::new();
    m.message(7, g);
    let got = decode_model(&m.finish())
        .expect("decode")
        .graph
        .initializers;
    assert_eq!(got[0].to_f32(), vec![1.5, -2.0]);
    assert_eq!(got[1].to_f32(), vec![0.25, 4.0]);
    assert_eq!(got[2].to_i64(), Some(vec![-3, 5]));
}
