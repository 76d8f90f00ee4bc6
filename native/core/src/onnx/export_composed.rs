//! Export of the layers whose ONNX form composes several operators to reproduce ferrodl's
//! arithmetic exactly: Maxout, Cosine, SpatialAveragePooling (also `divide = false`), Padding
//! (also in the middle of a dimension), and Cropping2D and UpSampling2D in both layouts.

use super::builder::{int, ints, string, Builder};
use super::export_layers::Params;
use super::export_more::{axis_of, i64s, need, scalar};
use crate::error::{Error, Result};
use crate::spec::{Attr, Node};

/// Torch's epsilon, which ferrodl's Cosine adds to both norms.
const COSINE_EPS: f64 = 1e-12;

fn usizes(v: &[usize]) -> Vec<i64> {
    v.iter().map(|x| *x as i64).collect()
}

/// Whether the string attribute `key` is present and differs from `first` (the default layout).
fn other_layout(node: &Node, key: &str, first: &str) -> bool {
    matches!(node.attrs.get(key), Some(Attr::Str(s)) if !s.eq_ignore_ascii_case(first))
}

/// The ONNX nodes for the layers above; `Ok(None)` when `node` is none of them, or a form of
/// it that has no exact ONNX equivalent.
pub fn export_composed(
    b: &mut Builder,
    node: &Node,
    x: &str,
    rank: Option<usize>,
    p: &mut Params,
) -> Result<Option<String>> {
    Ok(Some(match node.kind.as_str() {
        "Maxout" => maxout(b, node, x, p)?,
        "Cosine" => cosine(b, node, x, p)?,
        "SpatialAveragePooling" => match average_pooling(b, node, x)? {
            Some(y) => y,
            None => return Ok(None),
        },
        "Padding" => padding(b, node, x, rank)?,
        "Cropping2D" => {
            let crop = |key: &str| -> Result<(i64, i64)> {
                if !node.attrs.contains_key(key) {
                    return Ok((0, 0));
                }
                match node.naturals(key)?.as_slice() {
                    [s, e] => Ok((*s as i64, *e as i64)),
                    _ => Err(Error::invalid(
                        "Cropping2D",
                        format!("'{key}' needs two values"),
                    )),
                }
            };
            let ((t, bt), (l, rt)) = (crop("heightCrop")?, crop("widthCrop")?);
            let end = |c: i64| if c == 0 { i64::MAX } else { -c };
            // Height and width are axes 2, 3 of NCHW and 1, 2 of NHWC.
            let first = if other_layout(node, "dataFormat", "NCHW") {
                1
            } else {
                2
            };
            let starts = i64s(b, &[t, l]);
            let ends = i64s(b, &[end(bt), end(rt)]);
            let axes = i64s(b, &[first, first + 1]);
            b.op("Slice", &[x, &starts, &ends, &axes], vec![])
        }
        "UpSampling2D" => {
            let s = node.sizes("size")?;
            let (sh, sw) = match s.as_slice() {
                [h, w] => (*h as f32, *w as f32),
                _ => return Err(Error::invalid("UpSampling2D", "size needs two values")),
            };
            // Each pixel repeated: nearest neighbour at the top-left source pixel, on the height
            // and width axes of either layout.
            let scales = if other_layout(node, "format", "NCHW") {
                vec![1.0, sh, sw, 1.0]
            } else {
                vec![1.0, 1.0, sh, sw]
            };
            let scales = b.floats("scales", &[4], scales);
            let attrs = vec![
                string("mode", "nearest"),
                string("coordinate_transformation_mode", "asymmetric"),
                string("nearest_mode", "floor"),
            ];
            b.op("Resize", &[x, "", &scales], attrs)
        }
        _ => return Ok(None),
    }))
}

/// `y[o] = max_k (W x + b)[k·outputSize + o]`: Gemm to `maxoutNumber·outputSize` features,
/// Reshape to `[batch, maxoutNumber, outputSize]`, ReduceMax over the pieces.
fn maxout(b: &mut Builder, node: &Node, x: &str, p: &mut Params) -> Result<String> {
    let i = node.size("inputSize")?;
    let o = node.size("outputSize")?;
    let k = node.size("maxoutNumber")?;
    let wide = o
        .checked_mul(k)
        .ok_or_else(|| Error::invalid("Maxout", "outputSize · maxoutNumber overflows"))?;
    let w = b.floats("weight", &[wide, i], p.take(wide * i)?);
    let lin = if node.flag("withBias", true)? {
        let bias = b.floats("bias", &[wide], p.take(wide)?);
        b.op("Gemm", &[x, &w, &bias], vec![int("transB", 1)])
    } else {
        b.op("Gemm", &[x, &w], vec![int("transB", 1)])
    };
    let shape = i64s(b, &[0, k as i64, o as i64]);
    let pieces = b.op("Reshape", &[&lin, &shape], vec![]);
    Ok(b.op(
        "ReduceMax",
        &[&pieces],
        vec![ints("axes", &[1]), int("keepdims", 0)],
    ))
}

/// `y_j = w_j·x / ((‖w_j‖ + ε)(‖x‖ + ε))` as the product of the normalised input and the
/// normalised weight rows (the weight stays an initializer, normalised in the graph).
fn cosine(b: &mut Builder, node: &Node, x: &str, p: &mut Params) -> Result<String> {
    let (i, o) = (node.size("inputSize")?, node.size("outputSize")?);
    let w = b.floats("weight", &[o, i], p.take(o * i)?);
    let eps = scalar(b, COSINE_EPS);
    let normalised = |b: &mut Builder, v: &str| {
        let n = b.op(
            "ReduceL2",
            &[v],
            vec![ints("axes", &[1]), int("keepdims", 1)],
        );
        let n = b.op("Add", &[&n, &eps], vec![]);
        b.op("Div", &[v, &n], vec![])
    };
    let wn = normalised(b, &w);
    let xn = normalised(b, x);
    Ok(b.op("Gemm", &[&xn, &wn], vec![int("transB", 1)]))
}

/// AveragePool, or GlobalAveragePool; with `divide = false` the window sums, as the average
/// over the whole (padded) window times its size, or a ReduceSum for global pooling.
fn average_pooling(b: &mut Builder, node: &Node, x: &str) -> Result<Option<String>> {
    let divide = node.flag("divide", true)?;
    if node.flag("globalPooling", false)? {
        if divide {
            return Ok(Some(b.op("GlobalAveragePool", &[x], vec![])));
        }
        let axes = i64s(b, &[2, 3]);
        return Ok(Some(b.op(
            "ReduceSum",
            &[x, &axes],
            vec![int("keepdims", 1)],
        )));
    }
    let (kh, kw) = (node.size("kH")?, node.size("kW")?);
    let (sh, sw) = (node.size_or("dH", 1)?, node.size_or("dW", 1)?);
    // ferrodl's SpatialAveragePooling refuses SAME (negative) padding when it is built.
    let pad = |key: &str| -> Result<usize> {
        usize::try_from(node.int_or(key, 0)?)
            .map_err(|_| Error::invalid("SpatialAveragePooling", format!("{key} must be >= 0")))
    };
    let (pw, ph) = (pad("padW")?, pad("padH")?);
    let ceil = node.flag("ceilMode", false)?;
    let mut attrs = vec![
        ints("kernel_shape", &usizes(&[kh, kw])),
        ints("strides", &usizes(&[sh, sw])),
        ints("pads", &usizes(&[ph, pw, ph, pw])),
    ];
    if divide {
        attrs.push(int("ceil_mode", i64::from(ceil)));
        attrs.push(int("count_include_pad", node.int_or("countIncludePad", 1)?));
        return Ok(Some(b.op("AveragePool", &[x], attrs)));
    }
    // The sum is the average over a window that lies wholly in the padded input times kH·kW.
    // Ceil mode's last window may pass the padding's end (where ONNX, like ferrodl, divides
    // by the part inside it): zeros appended at the end (stride - 1 of them) keep every window
    // inside, and floor mode over that input gives ceil mode's count. That holds unless ceil
    // mode drops a last window that would start in the end padding, which needs
    // pad + stride > kernel: that form is refused.
    let mut input = x.to_string();
    if ceil {
        if ph + sh > kh || pw + sw > kw {
            return Ok(None);
        }
        let extra = i64s(
            b,
            &usizes(&[0, 0, 0, 0, 0, 0, sh.saturating_sub(1), sw.saturating_sub(1)]),
        );
        input = b.op("Pad", &[x, &extra], vec![]);
    }
    attrs.push(int("ceil_mode", 0));
    attrs.push(int("count_include_pad", 1));
    let avg = b.op("AveragePool", &[&input], attrs);
    let size = scalar(b, (kh * kw) as f64);
    Ok(Some(b.op("Mul", &[&avg, &size], vec![])))
}

/// `|pad|` elements of `value` along one axis: Pad at the start or the end (`nIndex = 1`), or
/// in the middle, the input sliced in two and the constant padded onto one part, then Concat.
fn padding(b: &mut Builder, node: &Node, x: &str, rank: Option<usize>) -> Result<String> {
    let r = need(node, rank)?;
    let n_input = node.int("nInputDim")?;
    let a = axis_of(node, node.int("dim")? + i64::from(r as i64 != n_input), r)?;
    let pad = node.int("pad")?;
    let n_index = node.int_or("nIndex", 1)?;
    let value = scalar(b, node.float_or("value", 0.0)?);
    // Pads `len` before (or after) `v` along axis a.
    let pad_along = |b: &mut Builder, v: &str, before: bool, len: i64| {
        let mut pads = vec![0i64; 2 * r];
        pads[a as usize + if before { 0 } else { r }] = len;
        let pads = i64s(b, &pads);
        b.op("Pad", &[v, &pads, &value], vec![])
    };
    if n_index == 1 {
        return Ok(pad_along(b, x, pad < 0, pad.abs()));
    }
    if n_index < 1 {
        return Err(Error::invalid(
            "Padding",
            format!("nIndex must be positive, got {n_index}"),
        ));
    }
    // pad < 0: before input element nIndex, so nIndex - 1 elements come first. pad > 0: after
    // element nIndex - 1 from the end, so nIndex - 1 elements come last. The part that keeps
    // those nIndex - 1 elements (never empty) takes the constant.
    let split = if pad < 0 { n_index - 1 } else { 1 - n_index };
    let slice = |b: &mut Builder, start: i64, end: i64| {
        let starts = i64s(b, &[start]);
        let ends = i64s(b, &[end]);
        let axes = i64s(b, &[a]);
        b.op("Slice", &[x, &starts, &ends, &axes], vec![])
    };
    let head = slice(b, 0, split);
    let tail = slice(b, split, i64::MAX);
    let (head, tail) = if pad < 0 {
        (pad_along(b, &head, false, -pad), tail)
    } else {
        let tail = pad_along(b, &tail, true, pad);
        (head, tail)
    };
    Ok(b.op("Concat", &[&head, &tail], vec![int("axis", a)]))
}
