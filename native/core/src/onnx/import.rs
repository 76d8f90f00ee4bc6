//! Import: an ONNX model becomes a ferrodl description with flat weights and buffers in
//! ferrodl's layout. Each ONNX node becomes one ferrodl module (`import_ops.rs`,
//! `import_layers.rs`, `import_recurrent.rs`); constants and initializers become their weights.
//! A chain becomes a `Sequential`; anything that branches, merges or has several inputs or
//! outputs becomes a `Graph`. Unsupported operators are collected and reported together.

use super::import_ops::{convert, Converted, Ctx, Piece};
use super::proto::{decode_model, ModelProto};
use crate::error::{Error, Result};
use crate::spec::{build_block, Node};
use std::collections::HashMap;

/// An imported model: its description and flat weights and buffers.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub spec: Node,
    pub weights: Vec<f32>,
    pub buffers: Vec<f32>,
}

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Src {
    Input(usize),
    Piece(usize),
}

/// Imports ONNX bytes.
pub fn import_onnx(bytes: &[u8]) -> Result<Imported> {
    import_model(&decode_model(bytes)?)
}

fn fail(reason: impl Into<String>) -> Error {
    Error::invalid("ONNX import", reason)
}

/// Imports a decoded ONNX model.
pub fn import_model(m: &ModelProto) -> Result<Imported> {
    let g = &m.graph;
    let mut ctx = Ctx {
        opset: m.default_opset().unwrap_or(13),
        ..Ctx::default()
    };
    for t in &g.initializers {
        ctx.consts.insert(t.name.clone(), t.clone());
    }
    let inputs: Vec<_> = g
        .inputs
        .iter()
        .filter(|v| !ctx.consts.contains_key(&v.name))
        .collect();
    let mut src: HashMap<String, Src> = HashMap::new();
    for (k, v) in inputs.iter().enumerate() {
        src.insert(v.name.clone(), Src::Input(k));
        ctx.ranks
            .insert(v.name.clone(), v.shape.as_ref().map(|s| s.len()));
    }
    let mut consumers: HashMap<&str, usize> = HashMap::new();
    for n in &g.nodes {
        for i in n.inputs.iter().filter(|i| !i.is_empty()) {
            *consumers.entry(i.as_str()).or_default() += 1;
        }
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut piece_inputs: Vec<Vec<Src>> = Vec::new();
    let mut unsupported = Vec::new();
    let mut dead: HashMap<String, String> = HashMap::new();
    let mut skip = vec![false; g.nodes.len()];
    for (idx, n) in g.nodes.iter().enumerate() {
        if skip[idx] {
            continue;
        }
        let label = format!("{} '{}'", n.op_type, n.name);
        if let Some(i) = n.inputs.iter().find_map(|i| dead.get(i)) {
            return Err(fail(format!(
                "{label} uses {i}, which ferrodl does not compute"
            )));
        }
        let conv = match convert(&ctx, n) {
            Ok(Some(c)) => c,
            Ok(None) => {
                unsupported.push(label);
                n.outputs.iter().for_each(|o| {
                    src.insert(o.clone(), Src::Input(usize::MAX));
                });
                continue;
            }
            Err(e) => return Err(fail(format!("{label}: {e}"))),
        };
        let out = n.outputs.first().cloned().unwrap_or_default();
        for (k, o) in n.outputs.iter().enumerate().skip(1) {
            dead.insert(o.clone(), format!("output {} of {label}", k + 1));
        }
        match conv {
            Converted::Const(t) => {
                ctx.consts.insert(out, t);
            }
            Converted::Alias(i) => {
                if let Some(t) = ctx.consts.get(&i).cloned() {
                    ctx.consts.insert(out.clone(), t);
                }
                if let Some(s) = src.get(&i).copied() {
                    src.insert(out.clone(), s);
                }
                let r = ctx.rank(&i);
                ctx.ranks.insert(out, r);
            }
            Converted::Piece(mut p) => {
                // MatMul + Add of a constant vector: one Linear with bias.
                if let Some(j) = fusable_add(&ctx, m, idx, &p, &consumers) {
                    let add = &g.nodes[j];
                    let c = add.inputs.iter().find_map(|i| ctx.consts.get(i));
                    if let Some(c) = c {
                        p.weights.extend(c.to_f32());
                        p.spec.attrs.remove("withBias");
                        skip[j] = true;
                        if let Some(o) = add.outputs.first() {
                            src.insert(o.clone(), Src::Piece(pieces.len()));
                            ctx.ranks.insert(o.clone(), p.rank);
                        }
                    }
                }
                let mut ins = Vec::new();
                for i in &p.inputs {
                    match src.get(i) {
                        Some(s) => ins.push(*s),
                        None => {
                            return Err(fail(format!(
                                "{label}: input '{i}' is not computed before this node (nodes must be in topological order)"
                            )))
                        }
                    }
                }
                src.insert(out.clone(), Src::Piece(pieces.len()));
                ctx.ranks.insert(out, p.rank);
                piece_inputs.push(ins);
                pieces.push(p);
            }
        }
    }
    if !unsupported.is_empty() {
        return Err(fail(format!(
            "unsupported operators: {}",
            unsupported.join(", ")
        )));
    }
    let mut outputs = Vec::new();
    for o in &g.outputs {
        match src.get(&o.name) {
            Some(Src::Piece(j)) => outputs.push(*j),
            _ => {
                return Err(fail(format!(
                    "graph output '{}' is not computed by a supported layer",
                    o.name
                )))
            }
        }
    }
    if pieces.is_empty() || outputs.is_empty() {
        return Err(fail("the graph computes nothing"));
    }
    assemble(g.name.clone(), inputs.len(), pieces, piece_inputs, outputs)
}

/// The index of the Add node that can fold into the Linear `p` made from MatMul node `idx`.
fn fusable_add(
    ctx: &Ctx,
    m: &ModelProto,
    idx: usize,
    p: &Piece,
    consumers: &HashMap<&str, usize>,
) -> Option<usize> {
    let n = &m.graph.nodes[idx];
    if n.op_type != "MatMul" || p.spec.kind != "Linear" {
        return None;
    }
    let out = n.outputs.first()?;
    if consumers.get(out.as_str()) != Some(&1) || m.graph.outputs.iter().any(|o| &o.name == out) {
        return None;
    }
    let size = p.spec.int("outputSize").ok()? as usize;
    let j = m
        .graph
        .nodes
        .iter()
        .position(|a| a.inputs.iter().any(|i| i == out))?;
    let add = &m.graph.nodes[j];
    if add.op_type != "Add" || add.inputs.len() != 2 {
        return None;
    }
    let other = add.inputs.iter().find(|i| *i != out)?;
    let c = ctx.consts.get(other)?;
    (c.len() == size && c.dims.iter().rev().skip(1).all(|d| *d == 1)).then_some(j)
}

fn assemble(
    name: String,
    n_inputs: usize,
    pieces: Vec<Piece>,
    piece_inputs: Vec<Vec<Src>>,
    outputs: Vec<usize>,
) -> Result<Imported> {
    let mut uses = vec![0usize; pieces.len()];
    for s in piece_inputs.iter().flatten() {
        if let Src::Piece(j) = s {
            uses[*j] += 1;
        }
    }
    outputs.iter().for_each(|o| uses[*o] += 1);
    let chain = n_inputs == 1
        && outputs == [pieces.len() - 1]
        && uses.iter().all(|u| *u == 1)
        && piece_inputs.iter().enumerate().all(|(j, ins)| {
            ins.len() == 1
                && ins[0]
                    == if j == 0 {
                        Src::Input(0)
                    } else {
                        Src::Piece(j - 1)
                    }
        });
    let mut weights = Vec::new();
    let mut buffers = Vec::new();
    let mut children = Vec::new();
    let mut preds = Vec::new();
    if !chain {
        for _ in 0..n_inputs {
            children.push(Node::new("Input"));
            preds.push(0);
        }
    }
    for (p, ins) in pieces.into_iter().zip(&piece_inputs) {
        weights.extend(p.weights);
        buffers.extend(p.buffers);
        children.push(p.spec);
        preds.push(ins.len() as i64);
        for s in ins {
            preds.push(match s {
                Src::Input(k) => *k as i64,
                Src::Piece(j) => (n_inputs + j) as i64,
            });
        }
    }
    let mut spec = if chain {
        Node::new("Sequential")
    } else {
        let ins: Vec<i64> = (0..n_inputs as i64).collect();
        let outs: Vec<i64> = outputs.iter().map(|o| (n_inputs + o) as i64).collect();
        Node::new("Graph")
            .ints("preds", &preds)
            .ints("inputs", &ins)
            .ints("outputs", &outs)
    };
    spec.children = children;
    spec.name = name;
    let block = build_block::<f32>(&spec)?;
    if block.num_params() != weights.len() || block.num_buffers() != buffers.len() {
        return Err(fail(format!(
            "internal: {} weights and {} buffer values for a model of {} and {}",
            weights.len(),
            buffers.len(),
            block.num_params(),
            block.num_buffers()
        )));
    }
    Ok(Imported {
        spec,
        weights,
        buffers,
    })
}
