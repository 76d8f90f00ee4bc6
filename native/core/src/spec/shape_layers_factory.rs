//! Builds the layers of `nn::shape_layers` from descriptions.

use super::node::{Attr, Node};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::shape_layers::{
    Cropping, GaussianNoise, InferReshape, L1Penalty, Masking, Maxout, Padding, RReLU, Replicate,
    Reverse, SReLU, Scale, SpatialDropout, SpatialZeroPadding,
};

/// The layer `node` names, if it is one of `nn::shape_layers`.
pub fn build<T: Element>(node: &Node) -> Result<Option<Box<dyn Module<T>>>> {
    let f = |key: &str, default: f64| node.float_or(key, default);
    let m: Box<dyn Module<T>> = match node.kind.as_str() {
        "InferReshape" => Box::new(InferReshape::new(
            ints(node, "size")?,
            node.flag("batchMode", false)?,
        )?),
        "Replicate" => Box::new(Replicate::new(
            node.size("nFeatures")?,
            node.int_or("dim", 1)?,
            usize::try_from(node.int_or("nDim", i32::MAX as i64)?).unwrap_or(0),
        )?),
        "Reverse" => Box::new(Reverse::new(node.int_or("dimension", 1)?)),
        "Padding" => Box::new(Padding::new(
            node.int("dim")?,
            node.int("pad")?,
            node.int("nInputDim")?,
            f("value", 0.0)?,
            node.int_or("nIndex", 1)?,
        )?),
        "SpatialZeroPadding" => Box::new(SpatialZeroPadding::new(
            node.int("padLeft")?,
            node.int("padRight")?,
            node.int("padTop")?,
            node.int("padBottom")?,
        )),
        "Cropping2D" => Box::new(Cropping::new(
            vec![crop(node, "heightCrop")?, crop(node, "widthCrop")?],
            format(node, "dataFormat", "NCHW", "NHWC")?,
        )?),
        "Cropping3D" => Box::new(Cropping::new(
            vec![
                crop(node, "dim1Crop")?,
                crop(node, "dim2Crop")?,
                crop(node, "dim3Crop")?,
            ],
            format(node, "dataFormat", "channel_first", "channel_last")?,
        )?),
        "Masking" => Box::new(Masking::new(f("maskValue", 0.0)?)),
        "Maxout" => Box::new(Maxout::new(
            node.size("inputSize")?,
            node.size("outputSize")?,
            node.size("maxoutNumber")?,
            node.flag("withBias", true)?,
        )?),
        "RReLU" => Box::new(RReLU::new(f("lower", 1.0 / 8.0)?, f("upper", 1.0 / 3.0)?)?),
        "SReLU" => {
            let init = |k: &str| super::init_factory::init_method(node, k);
            Box::new(
                SReLU::new(node.sizes("shape")?, &node.naturals("sharedAxes")?)?.with_inits([
                    init("tLeftInit")?,
                    init("aLeftInit")?,
                    init("tRightInit")?,
                    init("aRightInit")?,
                ]),
            )
        }
        "Scale" => Box::new(Scale::new(node.sizes("size")?)?),
        "L1Penalty" => Box::new(L1Penalty::new(
            node.int("l1weight")?,
            node.flag("sizeAverage", false)?,
            node.flag("provideOutput", true)?,
        )),
        "GaussianDropout" => Box::new(GaussianNoise::dropout(f("rate", 0.5)?)?),
        "GaussianNoise" => Box::new(GaussianNoise::additive(f("stddev", 1.0)?)?),
        "SpatialDropout1D" => Box::new(SpatialDropout::new(1, f("initP", 0.5)?, false)?),
        "SpatialDropout2D" | "SpatialDropout3D" => Box::new(SpatialDropout::new(
            if node.kind == "SpatialDropout2D" {
                2
            } else {
                3
            },
            f("initP", 0.5)?,
            format(node, "format", "NCHW", "NHWC")?,
        )?),
        _ => return Ok(None),
    };
    Ok(Some(m))
}

/// A required list of integers (any sign).
fn ints(node: &Node, key: &str) -> Result<Vec<i64>> {
    match node.attrs.get(key) {
        Some(Attr::Ints(v)) => Ok(v.clone()),
        _ => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be a list of integers"),
        )),
    }
}

/// A crop `(begin, end)` of two non-negative integers; absent: no crop.
fn crop(node: &Node, key: &str) -> Result<(usize, usize)> {
    if !node.attrs.contains_key(key) {
        return Ok((0, 0));
    }
    match node.naturals(key)?.as_slice() {
        [b, e] => Ok((*b, *e)),
        _ => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be two non-negative integers"),
        )),
    }
}

/// Whether a data-format string attribute says channels first (`first`) or last (`last`).
fn format(node: &Node, key: &str, first: &str, last: &str) -> Result<bool> {
    match node.attrs.get(key) {
        None => Ok(true),
        Some(Attr::Str(s)) if s.eq_ignore_ascii_case(first) => Ok(true),
        Some(Attr::Str(s)) if s.eq_ignore_ascii_case(last) => Ok(false),
        _ => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be \"{first}\" or \"{last}\""),
        )),
    }
}
