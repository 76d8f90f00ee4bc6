//! Import of the ONNX operators that carry weights or window geometry: Gemm, MatMul, Add and
//! Mul (with a constant or between two values), Conv, ConvTranspose, the poolings and
//! BatchNormalization.

use super::import_ops::{
    attr_f, attr_i, attr_ints, attr_s, bad, const_input, floats, input, Ctx, Piece,
};
use super::proto::NodeProto;
use crate::error::Result;
use crate::spec::Node;

fn piece(spec: Node, x: &str, weights: Vec<f32>, rank: Option<usize>) -> Piece {
    Piece {
        weights,
        ..Piece::plain(spec, x, rank)
    }
}

/// Gemm (`transA = 0`, constant B and C) or MatMul by a constant matrix: a Linear.
pub fn linear(ctx: &Ctx, n: &NodeProto) -> Result<Piece> {
    let x = input(n, 0)?;
    let b = const_input(ctx, n, 1)?.ok_or_else(|| bad("missing B"))?;
    if b.dims.len() != 2 {
        return Err(bad(format!("B must be a matrix, got dims {:?}", b.dims)));
    }
    let gemm = n.op_type == "Gemm";
    if gemm && attr_i(n, "transA", 0) != 0 {
        return Err(bad("transA = 1 is not supported"));
    }
    let trans_b = gemm && attr_i(n, "transB", 0) != 0;
    let (r, c) = (b.dims[0] as usize, b.dims[1] as usize);
    let (k, out) = if trans_b { (c, r) } else { (r, c) };
    let alpha = if gemm {
        attr_f(n, "alpha", 1.0) as f32
    } else {
        1.0
    };
    let bv = floats(b);
    // ferrodl's weight is [out, in]: B itself when transposed, else Bᵀ.
    let mut w = vec![0f32; k * out];
    for o in 0..out {
        for i in 0..k {
            w[o * k + i] = alpha
                * if trans_b {
                    bv[o * k + i]
                } else {
                    bv[i * out + o]
                };
        }
    }
    let bias = if gemm { const_input(ctx, n, 2)? } else { None };
    let mut spec = Node::new("Linear")
        .ints("inputSize", &[k as i64])
        .ints("outputSize", &[out as i64]);
    match bias {
        Some(t) => {
            let beta = attr_f(n, "beta", 1.0) as f32;
            let v = floats(t);
            match v.len() {
                1 => w.extend(std::iter::repeat_n(beta * v[0], out)),
                l if l == out => w.extend(v.iter().map(|x| beta * x)),
                l => return Err(bad(format!("C has {l} elements, expected {out} or 1"))),
            }
        }
        None => spec = spec.ints("withBias", &[0]),
    }
    let rank = if gemm { Some(2) } else { ctx.rank(x) };
    Ok(piece(spec, x, w, rank))
}

/// Add or Mul: of two values (CAddTable, CMulTable), or of a value and a constant (CAdd/CMul
/// with the constant as a trainable weight; a scalar gives AddConstant/MulConstant).
pub fn add_mul(ctx: &Ctx, n: &NodeProto) -> Result<Piece> {
    let (a, b) = (input(n, 0)?, input(n, 1)?);
    let add = n.op_type == "Add";
    let (x, c) = match (ctx.konst(a), ctx.konst(b)) {
        (None, None) => {
            let rank = ctx.rank(a).max(ctx.rank(b));
            return Ok(Piece {
                inputs: vec![a.to_string(), b.to_string()],
                ..Piece::plain(
                    Node::new(if add { "CAddTable" } else { "CMulTable" }),
                    "",
                    rank,
                )
            });
        }
        (None, Some(c)) => (a, c),
        (Some(c), None) => (b, c),
        (Some(_), Some(_)) => return Err(bad("both inputs are constants")),
    };
    let v = floats(c);
    if v.len() == 1 && c.dims.len() <= ctx.rank(x).unwrap_or(usize::MAX) {
        let spec = if add {
            Node::new("AddConstant").floats("constant_scalar", &[f64::from(v[0])])
        } else {
            Node::new("MulConstant").floats("scalar", &[f64::from(v[0])])
        };
        return Ok(Piece::plain(spec, x, ctx.rank(x)));
    }
    let size: Vec<i64> = c.dims.clone();
    if size.is_empty() || size.iter().any(|d| *d <= 0) {
        return Err(bad(format!("constant of dims {size:?} cannot be a weight")));
    }
    let spec = Node::new(if add { "CAdd" } else { "CMul" }).ints("size", &size);
    Ok(piece(spec, x, v, ctx.rank(x)))
}

/// Symmetric 2-D pads `[top, left, bottom, right]` as (padH, padW).
fn pads(n: &NodeProto) -> Result<(i64, i64)> {
    match attr_s(n, "auto_pad", "NOTSET") {
        "NOTSET" | "VALID" => {}
        other => {
            return Err(bad(format!(
                "auto_pad = {other} is not supported; export with explicit pads"
            )))
        }
    }
    match attr_ints(n, "pads").as_slice() {
        [] => Ok((0, 0)),
        [t, l, b, r] if t == b && l == r => Ok((*t, *l)),
        p => Err(bad(format!(
            "pads {p:?}: only symmetric 2-D pads are supported"
        ))),
    }
}

fn pair(n: &NodeProto, key: &str) -> Result<(i64, i64)> {
    match attr_ints(n, key).as_slice() {
        [] => Ok((1, 1)),
        [h, w] => Ok((*h, *w)),
        v => Err(bad(format!("{key} {v:?}: only 2-D is supported"))),
    }
}

/// Conv (grouped, dilated) and ConvTranspose, 2-D.
pub fn conv(ctx: &Ctx, n: &NodeProto) -> Result<Piece> {
    let x = input(n, 0)?;
    let w = const_input(ctx, n, 1)?.ok_or_else(|| bad("missing W"))?;
    if w.dims.len() != 4 {
        return Err(bad(format!(
            "W of dims {:?}: only 2-D convolutions are supported",
            w.dims
        )));
    }
    let d: Vec<i64> = w.dims.clone();
    let (ph, pw) = pads(n)?;
    let (sh, sw) = pair(n, "strides")?;
    let (dh, dw) = pair(n, "dilations")?;
    let g = attr_i(n, "group", 1);
    let bias = const_input(ctx, n, 2)?;
    let mut weights = floats(w);
    if n.op_type == "ConvTranspose" {
        if (dh, dw) != (1, 1) || n.attr("output_shape").is_some() {
            return Err(bad("dilations and output_shape are not supported"));
        }
        let (ah, aw) = match attr_ints(n, "output_padding").as_slice() {
            [] => (0, 0),
            [h, w] => (*h, *w),
            v => return Err(bad(format!("output_padding {v:?}"))),
        };
        let mut spec = Node::new("SpatialFullConvolution")
            .ints("nInputPlane", &[d[0]])
            .ints("nOutputPlane", &[d[1] * g])
            .ints("kW", &[d[3]])
            .ints("kH", &[d[2]])
            .ints("dW", &[sw])
            .ints("dH", &[sh])
            .ints("padW", &[pw])
            .ints("padH", &[ph])
            .ints("adjW", &[aw])
            .ints("adjH", &[ah])
            .ints("nGroup", &[g]);
        match bias {
            Some(b) => weights.extend(floats(b)),
            None => spec = spec.ints("noBias", &[1]),
        }
        return Ok(piece(spec, x, weights, Some(4)));
    }
    let spec = if (dh, dw) != (1, 1) {
        if g != 1 {
            return Err(bad("a dilated convolution with groups is not supported"));
        }
        weights.extend(bias.map_or_else(|| vec![0.0; d[0] as usize], floats));
        Node::new("SpatialDilatedConvolution")
            .ints("nInputPlane", &[d[1]])
            .ints("nOutputPlane", &[d[0]])
            .ints("kW", &[d[3]])
            .ints("kH", &[d[2]])
            .ints("dW", &[sw])
            .ints("dH", &[sh])
            .ints("padW", &[pw])
            .ints("padH", &[ph])
            .ints("dilationW", &[dw])
            .ints("dilationH", &[dh])
    } else {
        let spec = Node::new("SpatialConvolution")
            .ints("nInputPlane", &[d[1] * g])
            .ints("nOutputPlane", &[d[0]])
            .ints("kernelW", &[d[3]])
            .ints("kernelH", &[d[2]])
            .ints("strideW", &[sw])
            .ints("strideH", &[sh])
            .ints("padW", &[pw])
            .ints("padH", &[ph])
            .ints("nGroup", &[g]);
        match bias {
            Some(b) => {
                weights.extend(floats(b));
                spec
            }
            None => spec.ints("withBias", &[0]),
        }
    };
    Ok(piece(spec, x, weights, Some(4)))
}

/// MaxPool, AveragePool (2-D) and GlobalAveragePool.
pub fn pool(_ctx: &Ctx, n: &NodeProto) -> Result<Piece> {
    let x = input(n, 0)?;
    if n.op_type == "GlobalAveragePool" {
        let spec = Node::new("SpatialAveragePooling").ints("globalPooling", &[1]);
        return Ok(Piece::plain(spec, x, Some(4)));
    }
    if pair(n, "dilations")? != (1, 1) || attr_i(n, "storage_order", 0) != 0 {
        return Err(bad("dilations and storage_order are not supported"));
    }
    let (kh, kw) = match attr_ints(n, "kernel_shape").as_slice() {
        [h, w] => (*h, *w),
        v => {
            return Err(bad(format!(
                "kernel_shape {v:?}: only 2-D pooling is supported"
            )))
        }
    };
    let (sh, sw) = pair(n, "strides")?;
    let (ph, pw) = pads(n)?;
    let max = n.op_type == "MaxPool";
    let mut spec = Node::new(if max {
        "SpatialMaxPooling"
    } else {
        "SpatialAveragePooling"
    })
    .ints("kW", &[kw])
    .ints("kH", &[kh])
    .ints("dW", &[sw])
    .ints("dH", &[sh])
    .ints("padW", &[pw])
    .ints("padH", &[ph])
    .ints("ceilMode", &[attr_i(n, "ceil_mode", 0)]);
    if !max {
        spec = spec.ints("countIncludePad", &[attr_i(n, "count_include_pad", 0)]);
    }
    Ok(Piece::plain(spec, x, Some(4)))
}

/// BatchNormalization in inference form: scale and bias become the weights, the running mean
/// and variance the buffers; ONNX's momentum `m` is ferrodl's (PyTorch's) `1 - m`.
pub fn batch_norm(ctx: &Ctx, n: &NodeProto) -> Result<Piece> {
    let x = input(n, 0)?;
    if attr_i(n, "training_mode", 0) != 0 {
        return Err(bad("training_mode = 1 is not supported"));
    }
    let get = |k: usize, what: &str| {
        const_input(ctx, n, k)?
            .map(floats)
            .ok_or_else(|| bad(format!("missing {what}")))
    };
    let (scale, b, mean, var) = (
        get(1, "scale")?,
        get(2, "B")?,
        get(3, "mean")?,
        get(4, "var")?,
    );
    let c = scale.len();
    if [b.len(), mean.len(), var.len()].iter().any(|l| *l != c) {
        return Err(bad("scale, B, mean and var must have the same length"));
    }
    let kind = match ctx.rank(x) {
        Some(4) => "SpatialBatchNormalization",
        Some(2) => "BatchNormalization",
        r => {
            return Err(bad(format!(
                "input rank {r:?}: only [batch, C] and [batch, C, H, W] are supported"
            )))
        }
    };
    let spec = Node::new(kind)
        .ints("nOutput", &[c as i64])
        .floats("eps", &[attr_f(n, "epsilon", 1e-5)])
        .floats("momentum", &[1.0 - attr_f(n, "momentum", 0.9)]);
    Ok(Piece {
        weights: [scale, b].concat(),
        buffers: [mean, var].concat(),
        ..Piece::plain(spec, x, ctx.rank(x))
    })
}
