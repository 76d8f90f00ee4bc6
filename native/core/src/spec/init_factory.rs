//! Initialisation methods (`weightInit`, `biasInit` and their `...Args`) and regularisers
//! (`wRegularizer`, `bRegularizer`: `[l1, l2]`) from descriptions.

use super::node::{Attr, Node};
use crate::error::{Error, Result};
use crate::nn::{Fans, InitMethod, Regularizer};

/// The fans of the layers that take an initialisation method.
pub(super) fn fans(node: &Node) -> Result<Fans> {
    let s = |k: &str| node.size(k);
    Ok(match node.kind.as_str() {
        "Linear" => {
            let (i, o) = (s("inputSize")?, s("outputSize")?);
            Fans {
                fan_in: i,
                fan_out: o,
                weight_len: i * o,
            }
        }
        "SpatialConvolution" => {
            let (i, o, k) = (
                s("nInputPlane")?,
                s("nOutputPlane")?,
                s("kernelW")? * s("kernelH")?,
            );
            let g = node.size_or("nGroup", 1)?;
            Fans {
                fan_in: i * k,
                fan_out: o * k,
                weight_len: o * (i / g) * k,
            }
        }
        "LookupTable" => {
            let (i, o) = (s("nIndex")?, s("nOutput")?);
            Fans {
                fan_in: i,
                fan_out: o,
                weight_len: i * o,
            }
        }
        other => {
            return Err(Error::invalid(
                other,
                "setInitMethod is supported on Linear, SpatialConvolution and LookupTable",
            ))
        }
    })
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
