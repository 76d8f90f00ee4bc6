//! Helpers to build an ONNX graph: fresh value names, initializers, nodes and attributes.

use super::proto::{AttributeProto, NodeProto};
use super::tensor::TensorProto;

/// The nodes and initializers of a graph being built.
#[derive(Debug, Default)]
pub struct Builder {
    pub nodes: Vec<NodeProto>,
    pub initializers: Vec<TensorProto>,
    count: usize,
}

impl Builder {
    /// A value name not used before, from a hint.
    pub fn fresh(&mut self, hint: &str) -> String {
        self.count += 1;
        format!("{hint}_{}", self.count)
    }

    /// Adds a float initializer; returns its name.
    pub fn floats(&mut self, hint: &str, dims: &[usize], data: Vec<f32>) -> String {
        let name = self.fresh(hint);
        self.initializers
            .push(TensorProto::floats(&name, dims, data));
        name
    }

    /// Adds an int64 initializer; returns its name.
    pub fn ints(&mut self, hint: &str, dims: &[usize], data: Vec<i64>) -> String {
        let name = self.fresh(hint);
        self.initializers.push(TensorProto::ints(&name, dims, data));
        name
    }

    /// Adds a node with one output; returns the output's name. An empty input name marks an
    /// omitted optional input.
    pub fn op(&mut self, op: &str, inputs: &[&str], attributes: Vec<AttributeProto>) -> String {
        let out = self.fresh(op);
        self.nodes.push(NodeProto {
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            outputs: vec![out.clone()],
            name: format!("{out}_node"),
            op_type: op.to_string(),
            domain: String::new(),
            attributes,
        });
        out
    }
}

/// An integer attribute.
pub fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i: Some(v),
        ..Default::default()
    }
}

/// A float attribute.
pub fn float(name: &str, v: f64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f: Some(v as f32),
        ..Default::default()
    }
}

/// An integer-list attribute.
pub fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ints: v.to_vec(),
        ..Default::default()
    }
}

/// A string attribute.
pub fn string(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        s: Some(v.to_string()),
        ..Default::default()
    }
}

/// A string-list attribute.
pub fn strings(name: &str, v: &[&str]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        strings: v.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}
