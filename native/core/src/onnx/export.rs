//! Export: a model description (`spec::Node` tree) with its flat weights and buffers becomes an
//! ONNX model (opset 13). Containers, graphs and table operations are walked here; each layer
//! is translated in `export_layers.rs` (recurrent layers in `export_recurrent.rs`, the rest in
//! `export_more.rs` and `export_composed.rs`). Layers without an ONNX equivalent are collected,
//! and one error lists them all.

use super::builder::{int, Builder};
use super::export_layers::{export_leaf, Params};
use super::export_rank::{leaf_rank, Rank, Ranks};
use super::proto::{encode_model, GraphProto, ModelProto, ValueInfoProto};
use super::tensor::FLOAT;
use crate::error::{Error, Result};
use crate::spec::{build_block, Node};
use std::collections::HashMap;

/// The operator set version of exported models.
pub const EXPORT_OPSET: i64 = 13;

/// A value flowing between layers: one tensor, or a table of them.
#[derive(Debug, Clone)]
pub(super) enum Flow {
    Tensor(String),
    Table(Vec<Flow>),
}

pub(super) struct Exporter<'a> {
    pub(super) b: Builder,
    weights: &'a [f32],
    buffers: &'a [f32],
    w_off: usize,
    b_off: usize,
    unsupported: Vec<String>,
    pub(super) ranks: Ranks,
    pub(super) value_ranks: HashMap<String, Rank>,
    /// A first pass that only follows ranks (binding the graph inputs' ranks) and emits no layer.
    dry: bool,
}

/// Exports `spec` with its `weights` and `buffers` (as `Model` holds them) to ONNX bytes.
pub fn export_onnx(spec: &Node, weights: &[f32], buffers: &[f32]) -> Result<Vec<u8>> {
    Ok(encode_model(&export_model(spec, weights, buffers)?))
}

/// Exports `spec` with its `weights` and `buffers` to an ONNX model.
pub fn export_model(spec: &Node, weights: &[f32], buffers: &[f32]) -> Result<ModelProto> {
    let block = build_block::<f32>(spec)?;
    for (what, have, need) in [
        ("weight", weights.len(), block.num_params()),
        ("buffer", buffers.len(), block.num_buffers()),
    ] {
        if have != need {
            return Err(Error::BufferSize {
                op: "ONNX export".into(),
                what: what.into(),
                expected: need,
                actual: have,
            });
        }
    }
    let n_inputs = match spec.kind.as_str() {
        "Graph" => spec.naturals("inputs")?.len().max(1),
        _ => 1,
    };
    let input_names: Vec<String> = if n_inputs == 1 {
        vec!["input".to_string()]
    } else {
        (1..=n_inputs).map(|i| format!("input{i}")).collect()
    };
    let input = if n_inputs == 1 {
        Flow::Tensor(input_names[0].clone())
    } else {
        Flow::Table(input_names.iter().cloned().map(Flow::Tensor).collect())
    };
    let ranks = Ranks {
        bound: vec![None; n_inputs],
    };
    // Two passes: the first binds the inputs' ranks from the layers that fix them, so that the
    // second knows every rank it can, also before the layer that fixes it.
    let mut dry = Exporter::new(weights, buffers, ranks, true, &input_names);
    dry.emit(spec, input.clone())?;
    // An input whose rank no layer fixes (a model that starts with Reshape, or only element-wise
    // layers) is declared `[batch, features]`.
    let mut ranks = dry.ranks;
    for r in &mut ranks.bound {
        r.get_or_insert(2);
    }
    let mut e = Exporter::new(weights, buffers, ranks, false, &input_names);
    let out = e.emit(spec, input)?;
    let ranks = e.ranks.clone();
    if !e.unsupported.is_empty() {
        return Err(Error::invalid(
            "ONNX export",
            format!(
                "these layers have no ONNX equivalent: {}",
                e.unsupported.join(", ")
            ),
        ));
    }
    let mut outputs = Vec::new();
    flatten(&out, &mut outputs);
    // Output values must be node outputs with distinct names: route any repeat through Identity.
    let mut graph_outputs: Vec<String> = Vec::new();
    for o in outputs {
        let produced = e.b.nodes.iter().any(|n| n.outputs.contains(&o));
        if !produced || graph_outputs.contains(&o) {
            let r = e.rank(&o);
            let y = e.b.op("Identity", &[&o], vec![]);
            e.value_ranks.insert(y.clone(), r);
            graph_outputs.push(y);
        } else {
            graph_outputs.push(o);
        }
    }
    // Every dimension is symbolic: the rank is all an exported description knows.
    let value = |name: &String, rank: Option<usize>| ValueInfoProto {
        name: name.clone(),
        elem_type: FLOAT,
        shape: rank.map(|r| vec![None; r]),
    };
    let inputs = input_names
        .iter()
        .enumerate()
        .map(|(index, n)| value(n, ranks.bound[index]))
        .collect();
    let outputs = graph_outputs
        .iter()
        .map(|n| value(n, ranks.known(e.rank(n))))
        .collect();
    Ok(ModelProto {
        ir_version: 7,
        opset_imports: vec![(String::new(), EXPORT_OPSET)],
        producer_name: "ferrodl".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        graph: GraphProto {
            name: if spec.name.is_empty() {
                "ferrodl".into()
            } else {
                spec.name.clone()
            },
            nodes: e.b.nodes,
            initializers: e.b.initializers,
            inputs,
            outputs,
            value_info: Vec::new(),
        },
    })
}

fn flatten(f: &Flow, out: &mut Vec<String>) {
    match f {
        Flow::Tensor(t) => out.push(t.clone()),
        Flow::Table(v) => v.iter().for_each(|x| flatten(x, out)),
    }
}

fn label(node: &Node) -> String {
    if node.name.is_empty() {
        node.kind.clone()
    } else {
        format!("{} '{}'", node.kind, node.name)
    }
}

impl<'a> Exporter<'a> {
    /// An exporter whose graph inputs are `names`.
    fn new(
        weights: &'a [f32],
        buffers: &'a [f32],
        ranks: Ranks,
        dry: bool,
        names: &[String],
    ) -> Exporter<'a> {
        let value_ranks = names
            .iter()
            .enumerate()
            .map(|(index, n)| (n.clone(), Rank::Input { index, delta: 0 }))
            .collect();
        Exporter {
            b: Builder::default(),
            weights,
            buffers,
            w_off: 0,
            b_off: 0,
            unsupported: Vec::new(),
            ranks,
            value_ranks,
            dry,
        }
    }

    pub(super) fn rank(&self, name: &str) -> Rank {
        self.value_ranks.get(name).copied().unwrap_or(Rank::Unknown)
    }

    /// Records that `out` has the rank shared by `inputs` (which must agree).
    fn same_rank(&mut self, node: &Node, inputs: &[String], out: &str) -> Result<()> {
        let rs: Vec<Rank> = inputs.iter().map(|n| self.rank(n)).collect();
        let r = self.ranks.unify(node, &rs)?;
        self.value_ranks.insert(out.to_string(), r);
        Ok(())
    }

    fn table(&self, node: &Node, x: Flow) -> Result<Vec<Flow>> {
        match x {
            Flow::Table(v) => Ok(v),
            Flow::Tensor(_) => Err(Error::invalid(&node.kind, "expects a table input")),
        }
    }

    fn tensors(&self, node: &Node, x: Flow) -> Result<Vec<String>> {
        self.table(node, x)?
            .into_iter()
            .map(|f| match f {
                Flow::Tensor(t) => Ok(t),
                Flow::Table(_) => Err(Error::invalid(&node.kind, "expects a table of tensors")),
            })
            .collect()
    }

    pub(super) fn emit(&mut self, node: &Node, x: Flow) -> Result<Flow> {
        let kids = &node.children;
        Ok(match node.kind.as_str() {
            "Sequential" => {
                let mut x = x;
                for c in kids {
                    x = self.emit(c, x)?;
                }
                x
            }
            "ConcatTable" => Flow::Table(
                kids.iter()
                    .map(|c| self.emit(c, x.clone()))
                    .collect::<Result<_>>()?,
            ),
            "ParallelTable" => {
                let xs = self.table(node, x)?;
                if xs.len() != kids.len() {
                    return Err(Error::invalid(
                        "ParallelTable",
                        format!("{} inputs for {} branches", xs.len(), kids.len()),
                    ));
                }
                Flow::Table(
                    kids.iter()
                        .zip(xs)
                        .map(|(c, x)| self.emit(c, x))
                        .collect::<Result<_>>()?,
                )
            }
            "Concat" => {
                let outs: Vec<Flow> = kids
                    .iter()
                    .map(|c| self.emit(c, x.clone()))
                    .collect::<Result<_>>()?;
                let axis = node.int("dimension")? - 1;
                let names = self.tensors(node, Flow::Table(outs))?;
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let y = self.b.op("Concat", &refs, vec![int("axis", axis)]);
                self.same_rank(node, &names, &y)?;
                Flow::Tensor(y)
            }
            "Graph" => self.graph(node, x)?,
            "TimeDistributed" => self.time_distributed(node, x)?,
            "Input" => x,
            "CAddTable" | "CSubTable" | "CMulTable" | "CDivTable" | "CMaxTable" | "CMinTable"
            | "CAveTable" => {
                let xs = self.tensors(node, x)?;
                let refs: Vec<&str> = xs.iter().map(String::as_str).collect();
                let op = match node.kind.as_str() {
                    "CAddTable" => "Sum",
                    "CSubTable" => "Sub",
                    "CMulTable" => "Mul",
                    "CDivTable" => "Div",
                    "CMaxTable" => "Max",
                    "CMinTable" => "Min",
                    _ => "Mean",
                };
                if matches!(op, "Sub" | "Div") && refs.len() != 2 {
                    return Err(Error::invalid(&node.kind, "takes a table of two tensors"));
                }
                let mut acc = refs[0].to_string();
                if matches!(op, "Sub" | "Div" | "Mul") {
                    for r in &refs[1..] {
                        acc = self.b.op(op, &[&acc, r], vec![]);
                    }
                } else {
                    acc = self.b.op(op, &refs, vec![]);
                }
                self.same_rank(node, &xs, &acc)?;
                Flow::Tensor(acc)
            }
            "JoinTable" => {
                let xs = self.tensors(node, x)?;
                let refs: Vec<&str> = xs.iter().map(String::as_str).collect();
                // With nInputDims = n the inputs may or may not have a batch dimension in
                // front; counting from the end gives the same axis either way.
                let d = node.int("dimension")?;
                let n = node.int_or("nInputDims", 0)?;
                let axis = if d < 0 || n <= 0 {
                    d - i64::from(d > 0)
                } else {
                    d - 1 - n
                };
                let y = self.b.op("Concat", &refs, vec![int("axis", axis)]);
                self.same_rank(node, &xs, &y)?;
                Flow::Tensor(y)
            }
            "SelectTable" => {
                let xs = self.table(node, x)?;
                let i = node.int("index")?;
                let k = if i < 0 { xs.len() as i64 + i } else { i - 1 };
                usize::try_from(k)
                    .ok()
                    .and_then(|k| xs.get(k).cloned())
                    .ok_or_else(|| {
                        Error::invalid("SelectTable", format!("index {i} out of range"))
                    })?
            }
            "FlattenTable" => {
                let mut out = Vec::new();
                flatten(&x, &mut out);
                Flow::Table(out.into_iter().map(Flow::Tensor).collect())
            }
            _ => self.leaf(node, x)?,
        })
    }

    fn leaf(&mut self, node: &Node, x: Flow) -> Result<Flow> {
        let block = build_block::<f32>(node)?;
        let (np, nb) = (block.num_params(), block.num_buffers());
        let w = self
            .weights
            .get(self.w_off..self.w_off + np)
            .ok_or_else(|| Error::invalid("ONNX export", "weights too short"))?;
        let bufs = self
            .buffers
            .get(self.b_off..self.b_off + nb)
            .ok_or_else(|| Error::invalid("ONNX export", "buffers too short"))?;
        self.w_off += np;
        self.b_off += nb;
        let x = match x {
            Flow::Tensor(t) => t,
            Flow::Table(_) => {
                return Err(Error::invalid(
                    &node.kind,
                    "a tensor layer is given a table",
                ))
            }
        };
        let in_rank = self.rank(&x);
        let out_rank = leaf_rank(&mut self.ranks, node, in_rank)?;
        if self.dry {
            let y = self.b.fresh("dry");
            self.value_ranks.insert(y.clone(), out_rank);
            return Ok(Flow::Tensor(y));
        }
        let mut p = Params::new(node, w, bufs);
        let rank = self.ranks.known(in_rank);
        match export_leaf(&mut self.b, node, &x, rank, &mut p)? {
            Some(y) => {
                p.finish()?;
                self.value_ranks.insert(y.clone(), out_rank);
                Ok(Flow::Tensor(y))
            }
            None => {
                self.unsupported.push(label(node));
                Ok(Flow::Tensor(self.b.fresh("unsupported")))
            }
        }
    }
}
