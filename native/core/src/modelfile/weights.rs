//! `loadWeights`: the weights of a file, checked against a model's tensors by name and shape
//! and put in the model's order.

use super::contents::ModelContents;
use super::layout::{layout, legacy_layout, GraphLayout};
use crate::error::{fmt_shape, Error, Result};
use crate::spec::Node;

/// The flat weights for `model` taken from `file` (a weights-only or a full model file): every
/// tensor of the model must be in the file under the same name with the same shape, and the
/// file may hold no other. A file written before per-tensor shapes (one 1-D tensor per layer)
/// is matched against the model's [`legacy_layout`] instead; errors name the current tensors.
pub fn match_weights(model: &Node, file: &ModelContents) -> Result<Vec<f32>> {
    let l = layout(model)?;
    match match_layout(&l, file) {
        Ok(w) => Ok(w),
        Err(e) => {
            let old = legacy_layout(model)?;
            if old.tensors != l.tensors {
                if let Ok(w) = match_layout(&old, file) {
                    return Ok(w);
                }
            }
            Err(e)
        }
    }
}

fn match_layout(l: &GraphLayout, file: &ModelContents) -> Result<Vec<f32>> {
    let mut out = vec![0f32; l.num_params];
    for t in &l.tensors {
        let src = file
            .tensors
            .iter()
            .find(|f| f.name == t.name)
            .ok_or_else(|| {
                let names: Vec<&str> = file.tensors.iter().map(|f| f.name.as_str()).collect();
                Error::invalid(
                    "loadWeights",
                    format!(
                        "the model's tensor '{}' is not in the file (it has: {})",
                        t.name,
                        names.join(", ")
                    ),
                )
            })?;
        if src.shape != t.shape {
            return Err(Error::invalid(
                "loadWeights",
                format!(
                    "tensor '{}' has shape {} in the file, the model needs {}",
                    t.name,
                    fmt_shape(&src.shape),
                    fmt_shape(&t.shape)
                ),
            ));
        }
        let n: usize = t.shape.iter().product();
        let from = file
            .weights
            .get(src.offset..src.offset.saturating_add(n))
            .ok_or_else(|| {
                Error::corrupt(0, format!("tensor '{}' lies outside the weights", t.name))
            })?;
        out.get_mut(t.offset..t.offset + n)
            .ok_or_else(|| Error::state("loadWeights", "the model's tensor table is inconsistent"))?
            .copy_from_slice(from);
    }
    if let Some(extra) = file
        .tensors
        .iter()
        .find(|f| !l.tensors.iter().any(|t| t.name == f.name))
    {
        return Err(Error::invalid(
            "loadWeights",
            format!("the file's tensor '{}' is not in the model", extra.name),
        ));
    }
    Ok(out)
}
