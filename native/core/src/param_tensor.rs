//! The parameter tensors of a module: how its slice of the flat weight buffer splits into
//! BigDL's separate tensors (`weight`, `bias`, SReLU's `tLeft`, ...) with their real shapes.
//!
//! The engine still keeps every parameter in one flat buffer; this is only the description
//! that `parameters()`, the model file's tensor table and `loadWeights` use.

/// One parameter tensor of a module, in flat-buffer order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamTensor {
    /// The name under its layer: `weight`, `bias`, ...; a container prefixes its children's
    /// tensors with their index (`1/weight`). Empty for a layer whose parameters are one tensor
    /// without a name of its own (the default).
    pub name: String,
    /// Its shape; the product is how many scalars it covers.
    pub shape: Vec<usize>,
}

impl ParamTensor {
    /// A tensor named `name` of `shape`.
    pub fn new(name: &str, shape: &[usize]) -> ParamTensor {
        ParamTensor {
            name: name.to_string(),
            shape: shape.to_vec(),
        }
    }

    /// How many scalars it covers.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether it covers no scalar.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tensor under `prefix` (a child's index or path): `prefix/name`, or `prefix` alone
    /// for an unnamed tensor.
    pub fn under(self, prefix: &str) -> ParamTensor {
        let name = if self.name.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}/{}", self.name)
        };
        ParamTensor { name, ..self }
    }
}

/// The default layout: all `n` parameters as one unnamed 1-D tensor (none when `n` is 0).
pub fn whole(n: usize) -> Vec<ParamTensor> {
    if n == 0 {
        Vec::new()
    } else {
        vec![ParamTensor::new("", &[n])]
    }
}

/// BigDL's common layout: `weight` of `weight_shape`, then `bias` of `[bias]` when present.
pub fn weight_bias(weight_shape: &[usize], bias: Option<usize>) -> Vec<ParamTensor> {
    let mut out = vec![ParamTensor::new("weight", weight_shape)];
    out.extend(bias.map(|b| ParamTensor::new("bias", &[b])));
    out
}

/// Children's tensors, in order, each under its child's index (`0/weight`, `2/bias`).
pub fn of_children(children: impl IntoIterator<Item = Vec<ParamTensor>>) -> Vec<ParamTensor> {
    children
        .into_iter()
        .enumerate()
        .flat_map(|(i, ts)| ts.into_iter().map(move |t| t.under(&i.to_string())))
        .collect()
}

/// How many scalars `tensors` cover together.
pub fn total(tensors: &[ParamTensor]) -> usize {
    tensors.iter().map(ParamTensor::len).sum()
}
