//! Export: a model description (`spec::Node` tree) with its flat weights and buffers becomes an
//! ONNX model (opset 13). Containers, graphs and table operations are walked here; each layer
//! is translated in `export_layers.rs` (recurrent layers in `export_recurrent.rs`). Layers
//! without an ONNX equivalent are collected, and one error lists them all.

use super::builder::{int, Builder};
use super::export_layers::{export_leaf, Params};
use super::proto::{encode_model, GraphProto, ModelProto, ValueInfoProto};
use super::tensor::FLOAT;
use crate::error::{Error, Result};
use crate::spec::{build_block, Node};

/// The operator set version of exported models.
pub const EXPORT_OPSET: i64 = 13;

/// A value flowing between layers: one tensor, or a table of them.
#[derive(Debug, Clone)]
enum Flow {
    Tensor(String),
    Table(Vec<Flow>),
}

struct Exporter<'a> {
    b: Builder,
    weights: &'a [f32],
    buffers: &'a [f32],
    w_off: usize,
    b_off: usize,
    unsupported: Vec<String>,
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
    let mut e = Exporter {
        b: Builder::default(),
        weights,
        buffers,
        w_off: 0,
        b_off: 0,
        unsupported: Vec::new(),
    };
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
    let out = e.emit(spec, input)?;
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
            graph_outputs.push(e.b.op("Identity", &[&o], vec![]));
        } else {
            graph_outputs.push(o);
        }
    }
    let value = |name: &String| ValueInfoProto {
        name: name.clone(),
        elem_type: FLOAT,
        shape: None,
    };
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
            inputs: input_names.iter().map(value).collect(),
            outputs: graph_outputs.iter().map(value).collect(),
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

impl Exporter<'_> {
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

    fn emit(&mut self, node: &Node, x: Flow) -> Result<Flow> {
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
                Flow::Tensor(self.b.op("Concat", &refs, vec![int("axis", axis)]))
            }
            "Graph" => self.graph(node, x)?,
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
                Flow::Tensor(self.b.op("Concat", &refs, vec![int("axis", axis)]))
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

    fn graph(&mut self, node: &Node, x: Flow) -> Result<Flow> {
        let n = node.children.len();
        let flat = node.naturals("preds")?;
        let inputs = node.naturals("inputs")?;
        let outputs = node.naturals("outputs")?;
        let mut preds = Vec::with_capacity(n);
        let mut i = 0;
        while preds.len() < n {
            let k = *flat
                .get(i)
                .ok_or_else(|| Error::invalid("Graph", "edge list truncated"))?;
            let p = flat
                .get(i + 1..i + 1 + k)
                .ok_or_else(|| Error::invalid("Graph", "edge list truncated"))?;
            preds.push(p.to_vec());
            i += 1 + k;
        }
        let mut outs: Vec<Option<Flow>> = vec![None; n];
        let get = |outs: &Vec<Option<Flow>>, j: usize| {
            outs.get(j).cloned().flatten().ok_or_else(|| {
                Error::invalid(
                    "Graph",
                    format!("node {} used before it is computed", j + 1),
                )
            })
        };
        for (idx, child) in node.children.iter().enumerate() {
            let input = if let Some(k) = inputs.iter().position(|p| *p == idx) {
                match (&x, inputs.len()) {
                    (_, 1) => x.clone(),
                    (Flow::Table(v), _) => v.get(k).cloned().ok_or_else(|| {
                        Error::invalid("Graph", format!("input {} not given", k + 1))
                    })?,
                    _ => return Err(Error::invalid("Graph", "several inputs need a table")),
                }
            } else if preds[idx].len() == 1 {
                get(&outs, preds[idx][0])?
            } else {
                Flow::Table(
                    preds[idx]
                        .iter()
                        .map(|p| get(&outs, *p))
                        .collect::<Result<_>>()?,
                )
            };
            outs[idx] = Some(self.emit(child, input)?);
        }
        let mut res: Vec<Flow> = outputs
            .iter()
            .map(|o| get(&outs, *o))
            .collect::<Result<_>>()?;
        Ok(if res.len() == 1 {
            res.remove(0)
        } else {
            Flow::Table(res)
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
        let mut p = Params::new(node, w, bufs);
        match export_leaf(&mut self.b, node, &x, &mut p)? {
            Some(y) => {
                p.finish()?;
                Ok(Flow::Tensor(y))
            }
            None => {
                self.unsupported.push(label(node));
                Ok(Flow::Tensor(self.b.fresh("unsupported")))
            }
        }
    }
}
