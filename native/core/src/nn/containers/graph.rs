//! Graph: a static DAG of modules, BigDL's functional API (`Graph(inputs, outputs)`).

use super::children::{delegate_to_children, Children};
use crate::activity::Activity;
use crate::activity_module::ActivityModule;
use crate::element::Element;
use crate::error::{Error, Result};

/// BigDL's `Graph`. Nodes are listed in a topological order (the JVM computes it once); node
/// `i` is fed by the nodes `preds[i]`, all earlier in the list: one predecessor's output is
/// passed as is, several are passed as a table in order. The graph's input feeds the `inputs`
/// nodes (a table when there are several), and its output is the `outputs` nodes' (a table when
/// there are several). Gradients meeting at a node with several consumers are added.
///
/// # Shapes
/// - input: one activity per input node; output: one per output node
pub struct Graph<T: Element> {
    children: Children<T>,
    preds: Vec<Vec<usize>>,
    inputs: Vec<usize>,
    outputs: Vec<usize>,
    /// Nodes whose gradient is not propagated (`stopGradient`).
    stop_gradient: Vec<bool>,
    /// Nodes whose parameter gradients are discarded (`freeze`).
    frozen: Vec<bool>,
    node_inputs: Vec<Activity<T>>,
    node_outputs: Vec<Activity<T>>,
}

impl<T: Element> Graph<T> {
    pub fn new(
        nodes: Vec<Box<dyn ActivityModule<T>>>,
        preds: Vec<Vec<usize>>,
        inputs: Vec<usize>,
        outputs: Vec<usize>,
        stop_gradient: Vec<usize>,
        frozen: Vec<usize>,
    ) -> Result<Self> {
        let n = nodes.len();
        let bad = |reason: String| Err(Error::invalid("Graph", reason));
        if preds.len() != n {
            return bad(format!("{n} nodes but edges for {}", preds.len()));
        }
        for (i, p) in preds.iter().enumerate() {
            if let Some(j) = p.iter().find(|j| **j >= i) {
                return bad(format!("node {} is fed by node {} which does not come before it (a cycle, or not topologically sorted)", i + 1, j + 1));
            }
        }
        if inputs.is_empty() || outputs.is_empty() {
            return bad("needs at least one input and one output".into());
        }
        for i in &inputs {
            if *i >= n || !preds[*i].is_empty() {
                return bad(format!(
                    "input node {} must exist and have no predecessors",
                    i + 1
                ));
            }
        }
        for (i, p) in preds.iter().enumerate() {
            if p.is_empty() && !inputs.contains(&i) {
                return bad(format!(
                    "node {} ({}) has no input: a dangling node",
                    i + 1,
                    nodes[i].describe()
                ));
            }
        }
        if let Some(o) = outputs
            .iter()
            .chain(&stop_gradient)
            .chain(&frozen)
            .find(|o| **o >= n)
        {
            return bad(format!("node {} does not exist", o + 1));
        }
        let mut stop = vec![false; n];
        stop_gradient.iter().for_each(|i| stop[*i] = true);
        let mut freeze = vec![false; n];
        frozen.iter().for_each(|i| freeze[*i] = true);
        Ok(Graph {
            children: Children::new(nodes),
            preds,
            inputs,
            outputs,
            stop_gradient: stop,
            frozen: freeze,
            node_inputs: Vec::new(),
            node_outputs: Vec::new(),
        })
    }

    fn gather(&self, i: usize, graph_input: &Activity<T>) -> Result<Activity<T>> {
        if let Some(k) = self.inputs.iter().position(|x| *x == i) {
            return if self.inputs.len() == 1 {
                Ok(graph_input.clone())
            } else {
                let t = graph_input.table("Graph")?;
                t.get(k).cloned().ok_or_else(|| {
                    Error::invalid(
                        "Graph",
                        format!(
                            "{} inputs but the input table has {}",
                            self.inputs.len(),
                            t.len()
                        ),
                    )
                })
            };
        }
        let p = &self.preds[i];
        Ok(if p.len() == 1 {
            self.node_outputs[p[0]].clone()
        } else {
            Activity::Table(p.iter().map(|j| self.node_outputs[*j].clone()).collect())
        })
    }
}

fn accumulate<T: Element>(slot: &mut Option<Activity<T>>, g: &Activity<T>) -> Result<()> {
    match slot {
        None => *slot = Some(g.clone()),
        Some(s) => s.add_assign(g, "Graph")?,
    }
    Ok(())
}

impl<T: Element> ActivityModule<T> for Graph<T> {
    fn describe(&self) -> String {
        self.children.describe("Graph")
    }

    delegate_to_children!();

    fn forward(&mut self, params: &[T], input: &Activity<T>) -> Result<Activity<T>> {
        let ranges = self.children.ranges();
        self.node_inputs.clear();
        self.node_outputs.clear();
        for (i, (o, n)) in ranges.into_iter().enumerate() {
            let x = self.gather(i, input)?;
            let y = self.children.modules[i].forward(&params[o..o + n], &x)?;
            self.node_inputs.push(x);
            self.node_outputs.push(y);
        }
        let outs: Vec<Activity<T>> = self
            .outputs
            .iter()
            .map(|o| self.node_outputs[*o].clone())
            .collect();
        Ok(if outs.len() == 1 {
            outs.into_iter().next().unwrap_or(Activity::Table(vec![]))
        } else {
            Activity::Table(outs)
        })
    }

    fn backward(
        &mut self,
        params: &[T],
        grad_params: &mut [T],
        _input: &Activity<T>,
        _output: &Activity<T>,
        grad_output: &Activity<T>,
    ) -> Result<Activity<T>> {
        let n = self.children.len();
        if self.node_outputs.len() != n {
            return Err(Error::state("Graph", "backward called before forward"));
        }
        let mut grads: Vec<Option<Activity<T>>> = vec![None; n];
        if self.outputs.len() == 1 {
            accumulate(&mut grads[self.outputs[0]], grad_output)?;
        } else {
            let g = grad_output.table("Graph")?;
            if g.len() != self.outputs.len() {
                return Err(Error::invalid(
                    "Graph",
                    format!(
                        "{} outputs but a gradient table of {}",
                        self.outputs.len(),
                        g.len()
                    ),
                ));
            }
            for (o, gi) in self.outputs.iter().zip(g) {
                accumulate(&mut grads[*o], gi)?;
            }
        }
        let ranges = self.children.ranges();
        let mut input_grads: Vec<Option<Activity<T>>> = vec![None; self.inputs.len()];
        for i in (0..n).rev() {
            let Some(g) = grads[i].take() else { continue };
            let (o, len) = ranges[i];
            let mut scratch = Vec::new();
            let gp = if self.frozen[i] {
                scratch.resize(len, T::zero());
                &mut scratch[..]
            } else {
                &mut grad_params[o..o + len]
            };
            let gx = self.children.modules[i].backward(
                &params[o..o + len],
                gp,
                &self.node_inputs[i],
                &self.node_outputs[i],
                &g,
            )?;
            if self.stop_gradient[i] {
                continue;
            }
            if let Some(k) = self.inputs.iter().position(|x| *x == i) {
                accumulate(&mut input_grads[k], &gx)?;
                continue;
            }
            let p = self.preds[i].clone();
            if p.len() == 1 {
                accumulate(&mut grads[p[0]], &gx)?;
            } else {
                let parts = gx.table("Graph")?;
                for (j, part) in p.iter().zip(parts) {
                    accumulate(&mut grads[*j], part)?;
                }
            }
        }
        let ins: Vec<Activity<T>> = input_grads
            .into_iter()
            .zip(&self.inputs)
            .map(|(g, i)| g.unwrap_or_else(|| self.node_inputs[*i].zeros_like()))
            .collect();
        Ok(if ins.len() == 1 {
            ins.into_iter().next().unwrap_or(Activity::Table(vec![]))
        } else {
            Activity::Table(ins)
        })
    }
}
