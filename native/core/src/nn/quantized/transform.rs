//! `quantize(node, weights) -> (node, weights)`: the description and flat weights of a model
//! with every Linear and 2-D convolution replaced by its int8 version, plus the factory entries
//! that build the quantized layers from their descriptions.

use super::conv::{QConvConfig, QuantizedSpatialConvolution};
use super::linear::QuantizedLinear;
use super::scheme::quantize_weights;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::spec::{build_block, Node};

/// Containers whose parameters are their children's, concatenated in child order; quantization
/// looks inside these. Any other layer keeps its description and weights as they are.
const CONTAINERS: &[&str] = &[
    "Sequential",
    "Concat",
    "ConcatTable",
    "ParallelTable",
    "Graph",
];

/// The quantized description and weights of a model; `weights` is the model's flat buffer.
/// The result is an ordinary model description: it builds, predicts, saves and loads like any
/// other (its flat buffer holds the int8 codes as floats, the scales and the biases).
pub fn quantize(node: &Node, weights: &[f32]) -> Result<(Node, Vec<f32>)> {
    let mut out = Vec::with_capacity(weights.len());
    let (q, used) = walk(node, weights, &mut out)?;
    if used != weights.len() {
        return Err(Error::BufferSize {
            op: "quantize".into(),
            what: "weights".into(),
            expected: used,
            actual: weights.len(),
        });
    }
    let built = build_block::<f32>(&q)?.num_params();
    if built != out.len() {
        return Err(Error::state(
            "quantize",
            format!(
                "quantized model has {built} parameters but {} were written",
                out.len()
            ),
        ));
    }
    Ok((q, out))
}

/// Quantizes `node` reading its parameters from the front of `w`; returns the new node and how
/// many floats of `w` it owned.
fn walk(node: &Node, w: &[f32], out: &mut Vec<f32>) -> Result<(Node, usize)> {
    if let Some((q, rows, cols, with_bias)) = quantized_node(node)? {
        let wl = rows * cols;
        let len = wl + if with_bias { rows } else { 0 };
        let own = w.get(..len).ok_or_else(|| short(node, len, w.len()))?;
        let (codes, scales) = quantize_weights(&own[..wl], rows, cols);
        out.extend(codes);
        out.extend(scales);
        out.extend_from_slice(&own[wl..]);
        return Ok((q, len));
    }
    if CONTAINERS.contains(&node.kind.as_str()) {
        let mut q = node.clone();
        q.children.clear();
        let mut used = 0;
        for c in &node.children {
            let (qc, n) = walk(c, &w[used..], out)?;
            q.children.push(qc);
            used += n;
        }
        return Ok((q, used));
    }
    let len = build_block::<f32>(node)?.num_params();
    let own = w.get(..len).ok_or_else(|| short(node, len, w.len()))?;
    out.extend_from_slice(own);
    Ok((node.clone(), len))
}

fn short(node: &Node, need: usize, have: usize) -> Error {
    Error::invalid(
        "quantize",
        format!(
            "{} needs {need} weights but only {have} are left in the buffer",
            node.kind
        ),
    )
}

/// For a layer that has an int8 version: its quantized description, the weight matrix's
/// (rows, cols) and whether it has a bias.
fn quantized_node(node: &Node) -> Result<Option<(Node, usize, usize, bool)>> {
    let mut q = Node::new("");
    q.name = node.name.clone();
    let with_bias = node.flag("withBias", true)?;
    let (rows, cols) = match node.kind.as_str() {
        "Linear" => {
            let (i, o) = (node.size("inputSize")?, node.size("outputSize")?);
            q = Node {
                kind: "QuantizedLinear".into(),
                ..q
            }
            .ints("inputSize", &[i as i64])
            .ints("outputSize", &[o as i64]);
            (o, i)
        }
        "SpatialConvolution" | "SpatialDilatedConvolution" => {
            let c = conv_config(node)?;
            let (o, k) = (
                c.n_output_plane,
                c.n_input_plane / c.n_group * c.kernel.0 * c.kernel.1,
            );
            q = conv_node(
                Node {
                    kind: "QuantizedSpatialConvolution".into(),
                    ..q
                },
                &c,
            );
            (o, k)
        }
        _ => return Ok(None),
    };
    let with_bias = with_bias || node.kind == "SpatialDilatedConvolution";
    Ok(Some((
        q.ints("withBias", &[with_bias as i64]),
        rows,
        cols,
        with_bias,
    )))
}

fn conv_config(node: &Node) -> Result<QConvConfig> {
    let n = node;
    let pad = |k: &str| n.int_or(k, 0);
    if n.kind == "SpatialDilatedConvolution" {
        return Ok(QConvConfig {
            n_input_plane: n.size("nInputPlane")?,
            n_output_plane: n.size("nOutputPlane")?,
            kernel: (n.size("kW")?, n.size("kH")?),
            stride: (n.size_or("dW", 1)?, n.size_or("dH", 1)?),
            pad: (pad("padW")?, pad("padH")?),
            dilation: (n.size_or("dilationW", 1)?, n.size_or("dilationH", 1)?),
            n_group: 1,
            with_bias: true,
        });
    }
    Ok(QConvConfig {
        n_input_plane: n.size("nInputPlane")?,
        n_output_plane: n.size("nOutputPlane")?,
        kernel: (n.size("kernelW")?, n.size("kernelH")?),
        stride: (n.size_or("strideW", 1)?, n.size_or("strideH", 1)?),
        pad: (pad("padW")?, pad("padH")?),
        dilation: (1, 1),
        n_group: n.size_or("nGroup", 1)?,
        with_bias: n.flag("withBias", true)?,
    })
}

fn conv_node(q: Node, c: &QConvConfig) -> Node {
    let i = |v: usize| [v as i64];
    q.ints("nInputPlane", &i(c.n_input_plane))
        .ints("nOutputPlane", &i(c.n_output_plane))
        .ints("kernelW", &i(c.kernel.0))
        .ints("kernelH", &i(c.kernel.1))
        .ints("strideW", &i(c.stride.0))
        .ints("strideH", &i(c.stride.1))
        .ints("padW", &[c.pad.0])
        .ints("padH", &[c.pad.1])
        .ints("dilationW", &i(c.dilation.0))
        .ints("dilationH", &i(c.dilation.1))
        .ints("nGroup", &i(c.n_group))
}

/// Builds a quantized layer from its description; `None` for any other type name (the
/// factory's fallback chain tries the next registry).
pub fn build<T: Element>(node: &Node) -> Result<Option<Box<dyn Module<T>>>> {
    Ok(Some(match node.kind.as_str() {
        "QuantizedLinear" => Box::new(QuantizedLinear::new(
            node.size("inputSize")?,
            node.size("outputSize")?,
            node.flag("withBias", true)?,
        )?),
        "QuantizedSpatialConvolution" => {
            let mut c = conv_config(&Node {
                kind: "SpatialConvolution".into(),
                ..node.clone()
            })?;
            c.dilation = (node.size_or("dilationW", 1)?, node.size_or("dilationH", 1)?);
            Box::new(QuantizedSpatialConvolution::new(c)?)
        }
        _ => return Ok(None),
    }))
}
