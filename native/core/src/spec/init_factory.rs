//! Initialisation methods (`weightInit`, `biasInit` and their `...Args`) and regularisers
//! (`wRegularizer`, `bRegularizer`: `[l1, l2]`) from descriptions.

use super::node::{Attr, Node};
use crate::error::{Error, Result};
use crate::nn::{Fans, InitMethod, Regularizer};

/// The fans of the layers that take an initialisation method and regularisers: the weight is
/// the first `weight_len` parameters, the bias the rest.
pub(super) fn fans(node: &Node) -> Result<Fans> {
    let s = |k: &str| node.size(k);
    let or = |k: &str, d: usize| node.size_or(k, d);
    let fans = |fan_in: usize, fan_out: usize, weight_len: usize| Fans {
        fan_in,
        fan_out,
        weight_len,
    };
    let k3 = || -> Result<usize> { Ok(s("kT")? * s("kW")? * s("kH")?) };
    Ok(match node.kind.as_str() {
        "Linear" => {
            let (i, o) = (s("inputSize")?, s("outputSize")?);
            fans(i, o, i * o)
        }
        "SpatialConvolution" | "SpatialShareConvolution" => {
            let (i, o) = (s("nInputPlane")?, s("nOutputPlane")?);
            let k = s("kernelW")? * s("kernelH")?;
            fans(i * k, o * k, o * (i / or("nGroup", 1)?.max(1)) * k)
        }
        "SpatialDilatedConvolution" => {
            let (i, o, k) = (s("nInputPlane")?, s("nOutputPlane")?, s("kW")? * s("kH")?);
            fans(i * k, o * k, o * i * k)
        }
        "SpatialFullConvolution" => {
            let (i, o, k) = (s("nInputPlane")?, s("nOutputPlane")?, s("kW")? * s("kH")?);
            fans(i * k, o * k, i * (o / or("nGroup", 1)?.max(1)) * k)
        }
        "VolumetricConvolution" => {
            let (i, o, k) = (s("nInputPlane")?, s("nOutputPlane")?, k3()?);
            fans(i * k, o * k, o * i * k)
        }
        "VolumetricFullConvolution" => {
            let (i, o, k) = (s("nInputPlane")?, s("nOutputPlane")?, k3()?);
            fans(i * k, o * k, i * (o / or("nGroup", 1)?.max(1)) * k)
        }
        "TemporalConvolution" => {
            let (i, o, k) = (s("inputFrameSize")?, s("outputFrameSize")?, s("kernelW")?);
            fans(i * k, o * k, o * k * i)
        }
        "LocallyConnected1D" => {
            let (i, o, k) = (s("inputFrameSize")?, s("outputFrameSize")?, s("kernelW")?);
            let frames = positions(node, s("nInputFrame")?, k, or("strideW", 1)?, 0)?;
            fans(i * k, o * k, frames * o * k * i)
        }
        "LocallyConnected2D" => {
            let (i, o) = (s("nInputPlane")?, s("nOutputPlane")?);
            let (kw, kh) = (s("kernelW")?, s("kernelH")?);
            let pad =
                |k: &str| -> Result<usize> { Ok(usize::try_from(node.int_or(k, 0)?).unwrap_or(0)) };
            let ow = positions(node, s("inputWidth")?, kw, or("strideW", 1)?, pad("padW")?)?;
            let oh = positions(node, s("inputHeight")?, kh, or("strideH", 1)?, pad("padH")?)?;
            fans(i * kw * kh, o * kw * kh, ow * oh * o * i * kw * kh)
        }
        "SpatialSeparableConvolution" => {
            let (i, o, m) = (
                s("nInputChannel")?,
                s("nOutputChannel")?,
                s("depthMultiplier")?,
            );
            let k = s("kW")? * s("kH")?;
            fans(i * k, o, i * m * k + o * i * m)
        }
        "Maxout" => {
            let (i, o) = (s("inputSize")?, s("outputSize")? * s("maxoutNumber")?);
            fans(i, o, i * o)
        }
        "LayerNormalization" => {
            let h = s("hiddenSize")?;
            fans(h, h, h)
        }
        "BatchNormalization" | "SpatialBatchNormalization" => {
            let n = s("nOutput")?;
            fans(n, n, n)
        }
        "CMul" => {
            let n = node.sizes("size")?.iter().product();
            fans(n, n, n)
        }
        // BigDL's CAdd and Add hold only a bias.
        "CAdd" => {
            let n = node.sizes("size")?.iter().product();
            fans(n, n, 0)
        }
        "Add" => {
            let n = s("inputSize")?;
            fans(n, n, 0)
        }
        "Mul" => fans(1, 1, 1),
        "PReLU" => {
            let n = usize::try_from(node.int_or("nOutputPlane", 0)?)
                .unwrap_or(0)
                .max(1);
            fans(n, n, n)
        }
        "Scale" => {
            let n = node.sizes("size")?.iter().product();
            fans(n, n, n)
        }
        "Cosine" => {
            let (i, o) = (s("inputSize")?, s("outputSize")?);
            fans(i, o, i * o)
        }
        "Euclidean" => {
            let (i, o) = (s("inputSize")?, s("outputSize")?);
            fans(i, o, i * o)
        }
        "LookupTable" => {
            let (i, o) = (s("nIndex")?, s("nOutput")?);
            fans(i, o, i * o)
        }
        other => {
            return Err(Error::invalid(
                other,
                "takes no initialisation methods or regularisers (layers with a weight or \
                 bias do: Linear, the convolutions, LocallyConnected1D/2D, Maxout, Scale, \
                 CMul, CAdd, Mul, Add, PReLU, Cosine, Euclidean, Bilinear, \
                 LayerNormalization, BatchNormalization, LookupTable)",
            ))
        }
    })
}

/// Output positions of a window of `k` every `stride` over `n` inputs padded by `pad` on both
/// sides (0 when it does not fit; the layer then reports the error).
fn positions(node: &Node, n: usize, k: usize, stride: usize, pad: usize) -> Result<usize> {
    let span = n
        .checked_add(pad.saturating_mul(2))
        .ok_or_else(|| Error::invalid(&node.kind, "sizes overflow"))?;
    Ok(span.checked_sub(k).map_or(0, |v| v / stride.max(1) + 1))
}

/// The kernel sizes (kH, kW) BilinearFiller shapes its weights by.
fn kernel_hw(node: &Node) -> Result<(usize, usize)> {
    let get = |a: &str, b: &str| match node.attrs.get(a) {
        Some(_) => node.size(a),
        None => node.size(b),
    };
    match (get("kH", "kernelH"), get("kW", "kernelW")) {
        (Ok(h), Ok(w)) => Ok((h, w)),
        _ => Err(Error::invalid(
            &node.kind,
            "BilinearFiller needs a layer with a 2-D kernel (kH and kW)",
        )),
    }
}

/// An initialisation method: attribute `key` names it, `key + "Args"` holds its numbers.
pub(super) fn init_method(node: &Node, key: &str) -> Result<Option<InitMethod>> {
    let Some(Attr::Str(name)) = node.attrs.get(key) else {
        return match node.attrs.get(key) {
            None => Ok(None),
            Some(_) => Err(Error::invalid(
                &node.kind,
                format!("attribute '{key}' must name an initialisation method"),
            )),
        };
    };
    let args = node.float_list(&format!("{key}Args"))?.unwrap_or_default();
    let arg = |i: usize| {
        args.get(i)
            .copied()
            .ok_or_else(|| Error::invalid(name, format!("needs {} arguments", i + 1)))
    };
    Ok(Some(match name.as_str() {
        "Zeros" => InitMethod::Zeros,
        "Ones" => InitMethod::Ones,
        "ConstInitMethod" => InitMethod::Const(arg(0)?),
        "RandomUniform" if args.is_empty() => InitMethod::RandomUniform(None),
        "RandomUniform" => InitMethod::RandomUniform(Some((arg(0)?, arg(1)?))),
        "RandomNormal" => InitMethod::RandomNormal(arg(0)?, arg(1)?),
        "Xavier" => InitMethod::Xavier,
        "BilinearFiller" => {
            let (kh, kw) = kernel_hw(node)?;
            InitMethod::BilinearFiller { kh, kw }
        }
        "MsraFiller" => InitMethod::Msra {
            variance_norm_average: args.first().is_none_or(|v| *v != 0.0),
        },
        other => {
            return Err(Error::UnknownLayer {
                kind: format!("initialisation method {other}"),
            })
        }
    }))
}

/// A regulariser: attribute `key` holds `[l1, l2]`.
pub(super) fn regularizer(node: &Node, key: &str) -> Result<Option<Regularizer>> {
    match node.float_list(key)? {
        None => Ok(None),
        Some(v) if v.len() == 2 => Ok(Some(Regularizer::new(v[0], v[1])?)),
        Some(v) => Err(Error::invalid(
            &node.kind,
            format!("'{key}' must be [l1, l2], got {v:?}"),
        )),
    }
}
