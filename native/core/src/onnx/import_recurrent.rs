//! Import of ONNX LSTM, GRU and RNN (forward direction, one layer) as `Recurrent` over
//! ferrodl's LSTM, LSTMPeephole, GRU or RnnCell, with the gate blocks reordered (`docs/onnx.md`).
//!
//! With `layout = 0` ONNX's `X` is `[time, batch, input]` and `Y` `[time, 1, batch, hidden]`:
//! the module is `Transpose(1,2)`, `Recurrent`, `Transpose(1,2)`, `Unsqueeze(2)`. With
//! `layout = 1` (`[batch, time, ...]`, `Y` `[batch, time, 1, hidden]`) it is `Recurrent`,
//! `Unsqueeze(3)`. Only `Y` may be used; `Y_h` and `Y_c` must be unused.

use super::export_recurrent::reorder;
use super::import_ops::{attr_i, attr_s, bad, const_input, floats, input, Ctx, Piece};
use super::proto::NodeProto;
use crate::error::Result;
use crate::spec::Node;

/// ONNX's LSTM blocks i, o, f, c back to ferrodl's i, g, f, o (the same swap).
const LSTM_FERRODL_FROM_ONNX: [usize; 4] = [0, 3, 2, 1];
/// ONNX's GRU blocks z, r, h back to ferrodl's r, z, n.
const GRU_FERRODL_FROM_ONNX: [usize; 3] = [1, 0, 2];

fn activation(name: &str) -> Result<Node> {
    match name.to_ascii_lowercase().as_str() {
        "sigmoid" => Ok(Node::new("Sigmoid")),
        "tanh" => Ok(Node::new("Tanh")),
        "relu" => Ok(Node::new("ReLU")),
        other => Err(bad(format!("activation {other} is not supported"))),
    }
}

/// LSTM or GRU.
pub fn recurrent(ctx: &Ctx, n: &NodeProto) -> Result<Piece> {
    let x = input(n, 0)?;
    let lstm = n.op_type == "LSTM";
    let rnn = n.op_type == "RNN";
    let gates = match n.op_type.as_str() {
        "LSTM" => 4,
        "GRU" => 3,
        _ => 1,
    };
    if attr_s(n, "direction", "forward") != "forward" {
        return Err(bad("only direction = forward is supported"));
    }
    if n.attr("clip").is_some() || attr_i(n, "input_forget", 0) != 0 {
        return Err(bad("clip and input_forget are not supported"));
    }
    if n.op_type == "GRU" && attr_i(n, "linear_before_reset", 0) != 1 {
        return Err(bad(
            "GRU needs linear_before_reset = 1 (PyTorch's formulation, which ferrodl computes)",
        ));
    }
    let w = const_input(ctx, n, 1)?.ok_or_else(|| bad("missing W"))?;
    let r = const_input(ctx, n, 2)?.ok_or_else(|| bad("missing R"))?;
    if w.dims.len() != 3 || w.dims[0] != 1 || r.dims.len() != 3 {
        return Err(bad(format!(
            "W of dims {:?}: one direction expected",
            w.dims
        )));
    }
    let gh = w.dims[1] as usize;
    let i = w.dims[2] as usize;
    let h = gh / gates;
    let hidden = attr_i(n, "hidden_size", h as i64);
    if h == 0 || gh != gates * h || hidden != h as i64 || r.len() != gh * h {
        return Err(bad("W, R and hidden_size do not agree"));
    }
    let bias = match const_input(ctx, n, 3)? {
        Some(b) if b.len() == 2 * gh => floats(b),
        Some(b) => {
            return Err(bad(format!(
                "B has {} elements, expected {}",
                b.len(),
                2 * gh
            )))
        }
        None => vec![0.0; 2 * gh],
    };
    if n.inputs.get(4).is_some_and(|s| !s.is_empty()) {
        return Err(bad("sequence_lens is not supported"));
    }
    for k in [5, 6] {
        if let Some(t) = const_input(ctx, n, k)? {
            if floats(t).iter().any(|v| *v != 0.0) {
                return Err(bad("a non-zero initial state is not supported"));
            }
        }
    }
    let acts: Vec<String> = n
        .attr("activations")
        .map(|a| a.strings.clone())
        .unwrap_or_default();
    let (inner, act) = match acts.as_slice() {
        [] => ("Sigmoid".to_string(), "Tanh".to_string()),
        [f] if rnn => (String::new(), f.clone()),
        [f, g] if n.op_type == "GRU" => (f.clone(), g.clone()),
        [f, g, hh] if lstm && g.eq_ignore_ascii_case(hh) => (f.clone(), g.clone()),
        _ => return Err(bad(format!("activations {acts:?} are not supported"))),
    };
    let (wb, rb) = bias.split_at(gh);
    let mut weights;
    let cell = if rnn {
        weights = floats(w);
        weights.extend(wb);
        weights.extend(floats(r));
        weights.extend(rb);
        Node::new("RnnCell")
            .ints("inputSize", &[i as i64])
            .ints("hiddenSize", &[h as i64])
            .child(activation(&act)?)
    } else if lstm {
        let sum: Vec<f32> = wb.iter().zip(rb).map(|(a, b)| a + b).collect();
        weights = reorder(&floats(w), &LSTM_FERRODL_FROM_ONNX);
        weights.extend(reorder(&sum, &LSTM_FERRODL_FROM_ONNX));
        weights.extend(reorder(&floats(r), &LSTM_FERRODL_FROM_ONNX));
        match const_input(ctx, n, 7)? {
            Some(p) if p.len() == 3 * h => {
                let p = floats(p);
                weights.extend(&p[..h]);
                weights.extend(&p[2 * h..]);
                weights.extend(&p[h..2 * h]);
                Node::new("LSTMPeephole")
            }
            Some(_) => return Err(bad("P must have 3 * hidden_size elements")),
            None => Node::new("LSTM"),
        }
        .ints("inputSize", &[i as i64])
        .ints("hiddenSize", &[h as i64])
        .child(activation(&act)?)
        .child(activation(&inner)?)
    } else {
        weights = reorder(&floats(w), &GRU_FERRODL_FROM_ONNX);
        let wb = reorder(wb, &GRU_FERRODL_FROM_ONNX);
        let rb = reorder(rb, &GRU_FERRODL_FROM_ONNX);
        let bi: Vec<f32> = (0..gh)
            .map(|k| wb[k] + if k < 2 * h { rb[k] } else { 0.0 })
            .collect();
        weights.extend(bi);
        weights.extend(reorder(&floats(r), &GRU_FERRODL_FROM_ONNX));
        weights.extend(&rb[2 * h..]);
        Node::new("GRU")
            .ints("inputSize", &[i as i64])
            .ints("outputSize", &[h as i64])
            .child(activation(&act)?)
            .child(activation(&inner)?)
    };
    let rec = Node::new("Recurrent").child(cell);
    let swap = || Node::new("Transpose").ints("permutations", &[1, 2]);
    let spec = if attr_i(n, "layout", 0) == 0 {
        Node::new("Sequential")
            .child(swap())
            .child(rec)
            .child(swap())
            .child(Node::new("Unsqueeze").ints("pos", &[2]))
    } else {
        Node::new("Sequential")
            .child(rec)
            .child(Node::new("Unsqueeze").ints("pos", &[3]))
    };
    Ok(Piece {
        weights,
        ..Piece::plain(spec, x, Some(4))
    })
}
