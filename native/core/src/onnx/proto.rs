//! The subset of ONNX's protobuf messages ferrodl reads and writes (field numbers from
//! `onnx.proto3`): ModelProto, OperatorSetIdProto, GraphProto, NodeProto, AttributeProto,
//! TensorProto, ValueInfoProto with its tensor type and shape. Unknown fields are skipped.

use super::tensor::{decode_tensor, encode_tensor, TensorProto};
use super::wire::{float, int, push_floats, push_ints, string, Reader, Writer};
use crate::error::{Error, Result};

/// An attribute of a node. Graph-valued attributes (control flow) are recorded by name only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttributeProto {
    pub name: String,
    pub f: Option<f32>,
    pub i: Option<i64>,
    pub s: Option<String>,
    pub t: Option<TensorProto>,
    pub floats: Vec<f32>,
    pub ints: Vec<i64>,
    pub strings: Vec<String>,
    /// Whether the attribute holds a graph (If, Loop, Scan), which ferrodl does not import.
    pub has_graph: bool,
}

/// One operator application.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeProto {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub name: String,
    pub op_type: String,
    pub domain: String,
    pub attributes: Vec<AttributeProto>,
}

/// A named value with its element type and shape (`None` dims are symbolic or unknown).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueInfoProto {
    pub name: String,
    pub elem_type: i64,
    pub shape: Option<Vec<Option<i64>>>,
}

/// A graph: nodes in topological order, constant initializers, inputs and outputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphProto {
    pub name: String,
    pub nodes: Vec<NodeProto>,
    pub initializers: Vec<TensorProto>,
    pub inputs: Vec<ValueInfoProto>,
    pub outputs: Vec<ValueInfoProto>,
    pub value_info: Vec<ValueInfoProto>,
}

/// A model file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelProto {
    pub ir_version: i64,
    /// (domain, version); the default domain is `""` (or `ai.onnx`).
    pub opset_imports: Vec<(String, i64)>,
    pub producer_name: String,
    pub producer_version: String,
    pub graph: GraphProto,
}

impl ModelProto {
    /// The version of the default operator set, if imported.
    pub fn default_opset(&self) -> Option<i64> {
        self.opset_imports
            .iter()
            .find(|(d, _)| d.is_empty() || d == "ai.onnx")
            .map(|(_, v)| *v)
    }
}

impl NodeProto {
    /// The attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&AttributeProto> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// Decodes a model file.
pub fn decode_model(bytes: &[u8]) -> Result<ModelProto> {
    let mut r = Reader::new(bytes);
    let mut m = ModelProto::default();
    let mut graph = None;
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => m.ir_version = int(v, "ModelProto.ir_version")?,
            2 => m.producer_name = string(v, "ModelProto.producer_name")?,
            3 => m.producer_version = string(v, "ModelProto.producer_version")?,
            7 => graph = Some(decode_graph(&mut r.nested(v, "ModelProto.graph")?)?),
            8 => {
                let mut o = r.nested(v, "ModelProto.opset_import")?;
                let (mut domain, mut version) = (String::new(), 0);
                while let Some((f, v)) = o.next_field()? {
                    match f {
                        1 => domain = string(v, "OperatorSetIdProto.domain")?,
                        2 => version = int(v, "OperatorSetIdProto.version")?,
                        _ => {}
                    }
                }
                m.opset_imports.push((domain, version));
            }
            _ => {}
        }
    }
    m.graph = graph.ok_or_else(|| {
        Error::corrupt(
            bytes.len(),
            "not an ONNX model: no graph (field 7 of ModelProto)",
        )
    })?;
    Ok(m)
}

fn decode_graph(r: &mut Reader) -> Result<GraphProto> {
    let mut g = GraphProto::default();
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => g
                .nodes
                .push(decode_node(&mut r.nested(v, "GraphProto.node")?)?),
            2 => g.name = string(v, "GraphProto.name")?,
            5 => g
                .initializers
                .push(decode_tensor(&mut r.nested(v, "GraphProto.initializer")?)?),
            11 => g
                .inputs
                .push(decode_value_info(&mut r.nested(v, "GraphProto.input")?)?),
            12 => g
                .outputs
                .push(decode_value_info(&mut r.nested(v, "GraphProto.output")?)?),
            13 => g.value_info.push(decode_value_info(
                &mut r.nested(v, "GraphProto.value_info")?,
            )?),
            15 => {
                return Err(Error::corrupt(
                    r.offset(),
                    "sparse initializers are not supported",
                ))
            }
            _ => {}
        }
    }
    Ok(g)
}

fn decode_node(r: &mut Reader) -> Result<NodeProto> {
    let mut n = NodeProto::default();
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => n.inputs.push(string(v, "NodeProto.input")?),
            2 => n.outputs.push(string(v, "NodeProto.output")?),
            3 => n.name = string(v, "NodeProto.name")?,
            4 => n.op_type = string(v, "NodeProto.op_type")?,
            5 => n
                .attributes
                .push(decode_attribute(&mut r.nested(v, "NodeProto.attribute")?)?),
            7 => n.domain = string(v, "NodeProto.domain")?,
            _ => {}
        }
    }
    Ok(n)
}

fn decode_attribute(r: &mut Reader) -> Result<AttributeProto> {
    let mut a = AttributeProto::default();
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => a.name = string(v, "AttributeProto.name")?,
            2 => a.f = Some(float(v, "AttributeProto.f")?),
            3 => a.i = Some(int(v, "AttributeProto.i")?),
            4 => a.s = Some(string(v, "AttributeProto.s")?),
            5 => a.t = Some(decode_tensor(&mut r.nested(v, "AttributeProto.t")?)?),
            6 | 11 => a.has_graph = true,
            7 => push_floats(&mut a.floats, v, "AttributeProto.floats")?,
            8 => push_ints(&mut a.ints, v, "AttributeProto.ints")?,
            9 => a.strings.push(string(v, "AttributeProto.strings")?),
            _ => {}
        }
    }
    Ok(a)
}

fn decode_value_info(r: &mut Reader) -> Result<ValueInfoProto> {
    let mut vi = ValueInfoProto::default();
    while let Some((field, v)) = r.next_field()? {
        match field {
            1 => vi.name = string(v, "ValueInfoProto.name")?,
            2 => {
                let mut ty = r.nested(v, "ValueInfoProto.type")?;
                while let Some((f, v)) = ty.next_field()? {
                    if f != 1 {
                        continue;
                    }
                    let mut tt = ty.nested(v, "TypeProto.tensor_type")?;
                    while let Some((f, v)) = tt.next_field()? {
                        match f {
                            1 => vi.elem_type = int(v, "TypeProto.Tensor.elem_type")?,
                            2 => {
                                let mut sh = tt.nested(v, "TypeProto.Tensor.shape")?;
                                let mut dims = Vec::new();
                                while let Some((f, v)) = sh.next_field()? {
                                    if f == 1 {
                                        dims.push(decode_dim(&mut sh.nested(v, "dim")?)?);
                                    }
                                }
                                vi.shape = Some(dims);
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(vi)
}

fn decode_dim(r: &mut Reader) -> Result<Option<i64>> {
    let mut d = None;
    while let Some((f, v)) = r.next_field()? {
        if f == 1 {
            d = Some(int(v, "TensorShapeProto.Dimension.dim_value")?);
        }
    }
    Ok(d)
}

/// Encodes a model file.
pub fn encode_model(m: &ModelProto) -> Vec<u8> {
    let mut w = Writer::new();
    w.int(1, m.ir_version);
    w.string(2, &m.producer_name);
    w.string(3, &m.producer_version);
    w.message(7, encode_graph(&m.graph));
    for (domain, version) in &m.opset_imports {
        let mut o = Writer::new();
        o.string(1, domain).int(2, *version);
        w.message(8, o);
    }
    w.finish()
}

fn encode_graph(g: &GraphProto) -> Writer {
    let mut w = Writer::new();
    g.nodes.iter().for_each(|n| {
        w.message(1, encode_node(n));
    });
    w.string(2, &g.name);
    g.initializers.iter().for_each(|t| {
        w.message(5, encode_tensor(t));
    });
    for (field, list) in [(11, &g.inputs), (12, &g.outputs), (13, &g.value_info)] {
        list.iter().for_each(|v| {
            w.message(field, encode_value_info(v));
        });
    }
    w
}

fn encode_node(n: &NodeProto) -> Writer {
    let mut w = Writer::new();
    n.inputs.iter().for_each(|s| {
        w.string(1, s);
    });
    n.outputs.iter().for_each(|s| {
        w.string(2, s);
    });
    w.string(3, &n.name).string(4, &n.op_type);
    n.attributes.iter().for_each(|a| {
        w.message(5, encode_attribute(a));
    });
    if !n.domain.is_empty() {
        w.string(7, &n.domain);
    }
    w
}

fn encode_attribute(a: &AttributeProto) -> Writer {
    let mut w = Writer::new();
    w.string(1, &a.name);
    // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7, STRINGS 8.
    let ty = if let Some(f) = a.f {
        w.float(2, f);
        1
    } else if let Some(i) = a.i {
        w.int(3, i);
        2
    } else if let Some(s) = &a.s {
        w.string(4, s);
        3
    } else if let Some(t) = &a.t {
        w.message(5, encode_tensor(t));
        4
    } else if !a.floats.is_empty() {
        w.packed_floats(7, &a.floats);
        6
    } else if !a.strings.is_empty() {
        a.strings.iter().for_each(|s| {
            w.string(9, s);
        });
        8
    } else {
        w.packed_ints(8, &a.ints);
        7
    };
    w.int(20, ty);
    w
}

fn encode_value_info(v: &ValueInfoProto) -> Writer {
    let mut tensor = Writer::new();
    tensor.int(1, v.elem_type);
    if let Some(dims) = &v.shape {
        let mut shape = Writer::new();
        for (i, d) in dims.iter().enumerate() {
            let mut dim = Writer::new();
            // An unknown size is symbolic: `N` for the first (the batch), else one of its own.
            match d {
                Some(n) => dim.int(1, *n),
                None if i == 0 => dim.string(2, "N"),
                None => dim.string(2, &format!("{}_d{i}", v.name)),
            };
            shape.message(1, dim);
        }
        tensor.message(2, shape);
    }
    let mut ty = Writer::new();
    ty.message(1, tensor);
    let mut w = Writer::new();
    w.string(1, &v.name).message(2, ty);
    w
}
