//! Export of the graph-shaped layers: `Graph` (any DAG of layers) and `TimeDistributed` (its
//! layer between two Reshapes computed from the input's shape at run time).

use super::builder::int;
use super::export::{Exporter, Flow};
use crate::error::{Error, Result};
use crate::spec::Node;

impl Exporter<'_> {
    pub(super) fn graph(&mut self, node: &Node, x: Flow) -> Result<Flow> {
        let n = node.children.len();
        let flat = node.naturals("preds")?;
        let inputs = node.naturals("inputs")?;
        let outputs = node.naturals("outputs")?;
        let mut preds = Vec::with_capacity(n);
        let mut i = 0;
        while preds.len() < n {
            let k = *flat
                .get(i)
                .ok_or_else(|| Error::invalid("Graph", "edge list truncated"))?;
            let p = flat
                .get(i + 1..i + 1 + k)
                .ok_or_else(|| Error::invalid("Graph", "edge list truncated"))?;
            preds.push(p.to_vec());
            i += 1 + k;
        }
        let mut outs: Vec<Option<Flow>> = vec![None; n];
        let get = |outs: &Vec<Option<Flow>>, j: usize| {
            outs.get(j).cloned().flatten().ok_or_else(|| {
                Error::invalid(
                    "Graph",
                    format!("node {} used before it is computed", j + 1),
                )
            })
        };
        for (idx, child) in node.children.iter().enumerate() {
            let input = if let Some(k) = inputs.iter().position(|p| *p == idx) {
                match (&x, inputs.len()) {
                    (_, 1) => x.clone(),
                    (Flow::Table(v), _) => v.get(k).cloned().ok_or_else(|| {
                        Error::invalid("Graph", format!("input {} not given", k + 1))
                    })?,
                    _ => return Err(Error::invalid("Graph", "several inputs need a table")),
                }
            } else if preds[idx].len() == 1 {
                get(&outs, preds[idx][0])?
            } else {
                Flow::Table(
                    preds[idx]
                        .iter()
                        .map(|p| get(&outs, *p))
                        .collect::<Result<_>>()?,
                )
            };
            outs[idx] = Some(self.emit(child, input)?);
        }
        let mut res: Vec<Flow> = outputs
            .iter()
            .map(|o| get(&outs, *o))
            .collect::<Result<_>>()?;
        Ok(if res.len() == 1 {
            res.remove(0)
        } else {
            Flow::Table(res)
        })
    }

    /// `TimeDistributed(layer)`: `[batch, time, rest..]` reshaped to `[batch·time, rest..]`, the
    /// layer, and its `[batch·time, out..]` reshaped to `[batch, time, out..]`.
    pub(super) fn time_distributed(&mut self, node: &Node, x: Flow) -> Result<Flow> {
        let (Flow::Tensor(x), [child]) = (x, node.children.as_slice()) else {
            return Err(Error::invalid(
                "TimeDistributed",
                "takes a tensor and has one layer",
            ));
        };
        let r = self.rank(&x);
        let b = &mut self.b;
        let (zero, one, two) = (
            b.ints("c", &[1], vec![0]),
            b.ints("c", &[1], vec![1]),
            b.ints("c", &[1], vec![2]),
        );
        let (end, minus_one) = (
            b.ints("c", &[1], vec![i64::MAX]),
            b.ints("c", &[1], vec![-1]),
        );
        let shape = b.op("Shape", &[&x], vec![]);
        let lead = b.op("Slice", &[&shape, &zero, &two], vec![]);
        let rest = b.op("Slice", &[&shape, &two, &end], vec![]);
        let flat_shape = b.op("Concat", &[&minus_one, &rest], vec![int("axis", 0)]);
        let flat = b.op("Reshape", &[&x, &flat_shape], vec![]);
        self.value_ranks.insert(flat.clone(), r.shift(-1));
        let Flow::Tensor(y) = self.emit(child, Flow::Tensor(flat))? else {
            return Err(Error::invalid(
                "TimeDistributed",
                "its layer must give a tensor",
            ));
        };
        let yr = self.rank(&y).shift(1);
        let b = &mut self.b;
        let y_shape = b.op("Shape", &[&y], vec![]);
        let y_rest = b.op("Slice", &[&y_shape, &one, &end], vec![]);
        let out_shape = b.op("Concat", &[&lead, &y_rest], vec![int("axis", 0)]);
        let out = b.op("Reshape", &[&y, &out_shape], vec![]);
        self.value_ranks.insert(out.clone(), yr);
        Ok(Flow::Tensor(out))
    }
}
