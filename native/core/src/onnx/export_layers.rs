//! Export of single layers to ONNX nodes (opset 13). Exported models take a batch dimension
//! first. `Ok(None)` means the layer has no ONNX equivalent (the caller lists them all).

use super::builder::{float, int, ints, string, Builder};
use super::export_more::export_more;
use super::export_recurrent::export_recurrent;
use crate::error::{Error, Result};
use crate::spec::{Attr, Node};

/// The weights and buffers of one layer, taken in order.
pub struct Params<'a> {
    kind: String,
    w: &'a [f32],
    b: &'a [f32],
}

impl<'a> Params<'a> {
    pub fn new(node: &Node, w: &'a [f32], b: &'a [f32]) -> Params<'a> {
        Params {
            kind: node.kind.clone(),
            w,
            b,
        }
    }

    /// The next `n` weights.
    pub fn take(&mut self, n: usize) -> Result<Vec<f32>> {
        if n > self.w.len() {
            return Err(Error::invalid(
                &self.kind,
                format!("needs {n} more weights, {} left", self.w.len()),
            ));
        }
        let (h, t) = self.w.split_at(n);
        self.w = t;
        Ok(h.to_vec())
    }

    /// The next `n` buffer values (running statistics).
    pub fn take_buffer(&mut self, n: usize) -> Result<Vec<f32>> {
        if n > self.b.len() {
            return Err(Error::invalid(&self.kind, "buffers too short"));
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h.to_vec())
    }

    /// Checks every weight and buffer value was used.
    pub fn finish(&self) -> Result<()> {
        if self.w.is_empty() && self.b.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid(
                &self.kind,
                format!(
                    "ONNX export left {} weights and {} buffer values unused",
                    self.w.len(),
                    self.b.len()
                ),
            ))
        }
    }
}

fn scalar(b: &mut Builder, v: f64) -> String {
    b.floats("const", &[], vec![v as f32])
}

fn i64s(b: &mut Builder, v: &[i64]) -> String {
    b.ints("const", &[v.len()], v.to_vec())
}

fn usizes(v: &[usize]) -> Vec<i64> {
    v.iter().map(|x| *x as i64).collect()
}

fn list(node: &Node, key: &str) -> Vec<i64> {
    match node.attrs.get(key) {
        Some(Attr::Ints(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// A 1-based (negative: from the end) dimension as an ONNX axis; `batch` shifts positive ones
/// past the batch dimension.
fn axis(dim: i64, batch: bool) -> i64 {
    if dim < 0 {
        dim
    } else {
        dim - 1 + i64::from(batch)
    }
}

/// The ONNX nodes for layer `node` applied to value `x` (of rank `rank`, when known); `None`
/// when ONNX has no equivalent.
pub fn export_leaf(
    b: &mut Builder,
    node: &Node,
    x: &str,
    rank: Option<usize>,
    p: &mut Params,
) -> Result<Option<String>> {
    let f = |key: &str, d: f64| node.float_or(key, d);
    let unary = |b: &mut Builder, op: &str| Ok(Some(b.op(op, &[x], vec![])));
    match node.kind.as_str() {
        "Linear" => {
            let (i, o) = (node.size("inputSize")?, node.size("outputSize")?);
            let w = b.floats("weight", &[o, i], p.take(o * i)?);
            if node.flag("withBias", true)? {
                let bias = b.floats("bias", &[o], p.take(o)?);
                Ok(Some(b.op("Gemm", &[x, &w, &bias], vec![int("transB", 1)])))
            } else {
                Ok(Some(b.op("Gemm", &[x, &w], vec![int("transB", 1)])))
            }
        }
        "SpatialConvolution" | "SpatialDilatedConvolution" => {
            let dilated = node.kind == "SpatialDilatedConvolution";
            let key = |plain: &'static str, dil: &'static str| if dilated { dil } else { plain };
            let cin = node.size("nInputPlane")?;
            let cout = node.size("nOutputPlane")?;
            let kw = node.size(key("kernelW", "kW"))?;
            let kh = node.size(key("kernelH", "kH"))?;
            let sw = node.size_or(key("strideW", "dW"), 1)?;
            let sh = node.size_or(key("strideH", "dH"), 1)?;
            let (pw, ph) = (node.int_or("padW", 0)?, node.int_or("padH", 0)?);
            let g = if dilated {
                1
            } else {
                node.size_or("nGroup", 1)?
            };
            let mut attrs = vec![
                ints("kernel_shape", &usizes(&[kh, kw])),
                ints("strides", &usizes(&[sh, sw])),
                int("group", g as i64),
            ];
            // BigDL's SAME (-1, -1): out = ceil(in / stride), the odd padding at the end.
            match (pw, ph) {
                (-1, -1) => attrs.push(string("auto_pad", "SAME_UPPER")),
                _ if pw < 0 || ph < 0 => return Ok(None),
                _ => attrs.push(ints("pads", &[ph, pw, ph, pw])),
            }
            if dilated {
                let dw = node.size_or("dilationW", 1)?;
                let dh = node.size_or("dilationH", 1)?;
                attrs.push(ints("dilations", &usizes(&[dh, dw])));
            }
            let w = b.floats(
                "weight",
                &[cout, cin / g, kh, kw],
                p.take(cout * cin / g * kh * kw)?,
            );
            if dilated || node.flag("withBias", true)? {
                let bias = b.floats("bias", &[cout], p.take(cout)?);
                Ok(Some(b.op("Conv", &[x, &w, &bias], attrs)))
            } else {
                Ok(Some(b.op("Conv", &[x, &w], attrs)))
            }
        }
        "SpatialFullConvolution" => {
            let cin = node.size("nInputPlane")?;
            let cout = node.size("nOutputPlane")?;
            let (kw, kh) = (node.size("kW")?, node.size("kH")?);
            let (sw, sh) = (node.size_or("dW", 1)?, node.size_or("dH", 1)?);
            let (pw, ph) = (node.int_or("padW", 0)?, node.int_or("padH", 0)?);
            let (aw, ah) = (node.int_or("adjW", 0)?, node.int_or("adjH", 0)?);
            let g = node.size_or("nGroup", 1)?;
            let attrs = vec![
                ints("kernel_shape", &usizes(&[kh, kw])),
                ints("strides", &usizes(&[sh, sw])),
                ints("pads", &[ph, pw, ph, pw]),
                ints("output_padding", &[ah, aw]),
                int("group", g as i64),
            ];
            let w = b.floats(
                "weight",
                &[cin, cout / g, kh, kw],
                p.take(cin * cout / g * kh * kw)?,
            );
            if node.flag("noBias", false)? {
                Ok(Some(b.op("ConvTranspose", &[x, &w], attrs)))
            } else {
                let bias = b.floats("bias", &[cout], p.take(cout)?);
                Ok(Some(b.op("ConvTranspose", &[x, &w, &bias], attrs)))
            }
        }
        "SpatialMaxPooling" => {
            let (pw, ph) = (node.int_or("padW", 0)?, node.int_or("padH", 0)?);
            let mut attrs = vec![
                ints(
                    "kernel_shape",
                    &usizes(&[node.size("kH")?, node.size("kW")?]),
                ),
                ints(
                    "strides",
                    &usizes(&[node.size_or("dH", 1)?, node.size_or("dW", 1)?]),
                ),
                int("ceil_mode", node.int_or("ceilMode", 0)?),
            ];
            match (pw, ph) {
                (-1, -1) => attrs.push(string("auto_pad", "SAME_UPPER")),
                _ if pw < 0 || ph < 0 => return Ok(None),
                _ => attrs.push(ints("pads", &[ph, pw, ph, pw])),
            }
            Ok(Some(b.op("MaxPool", &[x], attrs)))
        }
        "BatchNormalization" | "SpatialBatchNormalization" => {
            let n = node.size("nOutput")?;
            let (scale, bias) = if node.flag("affine", true)? {
                (p.take(n)?, p.take(n)?)
            } else {
                (vec![1.0; n], vec![0.0; n])
            };
            let scale = b.floats("scale", &[n], scale);
            let bias = b.floats("bias", &[n], bias);
            let mean = b.floats("running_mean", &[n], p.take_buffer(n)?);
            let var = b.floats("running_var", &[n], p.take_buffer(n)?);
            let eps = f("eps", 1e-5)?;
            Ok(Some(b.op(
                "BatchNormalization",
                &[x, &scale, &bias, &mean, &var],
                vec![float("epsilon", eps)],
            )))
        }
        "Identity" | "Echo" | "Contiguous" => unary(b, "Identity"),
        "Tanh" => unary(b, "Tanh"),
        "ReLU" => unary(b, "Relu"),
        "Sigmoid" => unary(b, "Sigmoid"),
        "Abs" => unary(b, "Abs"),
        "Sqrt" => unary(b, "Sqrt"),
        "Exp" => unary(b, "Exp"),
        "Log" => unary(b, "Log"),
        "SoftSign" => unary(b, "Softsign"),
        "Square" => Ok(Some(b.op("Mul", &[x, x], vec![]))),
        "SoftPlus" if f("beta", 1.0)? == 1.0 => unary(b, "Softplus"),
        "HardSigmoid" => Ok(Some(b.op(
            "HardSigmoid",
            &[x],
            vec![float("alpha", 0.2), float("beta", 0.5)],
        ))),
        "LeakyReLU" => Ok(Some(b.op(
            "LeakyRelu",
            &[x],
            vec![float("alpha", f("negval", 0.01)?)],
        ))),
        "ELU" => Ok(Some(b.op(
            "Elu",
            &[x],
            vec![float("alpha", f("alpha", 1.0)?)],
        ))),
        "ReLU6" | "HardTanh" | "Clamp" => {
            let (lo, hi) = match node.kind.as_str() {
                "ReLU6" => (0.0, 6.0),
                "HardTanh" => (f("minValue", -1.0)?, f("maxValue", 1.0)?),
                _ => (f("min", -1.0)?, f("max", 1.0)?),
            };
            let (lo, hi) = (scalar(b, lo), scalar(b, hi));
            Ok(Some(b.op("Clip", &[x, &lo, &hi], vec![])))
        }
        "MulConstant" => {
            let c = scalar(b, f("scalar", 1.0)?);
            Ok(Some(b.op("Mul", &[x, &c], vec![])))
        }
        "AddConstant" => {
            let c = scalar(b, f("constant_scalar", 0.0)?);
            Ok(Some(b.op("Add", &[x, &c], vec![])))
        }
        "Power" => {
            let (scale, shift) = (scalar(b, f("scale", 1.0)?), scalar(b, f("shift", 0.0)?));
            let pow = scalar(b, f("power", 1.0)?);
            let y = b.op("Mul", &[x, &scale], vec![]);
            let y = b.op("Add", &[&y, &shift], vec![]);
            Ok(Some(b.op("Pow", &[&y, &pow], vec![])))
        }
        "SoftMax" => Ok(Some(b.op("Softmax", &[x], vec![int("axis", 1)]))),
        "SoftMin" => {
            let neg = b.op("Neg", &[x], vec![]);
            Ok(Some(b.op("Softmax", &[&neg], vec![int("axis", 1)])))
        }
        "LogSoftMax" => Ok(Some(b.op("LogSoftmax", &[x], vec![int("axis", -1)]))),
        "Dropout" => {
            let ratio = scalar(b, f("initP", 0.5)?);
            Ok(Some(b.op("Dropout", &[x, &ratio], vec![])))
        }
        "Reshape" => {
            let size = usizes(&node.sizes("size")?);
            let shape = match node.int_or("batchMode", -1)? {
                0 => size,
                _ => [vec![0], size].concat(),
            };
            let s = i64s(b, &shape);
            Ok(Some(b.op("Reshape", &[x, &s], vec![])))
        }
        "View" | "InferReshape" => {
            let (sizes, batch) = if node.kind == "View" {
                (list(node, "sizes"), node.int_or("numInputDims", -1)? > 0)
            } else {
                (list(node, "size"), node.flag("batchMode", false)?)
            };
            let shape = if batch {
                [vec![0], sizes].concat()
            } else {
                sizes
            };
            let s = i64s(b, &shape);
            Ok(Some(b.op("Reshape", &[x, &s], vec![])))
        }
        "Squeeze" | "Unsqueeze" => {
            let squeeze = node.kind == "Squeeze";
            let key = if squeeze { "dim" } else { "pos" };
            if !node.attrs.contains_key(key) {
                return unary(b, "Squeeze");
            }
            let d = node.int(key)?;
            // With numInputDims = n, counting from the end covers inputs with and without a
            // batch dimension (Unsqueeze's position is in the n + 1 dimensions of its output).
            let n = node.int_or("numInputDims", -1)? + i64::from(!squeeze);
            let ax = if d > 0 && n > i64::from(!squeeze) {
                d - 1 - n
            } else {
                axis(d, false)
            };
            let a = i64s(b, &[ax]);
            Ok(Some(b.op(&node.kind, &[x, &a], vec![])))
        }
        "Select" => {
            let i = node.int("index")?;
            let idx = b.ints("index", &[], vec![if i < 0 { i } else { i - 1 }]);
            let a = axis(node.int("dim")?, false);
            Ok(Some(b.op("Gather", &[x, &idx], vec![int("axis", a)])))
        }
        "Narrow" => {
            let (off, len) = (node.int("offset")? - 1, node.int_or("length", 1)?);
            let end = if len >= 0 {
                off + len
            } else if len == -1 {
                i64::MAX
            } else {
                len + 1
            };
            let starts = i64s(b, &[off]);
            let ends = i64s(b, &[end]);
            let axes = i64s(b, &[axis(node.int("dimension")?, false)]);
            Ok(Some(b.op("Slice", &[x, &starts, &ends, &axes], vec![])))
        }
        "CMul" | "CAdd" => {
            let size = node.sizes("size")?;
            let n = size.iter().product();
            let w = b.floats("weight", &size, p.take(n)?);
            let op = if node.kind == "CMul" { "Mul" } else { "Add" };
            Ok(Some(b.op(op, &[x, &w], vec![])))
        }
        "Mul" => {
            let w = b.floats("weight", &[], p.take(1)?);
            Ok(Some(b.op("Mul", &[x, &w], vec![])))
        }
        "Add" => {
            let n = node.size("inputSize")?;
            let w = b.floats("bias", &[n], p.take(n)?);
            Ok(Some(b.op("Add", &[x, &w], vec![])))
        }
        "PReLU" if node.int_or("nOutputPlane", 0)? == 0 => {
            let w = b.floats("slope", &[1], p.take(1)?);
            Ok(Some(b.op("PRelu", &[x, &w], vec![])))
        }
        "LookupTable" => {
            let (n, d) = (node.size("nIndex")?, node.size("nOutput")?);
            let w = b.floats("weight", &[n, d], p.take(n * d)?);
            let idx = b.op("Cast", &[x], vec![int("to", 7)]);
            let one = b.ints("one", &[], vec![1]);
            let idx = b.op("Sub", &[&idx, &one], vec![]);
            Ok(Some(b.op("Gather", &[&w, &idx], vec![int("axis", 0)])))
        }
        "Recurrent" | "BiRecurrent" => export_recurrent(b, node, x, p),
        _ => export_more(b, node, x, rank, p),
    }
}
