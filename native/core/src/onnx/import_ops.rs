//! Import of single ONNX nodes: the dispatch, constants, element-wise and shape operators.
//! Layers with weights are in `import_layers.rs`, LSTM and GRU in `import_recurrent.rs`.

use super::import_layers as layers;
use super::import_recurrent::recurrent;
use super::proto::NodeProto;
use super::tensor::{TensorData, TensorProto};
use crate::error::{Error, Result};
use crate::spec::Node;
use std::collections::HashMap;

/// What the importer knows while it walks the nodes in order.
#[derive(Debug, Default)]
pub struct Ctx {
    /// The default operator set's version.
    pub opset: i64,
    /// Initializers and folded constants, by value name.
    pub consts: HashMap<String, TensorProto>,
    /// The rank of each computed value, when known.
    pub ranks: HashMap<String, Option<usize>>,
}

impl Ctx {
    /// The constant `name`, if it is one.
    pub fn konst(&self, name: &str) -> Option<&TensorProto> {
        self.consts.get(name)
    }

    /// The rank of value `name`, if known.
    pub fn rank(&self, name: &str) -> Option<usize> {
        self.ranks.get(name).copied().flatten()
    }
}

/// One ferrodl module made from one ONNX node.
#[derive(Debug, Clone)]
pub struct Piece {
    pub spec: Node,
    pub weights: Vec<f32>,
    pub buffers: Vec<f32>,
    /// The values it reads (not constants), in order.
    pub inputs: Vec<String>,
    /// The rank of its output, when known.
    pub rank: Option<usize>,
}

impl Piece {
    /// A module without parameters over one input.
    pub fn plain(spec: Node, input: &str, rank: Option<usize>) -> Piece {
        Piece {
            spec,
            weights: Vec::new(),
            buffers: Vec::new(),
            inputs: vec![input.to_string()],
            rank,
        }
    }
}

/// What one ONNX node becomes.
#[derive(Debug, Clone)]
pub enum Converted {
    Piece(Piece),
    /// The node passes its input through.
    Alias(String),
    /// The node is a constant.
    Const(TensorProto),
}

/// An error about this node's attributes or inputs.
pub fn bad(reason: impl Into<String>) -> Error {
    Error::invalid("ONNX import", reason)
}

/// An integer attribute.
pub fn attr_i(n: &NodeProto, name: &str, default: i64) -> i64 {
    n.attr(name).and_then(|a| a.i).unwrap_or(default)
}

/// A float attribute.
pub fn attr_f(n: &NodeProto, name: &str, default: f64) -> f64 {
    n.attr(name).and_then(|a| a.f).map_or(default, f64::from)
}

/// An integer-list attribute (empty when absent).
pub fn attr_ints(n: &NodeProto, name: &str) -> Vec<i64> {
    n.attr(name).map(|a| a.ints.clone()).unwrap_or_default()
}

/// A string attribute.
pub fn attr_s<'a>(n: &'a NodeProto, name: &str, default: &'a str) -> &'a str {
    n.attr(name).and_then(|a| a.s.as_deref()).unwrap_or(default)
}

/// Input `k`, which must be present.
pub fn input(n: &NodeProto, k: usize) -> Result<&str> {
    n.inputs
        .get(k)
        .filter(|s| !s.is_empty())
        .map(String::as_str)
        .ok_or_else(|| bad(format!("missing input {}", k + 1)))
}

/// Input `k` as a constant, if present (`Ok(None)` when omitted).
pub fn const_input<'a>(ctx: &'a Ctx, n: &NodeProto, k: usize) -> Result<Option<&'a TensorProto>> {
    match n.inputs.get(k).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(i) => ctx
            .konst(i)
            .map(Some)
            .ok_or_else(|| bad(format!("input '{i}' must be a constant (an initializer)"))),
    }
}

/// An axis normalised to `0..rank` (negative ones need the rank).
pub fn norm_axis(ctx: &Ctx, x: &str, axis: i64) -> Result<usize> {
    if axis >= 0 {
        return Ok(axis as usize);
    }
    let r = ctx.rank(x).ok_or_else(|| {
        bad(format!(
            "axis {axis} needs the rank of '{x}', which is unknown"
        ))
    })?;
    usize::try_from(r as i64 + axis).map_err(|_| bad(format!("axis {axis} out of range")))
}

/// The axes of Squeeze/Unsqueeze (an attribute before opset 13, an input from 13).
fn axes(ctx: &Ctx, n: &NodeProto) -> Result<Vec<i64>> {
    match const_input(ctx, n, 1)? {
        Some(t) => t.to_i64().ok_or_else(|| bad("axes must be integers")),
        None => Ok(attr_ints(n, "axes")),
    }
}

fn plus(r: Option<usize>, d: i64) -> Option<usize> {
    r.and_then(|r| usize::try_from(r as i64 + d).ok())
}

/// Converts node `n`; `Ok(None)` when ferrodl has no module for its operator.
pub fn convert(ctx: &Ctx, n: &NodeProto) -> Result<Option<Converted>> {
    if !n.domain.is_empty() && n.domain != "ai.onnx" {
        return Ok(None);
    }
    if n.attributes.iter().any(|a| a.has_graph) {
        return Ok(None);
    }
    let piece = |p: Piece| Ok(Some(Converted::Piece(p)));
    let x = || input(n, 0);
    let same = |kind: &str| -> Result<Option<Converted>> {
        let x = input(n, 0)?;
        piece(Piece::plain(Node::new(kind), x, ctx.rank(x)))
    };
    match n.op_type.as_str() {
        "Constant" => {
            let a = n
                .attributes
                .first()
                .ok_or_else(|| bad("Constant without a value"))?;
            let name = n.outputs.first().cloned().unwrap_or_default();
            let t = match a.name.as_str() {
                "value" => a.t.clone().ok_or_else(|| bad("value is not a tensor"))?,
                "value_float" => TensorProto::floats(&name, &[], vec![a.f.unwrap_or(0.0)]),
                "value_floats" => TensorProto::floats(&name, &[a.floats.len()], a.floats.clone()),
                "value_int" => TensorProto::ints(&name, &[], vec![a.i.unwrap_or(0)]),
                "value_ints" => TensorProto::ints(&name, &[a.ints.len()], a.ints.clone()),
                other => {
                    return Err(bad(format!(
                        "Constant attribute '{other}' is not supported"
                    )))
                }
            };
            Ok(Some(Converted::Const(t)))
        }
        "Identity" => Ok(Some(Converted::Alias(x()?.to_string()))),
        "Relu" => same("ReLU"),
        "Sigmoid" => same("Sigmoid"),
        "Tanh" => same("Tanh"),
        "Abs" | "Exp" | "Log" | "Sqrt" => same(&n.op_type),
        "Softsign" => same("SoftSign"),
        "Softplus" => same("SoftPlus"),
        "HardSigmoid"
            if (attr_f(n, "alpha", 0.2) - 0.2).abs() < 1e-6
                && (attr_f(n, "beta", 0.5) - 0.5).abs() < 1e-6 =>
        {
            same("HardSigmoid")
        }
        "Clip" => {
            let x = x()?;
            let bound = |k: usize, key: &str, d: f64| -> Result<f64> {
                Ok(match const_input(ctx, n, k)? {
                    Some(t) => t.to_f32().first().map_or(d, |v| f64::from(*v)),
                    None => attr_f(n, key, d),
                })
            };
            let (lo, hi) = (bound(1, "min", f64::MIN)?, bound(2, "max", f64::MAX)?);
            let spec = Node::new("HardTanh")
                .floats("minValue", &[lo])
                .floats("maxValue", &[hi]);
            piece(Piece::plain(spec, x, ctx.rank(x)))
        }
        "Sum" | "Sub" | "Div" | "Max" | "Min" | "Mean"
            if n.inputs.iter().all(|i| ctx.konst(i).is_none()) =>
        {
            let ins: Vec<String> = n.inputs.iter().filter(|s| !s.is_empty()).cloned().collect();
            if ins.len() == 1 {
                return Ok(Some(Converted::Alias(ins[0].clone())));
            }
            let kind = match n.op_type.as_str() {
                "Sum" => "CAddTable",
                "Sub" => "CSubTable",
                "Div" => "CDivTable",
                "Max" => "CMaxTable",
                "Min" => "CMinTable",
                _ => "CAveTable",
            };
            let rank = ins.iter().map(|i| ctx.rank(i)).max().flatten();
            piece(Piece {
                inputs: ins,
                ..Piece::plain(Node::new(kind), "", rank)
            })
        }
        "LeakyRelu" => {
            let x = x()?;
            let spec = Node::new("LeakyReLU").floats("negval", &[attr_f(n, "alpha", 0.01)]);
            piece(Piece::plain(spec, x, ctx.rank(x)))
        }
        "Elu" => {
            let x = x()?;
            let spec = Node::new("ELU").floats("alpha", &[attr_f(n, "alpha", 1.0)]);
            piece(Piece::plain(spec, x, ctx.rank(x)))
        }
        "Softmax" | "LogSoftmax" => {
            let x = x()?;
            let default = if ctx.opset >= 13 { -1 } else { 1 };
            let a = norm_axis(ctx, x, attr_i(n, "axis", default))?;
            let r = ctx
                .rank(x)
                .ok_or_else(|| bad(format!("the rank of '{x}' is unknown")))?;
            let log = n.op_type == "LogSoftmax";
            let ok = (r == 2 && a == 1) || (!log && r == 4 && a == 1 && ctx.opset >= 13);
            if !ok {
                return Err(bad(format!(
                    "axis {a} of a rank-{r} input: ferrodl's {} works on the features of [batch, n]{}",
                    n.op_type,
                    if log { "" } else { " or the channels of [batch, C, H, W] (opset 13+)" }
                )));
            }
            same(if log { "LogSoftMax" } else { "SoftMax" })
        }
        "Dropout" => {
            let ratio = match const_input(ctx, n, 1)? {
                Some(t) => t.to_f32().first().copied().map_or(0.5, f64::from),
                None => attr_f(n, "ratio", 0.5),
            };
            if let Some(t) = const_input(ctx, n, 2)? {
                if t.to_f32().first().is_some_and(|v| *v != 0.0) {
                    return Err(bad("training_mode = true is not supported"));
                }
            }
            let x = x()?;
            piece(Piece::plain(
                Node::new("Dropout").floats("initP", &[ratio]),
                x,
                ctx.rank(x),
            ))
        }
        "Flatten" => {
            let x = x()?;
            let size: &[i64] = match attr_i(n, "axis", 1) {
                1 => &[-1],
                0 => &[1, -1],
                a => return Err(bad(format!("Flatten axis {a}: only 0 and 1 are supported"))),
            };
            let batch = i64::from(size.len() == 1);
            let spec = Node::new("InferReshape")
                .ints("size", size)
                .ints("batchMode", &[batch]);
            piece(Piece::plain(spec, x, Some(2)))
        }
        "Reshape" => {
            let x = x()?;
            let shape = const_input(ctx, n, 1)?
                .and_then(TensorProto::to_i64)
                .ok_or_else(|| bad("the shape must be a constant integer tensor"))?;
            if attr_i(n, "allowzero", 0) != 0 && shape.contains(&0) {
                return Err(bad("allowzero = 1 with a 0 in the shape is not supported"));
            }
            let spec = Node::new("InferReshape")
                .ints("size", &shape)
                .ints("batchMode", &[0]);
            piece(Piece::plain(spec, x, Some(shape.len())))
        }
        "Transpose" => {
            let x = x()?;
            let perm = attr_ints(n, "perm");
            if perm.is_empty() {
                return Err(bad("Transpose needs perm"));
            }
            let mut cur: Vec<i64> = (0..perm.len() as i64).collect();
            let mut pairs = Vec::new();
            for i in 0..perm.len() {
                if cur[i] != perm[i] {
                    let j = cur
                        .iter()
                        .position(|c| *c == perm[i])
                        .ok_or_else(|| bad("perm is not a permutation"))?;
                    cur.swap(i, j);
                    pairs.extend([i as i64 + 1, j as i64 + 1]);
                }
            }
            if pairs.is_empty() {
                return Ok(Some(Converted::Alias(x.to_string())));
            }
            let spec = Node::new("Transpose").ints("permutations", &pairs);
            piece(Piece::plain(spec, x, Some(perm.len())))
        }
        "Squeeze" | "Unsqueeze" => {
            let x = x()?;
            let ax = axes(ctx, n)?;
            let squeeze = n.op_type == "Squeeze";
            match ax.as_slice() {
                [] if squeeze => piece(Piece::plain(Node::new("Squeeze"), x, None)),
                [a] => {
                    let (key, a, d) = if squeeze {
                        ("dim", norm_axis(ctx, x, *a)?, -1)
                    } else {
                        let r = plus(ctx.rank(x), 1);
                        let a = if *a < 0 {
                            r.map(|r| r as i64 + a)
                                .ok_or_else(|| bad("negative axis needs the rank"))?
                        } else {
                            *a
                        };
                        ("pos", a as usize, 1)
                    };
                    let spec = Node::new(&n.op_type).ints(key, &[a as i64 + 1]);
                    piece(Piece::plain(spec, x, plus(ctx.rank(x), d)))
                }
                _ => Err(bad(format!(
                    "{} of several axes is not supported",
                    n.op_type
                ))),
            }
        }
        "Gather" => {
            let x = x()?;
            let idx = match const_input(ctx, n, 1)? {
                Some(t) if t.dims.is_empty() => t.to_i64().and_then(|v| v.first().copied()),
                _ => None,
            }
            .ok_or_else(|| bad("only Gather of one constant scalar index is supported"))?;
            let a = norm_axis(ctx, x, attr_i(n, "axis", 0))?;
            let spec = Node::new("Select")
                .ints("dim", &[a as i64 + 1])
                .ints("index", &[if idx < 0 { idx } else { idx + 1 }]);
            piece(Piece::plain(spec, x, plus(ctx.rank(x), -1)))
        }
        "Concat" => {
            let ins: Vec<String> = n.inputs.iter().filter(|s| !s.is_empty()).cloned().collect();
            if let Some(c) = ins.iter().find(|i| ctx.konst(i).is_some()) {
                return Err(bad(format!(
                    "Concat of the constant '{c}' is not supported"
                )));
            }
            let first = ins.first().ok_or_else(|| bad("Concat without inputs"))?;
            let a = norm_axis(ctx, first, attr_i(n, "axis", 1))?;
            let spec = Node::new("JoinTable").ints("dimension", &[a as i64 + 1]);
            let rank = ctx.rank(first);
            piece(Piece {
                inputs: ins,
                ..Piece::plain(spec, "", rank)
            })
        }
        "Add" | "Mul" => layers::add_mul(ctx, n).map(|p| Some(Converted::Piece(p))),
        "Gemm" | "MatMul" => layers::linear(ctx, n).map(|p| Some(Converted::Piece(p))),
        "Conv" | "ConvTranspose" => layers::conv(ctx, n).map(|p| Some(Converted::Piece(p))),
        "MaxPool" | "AveragePool" | "GlobalAveragePool" => {
            layers::pool(ctx, n).map(|p| Some(Converted::Piece(p)))
        }
        "BatchNormalization" => layers::batch_norm(ctx, n).map(|p| Some(Converted::Piece(p))),
        "LSTM" | "GRU" | "RNN" => recurrent(ctx, n).map(|p| Some(Converted::Piece(p))),
        _ => Ok(None),
    }
}

/// The float elements of a constant.
pub fn floats(t: &TensorProto) -> Vec<f32> {
    match &t.data {
        TensorData::Floats(v) => v.clone(),
        TensorData::Ints(v) => v.iter().map(|x| *x as f32).collect(),
    }
}
