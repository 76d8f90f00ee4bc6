//! Export of `Recurrent` and `BiRecurrent` over LSTM, LSTMPeephole, GRU, RnnCell or a
//! MultiRNNCell of them to ONNX's LSTM, GRU and RNN operators (gate orders as in
//! `docs/recurrent.md` and `docs/onnx.md`). BiRecurrent's backward copy is the same cells with
//! `direction = reverse`, which reads the sequence from its end and writes each step's output in
//! place; the two are merged with Sum or Concat on the features.
//!
//! ferrodl's `[batch, time, features]` becomes ONNX's `[time, batch, features]` through a
//! Transpose; each cell's `Y` `[time, 1, batch, hidden]` is squeezed, and a last Transpose gives
//! `[batch, time, hidden]` back.

use super::builder::{int, ints, string, strings, Builder};
use super::export_layers::Params;
use crate::error::Result;
use crate::spec::{Attr, Node};

/// ferrodl's LSTM gate blocks are i, g, f, o; ONNX's are i, o, f, c (= g).
pub const LSTM_ONNX_FROM_FERRODL: [usize; 4] = [0, 3, 2, 1];
/// ferrodl's GRU gate blocks are r, z, n; ONNX's are z, r, h (= n).
pub const GRU_ONNX_FROM_FERRODL: [usize; 3] = [1, 0, 2];

/// Reorders the `order.len()` equal row blocks of `v`: block `k` of the result is block
/// `order[k]` of `v`.
pub fn reorder(v: &[f32], order: &[usize]) -> Vec<f32> {
    let n = v.len() / order.len();
    order
        .iter()
        .flat_map(|k| v[k * n..(k + 1) * n].iter().copied())
        .collect()
}

/// The name of the ONNX activation for an element-wise activation child, if it has one.
fn activation(cell: &Node, index: usize, default: &'static str) -> Option<&'static str> {
    match cell.children.get(index).map(|c| c.kind.as_str()) {
        None => Some(default),
        Some("Tanh") => Some("Tanh"),
        Some("Sigmoid") => Some("Sigmoid"),
        Some("ReLU") => Some("Relu"),
        Some(_) => None,
    }
}

/// The ONNX nodes of one cell over `x` (`[time, batch, input]`) in `direction` (forward or
/// reverse), giving `[time, batch, hidden]`; `None` when the cell has no ONNX equivalent.
fn cell(
    b: &mut Builder,
    c: &Node,
    x: &str,
    direction: &str,
    p: &mut Params,
) -> Result<Option<String>> {
    let i = c.size("inputSize")?;
    let (op, h, gates) = match c.kind.as_str() {
        "LSTM" | "LSTMPeephole" => ("LSTM", c.size("hiddenSize")?, 4),
        "GRU" => ("GRU", c.size("outputSize")?, 3),
        "RnnCell" => ("RNN", c.size("hiddenSize")?, 1),
        _ => return Ok(None),
    };
    let acts = match op {
        "RNN" => vec![activation(c, 0, "Tanh")],
        _ => vec![activation(c, 1, "Sigmoid"), activation(c, 0, "Tanh")],
    };
    let Some(acts) = acts.into_iter().collect::<Option<Vec<&str>>>() else {
        return Ok(None);
    };
    let mut acts = acts;
    if op == "LSTM" {
        acts.push(acts[1]);
    }
    let gh = gates * h;
    let (w, bias, r, extra) = match op {
        "LSTM" => {
            let w = reorder(&p.take(gh * i)?, &LSTM_ONNX_FROM_FERRODL);
            let bi = reorder(&p.take(gh)?, &LSTM_ONNX_FROM_FERRODL);
            let r = reorder(&p.take(gh * h)?, &LSTM_ONNX_FROM_FERRODL);
            let peep = if c.kind == "LSTMPeephole" {
                let (pi, pf, po) = (p.take(h)?, p.take(h)?, p.take(h)?);
                Some([pi, po, pf].concat())
            } else {
                None
            };
            (w, [bi, vec![0.0; gh]].concat(), r, peep)
        }
        "GRU" => {
            let w = reorder(&p.take(gh * i)?, &GRU_ONNX_FROM_FERRODL);
            let bi = reorder(&p.take(gh)?, &GRU_ONNX_FROM_FERRODL);
            let r = reorder(&p.take(gh * h)?, &GRU_ONNX_FROM_FERRODL);
            let bhn = p.take(h)?;
            (w, [bi, vec![0.0; 2 * h], bhn].concat(), r, None)
        }
        _ => {
            let w = p.take(h * i)?;
            let bi = if c.flag("isInputWithBias", true)? {
                p.take(h)?
            } else {
                vec![0.0; h]
            };
            let r = p.take(h * h)?;
            let bh = if c.flag("isHiddenWithBias", true)? {
                p.take(h)?
            } else {
                vec![0.0; h]
            };
            (w, [bi, bh].concat(), r, None)
        }
    };
    let w = b.floats("W", &[1, gh, i], w);
    let r = b.floats("R", &[1, gh, h], r);
    let bias = b.floats("B", &[1, 2 * gh], bias);
    let mut inputs = vec![x.to_string(), w, r, bias];
    if let Some(peep) = extra {
        inputs.extend([String::new(), String::new(), String::new()]);
        inputs.push(b.floats("P", &[1, 3 * h], peep));
    }
    let mut attrs = vec![
        int("hidden_size", h as i64),
        strings("activations", &acts),
        string("direction", direction),
    ];
    if op == "GRU" {
        attrs.push(int("linear_before_reset", 1));
    }
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let y = b.op(op, &refs, attrs);
    let axes = b.ints("axes", &[1], vec![1]);
    Ok(Some(b.op("Squeeze", &[&y, &axes], vec![])))
}

/// The cells of one direction over `x` (`[time, batch, input]`).
fn stack(
    b: &mut Builder,
    cells: &[&Node],
    x: &str,
    direction: &str,
    p: &mut Params,
) -> Result<Option<String>> {
    let mut y = x.to_string();
    for c in cells {
        match cell(b, c, &y, direction, p)? {
            Some(next) => y = next,
            None => return Ok(None),
        }
    }
    Ok(Some(y))
}

/// `Recurrent` or `BiRecurrent` (no `maskZero`) over one cell or a `MultiRNNCell`.
pub fn export_recurrent(
    b: &mut Builder,
    node: &Node,
    x: &str,
    p: &mut Params,
) -> Result<Option<String>> {
    if node.flag("maskZero", false)? {
        return Ok(None);
    }
    let cells: Vec<&Node> = match node.children.as_slice() {
        [c] if c.kind == "MultiRNNCell" => c.children.iter().collect(),
        [c] => vec![c],
        _ => return Ok(None),
    };
    let xt = b.op("Transpose", &[x], vec![ints("perm", &[1, 0, 2])]);
    let Some(mut y) = stack(b, &cells, &xt, "forward", p)? else {
        return Ok(None);
    };
    if node.kind == "BiRecurrent" {
        let Some(back) = stack(b, &cells, &xt, "reverse", p)? else {
            return Ok(None);
        };
        y = match node.attrs.get("merge") {
            Some(Attr::Str(m)) if m == "JoinTable" => {
                b.op("Concat", &[&y, &back], vec![int("axis", 2)])
            }
            _ => b.op("Sum", &[&y, &back], vec![]),
        };
    }
    Ok(Some(b.op(
        "Transpose",
        &[&y],
        vec![ints("perm", &[1, 0, 2])],
    )))
}
