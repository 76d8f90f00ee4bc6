//! A node of a model description: a type name, typed attributes and children.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    /// Integers (also booleans, as 0 and 1).
    Ints(Vec<i64>),
    /// Floating-point numbers.
    Floats(Vec<f64>),
    /// A string.
    Str(String),
}

/// One module or criterion in a description.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// The BigDL class name, e.g. `Linear`.
    pub kind: String,
    /// The user's name for it (may be empty).
    pub name: String,
    /// Constructor arguments by name.
    pub attrs: BTreeMap<String, Attr>,
    /// Children, for containers.
    pub children: Vec<Node>,
}

impl Node {
    /// A node of type `kind` with no attributes.
    pub fn new(kind: &str) -> Node {
        Node {
            kind: kind.to_string(),
            ..Node::default()
        }
    }

    /// Adds an integer-list attribute.
    pub fn ints(mut self, key: &str, v: &[i64]) -> Node {
        self.attrs.insert(key.into(), Attr::Ints(v.to_vec()));
        self
    }

    /// Adds a float-list attribute.
    pub fn floats(mut self, key: &str, v: &[f64]) -> Node {
        self.attrs.insert(key.into(), Attr::Floats(v.to_vec()));
        self
    }

    /// Adds a string attribute.
    pub fn string(mut self, key: &str, v: &str) -> Node {
        self.attrs.insert(key.into(), Attr::Str(v.to_string()));
        self
    }

    /// Adds a child.
    pub fn child(mut self, c: Node) -> Node {
        self.children.push(c);
        self
    }

    fn missing(&self, key: &str, what: &str) -> Error {
        Error::invalid(&self.kind, format!("attribute '{key}' must be {what}"))
    }

    /// A required single integer attribute.
    pub fn int(&self, key: &str) -> Result<i64> {
        match self.attrs.get(key) {
            Some(Attr::Ints(v)) if v.len() == 1 => Ok(v[0]),
            _ => Err(self.missing(key, "one integer")),
        }
    }

    /// An optional single integer attribute.
    pub fn int_or(&self, key: &str, default: i64) -> Result<i64> {
        if self.attrs.contains_key(key) {
            self.int(key)
        } else {
            Ok(default)
        }
    }

    /// A required positive size attribute.
    pub fn size(&self, key: &str) -> Result<usize> {
        let v = self.int(key)?;
        usize::try_from(v)
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| self.missing(key, "a positive integer"))
    }

    /// An optional positive size attribute.
    pub fn size_or(&self, key: &str, default: usize) -> Result<usize> {
        if self.attrs.contains_key(key) {
            self.size(key)
        } else {
            Ok(default)
        }
    }

    /// An optional boolean attribute (stored as an integer).
    pub fn flag(&self, key: &str, default: bool) -> Result<bool> {
        Ok(self.int_or(key, default as i64)? != 0)
    }

    /// A required list of positive sizes.
    pub fn sizes(&self, key: &str) -> Result<Vec<usize>> {
        match self.attrs.get(key) {
            Some(Attr::Ints(v)) => v
                .iter()
                .map(|x| usize::try_from(*x).ok().filter(|s| *s > 0))
                .collect::<Option<Vec<usize>>>()
                .ok_or_else(|| self.missing(key, "a list of positive integers")),
            _ => Err(self.missing(key, "a list of positive integers")),
        }
    }

    /// An optional list of non-negative integers (indices, counts); empty when absent.
    pub fn naturals(&self, key: &str) -> Result<Vec<usize>> {
        match self.attrs.get(key) {
            None => Ok(Vec::new()),
            Some(Attr::Ints(v)) => v
                .iter()
                .map(|x| usize::try_from(*x).ok())
                .collect::<Option<Vec<usize>>>()
                .ok_or_else(|| self.missing(key, "a list of non-negative integers")),
            Some(_) => Err(self.missing(key, "a list of non-negative integers")),
        }
    }

    /// An optional single number (an integer attribute is accepted too).
    pub fn float_or(&self, key: &str, default: f64) -> Result<f64> {
        match self.attrs.get(key) {
            None => Ok(default),
            Some(Attr::Floats(v)) if v.len() == 1 && v[0].is_finite() => Ok(v[0]),
            Some(Attr::Ints(v)) if v.len() == 1 => Ok(v[0] as f64),
            Some(_) => Err(self.missing(key, "one finite number")),
        }
    }

    /// An optional list of floats.
    pub fn float_list(&self, key: &str) -> Result<Option<Vec<f64>>> {
        match self.attrs.get(key) {
            None => Ok(None),
            Some(Attr::Floats(v)) => Ok(Some(v.clone())),
            Some(_) => Err(self.missing(key, "a list of numbers")),
        }
    }
}
