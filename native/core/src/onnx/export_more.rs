//! Export of the layers whose ONNX form needs the input rank or several nodes: Transpose, the
//! reductions, multi-plane PReLU, Replicate, SpatialZeroPadding, SpatialCrossMapLRN, Normalize,
//! Reverse, Scale, the element-wise layers ONNX composes (LogSigmoid, TanhShrink, Threshold,
//! SoftShrink, HardShrink, SoftPlus with β ≠ 1) and the inference forms of RReLU,
//! GaussianDropout, GaussianNoise, SpatialDropout and L1Penalty. The others that compose several
//! operators are in `export_composed.rs`.

use super::builder::{float, int, ints, Builder};
use super::export_composed::export_composed;
use super::export_layers::Params;
use crate::error::{Error, Result};
use crate::spec::{Attr, Node};

pub(super) fn scalar(b: &mut Builder, v: f64) -> String {
    b.floats("const", &[], vec![v as f32])
}

pub(super) fn i64s(b: &mut Builder, v: &[i64]) -> String {
    b.ints("const", &[v.len()], v.to_vec())
}

/// The input rank, which this layer's ONNX form needs.
pub(super) fn need(node: &Node, rank: Option<usize>) -> Result<usize> {
    rank.ok_or_else(|| {
        Error::invalid(
            &node.kind,
            "ONNX export needs the rank of this layer's input, and no layer of the model fixes it \
             (put the layer after one that does, such as Linear, a convolution or Reshape)",
        )
    })
}

/// A 1-based (negative: from the end) dimension of a rank-`rank` tensor as a 0-based axis.
pub(super) fn axis_of(node: &Node, d: i64, rank: usize) -> Result<i64> {
    let a = if d < 0 { rank as i64 + d } else { d - 1 };
    if (0..rank as i64).contains(&a) {
        Ok(a)
    } else {
        Err(Error::invalid(
            &node.kind,
            format!("ONNX export: dimension {d} is not in an input of rank {rank}"),
        ))
    }
}

/// The ONNX nodes for the layers above; `Ok(None)` when `node` is none of them, or a form of
/// it that has no exact ONNX equivalent.
pub fn export_more(
    b: &mut Builder,
    node: &Node,
    x: &str,
    rank: Option<usize>,
    p: &mut Params,
) -> Result<Option<String>> {
    let f = |key: &str, d: f64| node.float_or(key, d);
    Ok(Some(match node.kind.as_str() {
        "Transpose" => {
            let r = need(node, rank)?;
            let mut perm: Vec<i64> = (0..r as i64).collect();
            let flat = match node.attrs.get("permutations") {
                Some(Attr::Ints(v)) => v.clone(),
                _ => Vec::new(),
            };
            for pair in flat.chunks(2) {
                if let [a, c] = pair {
                    let (a, c) = (axis_of(node, *a, r)?, axis_of(node, *c, r)?);
                    perm.swap(a as usize, c as usize);
                }
            }
            b.op("Transpose", &[x], vec![ints("perm", &perm)])
        }
        "Sum" | "Mean" | "Max" | "Min" => {
            let r = need(node, rank)?;
            let (dim_key, dims_key) = match node.kind.as_str() {
                "Sum" | "Mean" => ("dimension", "nInputDims"),
                _ => ("dim", "numInputDims"),
            };
            let d = node.int_or(dim_key, 1)?;
            let n = node.int_or(dims_key, -1)?;
            // As nn::Reduce: with nInputDims = n and more dimensions, the first is a batch.
            let off = if n > 0 { (r as i64 - n).max(0) } else { 0 };
            let a = if d < 0 {
                axis_of(node, d, r)?
            } else {
                axis_of(node, d + off, r)?
            };
            let keep = int("keepdims", i64::from(!node.flag("squeeze", true)?));
            let mean = node.kind == "Mean" || node.flag("sizeAverage", false)?;
            match node.kind.as_str() {
                "Sum" if !mean => {
                    let axes = i64s(b, &[a]);
                    b.op("ReduceSum", &[x, &axes], vec![keep])
                }
                "Max" => b.op("ReduceMax", &[x], vec![ints("axes", &[a]), keep]),
                "Min" => b.op("ReduceMin", &[x], vec![ints("axes", &[a]), keep]),
                _ => b.op("ReduceMean", &[x], vec![ints("axes", &[a]), keep]),
            }
        }
        "PReLU" => {
            // nOutputPlane = C: one slope per channel (dimension 2 of a batch), [C, 1, ...].
            let c = node.size("nOutputPlane")?;
            let r = need(node, rank)?;
            if r < 2 {
                return Ok(None);
            }
            let dims: Vec<usize> = [vec![c], vec![1; r - 2]].concat();
            let w = b.floats("slope", &dims, p.take(c)?);
            b.op("PRelu", &[x, &w], vec![])
        }
        "LogSigmoid" => {
            let neg = b.op("Neg", &[x], vec![]);
            let sp = b.op("Softplus", &[&neg], vec![]);
            b.op("Neg", &[&sp], vec![])
        }
        "TanhShrink" => {
            let t = b.op("Tanh", &[x], vec![]);
            b.op("Sub", &[x, &t], vec![])
        }
        "Threshold" => {
            let th = scalar(b, f("th", 1e-6)?);
            let v = scalar(b, f("v", 0.0)?);
            let above = b.op("Greater", &[x, &th], vec![]);
            b.op("Where", &[&above, x, &v], vec![])
        }
        "SoftShrink" | "HardShrink" => {
            let l = f("lambda", 0.5)?;
            let bias = if node.kind == "SoftShrink" { l } else { 0.0 };
            b.op("Shrink", &[x], vec![float("lambd", l), float("bias", bias)])
        }
        "SoftPlus" => {
            // log(1 + exp(βx)) / β; ferrodl's linear part (βx > 20) differs by < 3e-9.
            let beta = scalar(b, f("beta", 1.0)?);
            let bx = b.op("Mul", &[x, &beta], vec![]);
            let sp = b.op("Softplus", &[&bx], vec![]);
            b.op("Div", &[&sp, &beta], vec![])
        }
        "Replicate" => {
            let r = need(node, rank)?;
            let n_dim = node.int_or("nDim", i32::MAX as i64)?;
            let a = node.int_or("dim", 1)? - 1 + i64::from(r as i64 > n_dim);
            if !(0..=r as i64).contains(&a) {
                return Err(Error::invalid("Replicate", "dim out of range"));
            }
            let axes = i64s(b, &[a]);
            let u = b.op("Unsqueeze", &[x, &axes], vec![]);
            let mut reps = vec![1i64; r + 1];
            reps[a as usize] = node.int("nFeatures")?;
            let reps = i64s(b, &reps);
            b.op("Tile", &[&u, &reps], vec![])
        }
        "SpatialZeroPadding" => {
            let [l, rt, t, bt] =
                ["padLeft", "padRight", "padTop", "padBottom"].map(|k| node.int(k));
            let (l, rt, t, bt) = (l?, rt?, t?, bt?);
            if l.min(rt).min(t).min(bt) < 0 {
                return Ok(None);
            }
            let pads = i64s(b, &[0, 0, t, l, 0, 0, bt, rt]);
            b.op("Pad", &[x, &pads], vec![])
        }
        "SpatialCrossMapLRN" => {
            let size = node.size_or("size", 5)?;
            b.op(
                "LRN",
                &[x],
                vec![
                    int("size", size as i64),
                    float("alpha", f("alpha", 1.0)?),
                    float("beta", f("beta", 0.75)?),
                    float("bias", f("k", 1.0)?),
                ],
            )
        }
        "Normalize" => {
            // x / (Σ|x|^p + eps)^(1/p) over dimension 2 (the features or the channels).
            let pw = f("p", f64::NAN)?;
            let eps = scalar(b, f("eps", 1e-10)?);
            let pe = scalar(b, pw);
            let inv = scalar(b, 1.0 / pw);
            let a = b.op("Abs", &[x], vec![]);
            let a = b.op("Pow", &[&a, &pe], vec![]);
            let axes = i64s(b, &[1]);
            let s = b.op("ReduceSum", &[&a, &axes], vec![int("keepdims", 1)]);
            let s = b.op("Add", &[&s, &eps], vec![]);
            let norm = b.op("Pow", &[&s, &inv], vec![]);
            b.op("Div", &[x, &norm], vec![])
        }
        // At inference: RReLU's slope is (lower + upper) / 2, the Gaussian noises and L1Penalty
        // pass their input, SpatialDropout scales by 1 - p (as BigDL does).
        "RReLU" => {
            let a = (f("lower", 1.0 / 8.0)? + f("upper", 1.0 / 3.0)?) / 2.0;
            b.op("LeakyRelu", &[x], vec![float("alpha", a)])
        }
        "GaussianDropout" | "GaussianNoise" | "L1Penalty" => b.op("Identity", &[x], vec![]),
        "SpatialDropout1D" | "SpatialDropout2D" | "SpatialDropout3D" => {
            let keep = scalar(b, 1.0 - f("initP", 0.5)?);
            b.op("Mul", &[x, &keep], vec![])
        }
        "Reverse" => {
            let d = node.int_or("dimension", 1)?;
            let a = if d < 0 { d } else { d - 1 };
            let starts = i64s(b, &[-1]);
            let ends = i64s(b, &[i64::MIN]);
            let axes = i64s(b, &[a]);
            let steps = i64s(b, &[-1]);
            b.op("Slice", &[x, &starts, &ends, &axes, &steps], vec![])
        }
        "Scale" => {
            let size = node.sizes("size")?;
            let n = size.iter().product();
            let w = b.floats("weight", &size, p.take(n)?);
            let bias = b.floats("bias", &size, p.take(n)?);
            let y = b.op("Mul", &[x, &w], vec![]);
            b.op("Add", &[&y, &bias], vec![])
        }
        _ => return export_composed(b, node, x, rank, p),
    }))
}
