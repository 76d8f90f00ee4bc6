//! SelectTable and NarrowTable: pick elements of a table; and Input, a graph's entry point.

use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};

/// BigDL's `SelectTable(index)`: element `index` (1-based; negative counts from the end).
///
/// # Shapes
/// - input: a table of n activities; output: the selected one
pub struct SelectTable {
    index: i64,
}

impl SelectTable {
    pub fn new(index: i64) -> Result<Self> {
        if index == 0 {
            return Err(Error::invalid(
                "SelectTable",
                "index is 1-based; 0 is invalid",
            ));
        }
        Ok(SelectTable { index })
    }

    fn position(&self, n: usize) -> Result<usize> {
        let i = if self.index > 0 {
            self.index - 1
        } else {
            n as i64 + self.index
        };
        if i < 0 || i >= n as i64 {
            return Err(Error::invalid(
                "SelectTable",
                format!("index {} is out of range for a table of {n}", self.index),
            ));
        }
        Ok(i as usize)
    }
}

impl<T: Element> ActivityModule<T> for SelectTable {
    fn describe(&self) -> String {
        format!("SelectTable({})", self.index)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let t = input.table("SelectTable")?;
        Ok(t[self.position(t.len())?].clone())
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let t = input.table("SelectTable")?;
        let i = self.position(t.len())?;
        let mut grads: Vec<Activity<T>> = t.iter().map(|a| a.zeros_like()).collect();
        grads[i] = grad_output.clone();
        Ok(Activity::Table(grads))
    }
}

/// BigDL's `NarrowTable(offset, length)`: elements `offset .. offset + length - 1` (1-based);
/// a negative `length` counts from the end (-1 = up to the last).
///
/// # Shapes
/// - input: a table of n activities; output: a table of `length` of them
pub struct NarrowTable {
    offset: i64,
    length: i64,
}

impl NarrowTable {
    pub fn new(offset: i64, length: i64) -> Result<Self> {
        if offset < 1 || length == 0 {
            return Err(Error::invalid(
                "NarrowTable",
                format!("offset must be >= 1 and length non-zero, got {offset}, {length}"),
            ));
        }
        Ok(NarrowTable { offset, length })
    }

    fn range(&self, n: usize) -> Result<(usize, usize)> {
        let start = self.offset - 1;
        let len = if self.length > 0 {
            self.length
        } else {
            n as i64 - start + self.length + 1
        };
        if len <= 0 || start + len > n as i64 {
            return Err(Error::invalid(
                "NarrowTable",
                format!(
                    "offset {} length {} is out of range for a table of {n}",
                    self.offset, self.length
                ),
            ));
        }
        Ok((start as usize, len as usize))
    }
}

impl<T: Element> ActivityModule<T> for NarrowTable {
    fn describe(&self) -> String {
        format!("NarrowTable({}, {})", self.offset, self.length)
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let t = input.table("NarrowTable")?;
        let (s, n) = self.range(t.len())?;
        Ok(Activity::Table(t[s..s + n].to_vec()))
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let t = input.table("NarrowTable")?;
        let (s, n) = self.range(t.len())?;
        let g = grad_output.table("NarrowTable")?;
        if g.len() != n {
            return Err(Error::invalid(
                "NarrowTable",
                format!("gradient table of {} for {n} outputs", g.len()),
            ));
        }
        let mut grads: Vec<Activity<T>> = t.iter().map(|a| a.zeros_like()).collect();
        grads[s..s + n].clone_from_slice(g);
        Ok(Activity::Table(grads))
    }
}

/// A graph's input placeholder (BigDL's `Input()`): passes its activity through.
pub struct Input;

impl<T: Element> ActivityModule<T> for Input {
    fn describe(&self) -> String {
        "Input".to_string()
    }

    fn forward(&mut self, _params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        Ok(input.clone())
    }

    fn backward(
        &mut self,
        _params: &[T],
        _grad_params: &mut [T],
        _input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        Ok(grad_output.clone())
    }
}
