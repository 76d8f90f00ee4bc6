//! Builds activity modules (containers over tables, table operations, graphs) from
//! descriptions; tensor-only subtrees go to `factory.rs` and run as one [`Leaf`].

use super::factory::build_module;
use super::node::Node;
use crate::activity_module::{ActivityModule, Leaf};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::nn::containers::{
    ActivitySequential, Concat, ConcatTable, Graph, MapTable, ModuleFactory, ParallelTable,
};
use crate::nn::table_ops::{
    Bottle, ElementwiseTable, FlattenTable, Index, Input, JoinTable, Measure, NarrowTable, Pack,
    PairMeasure, SelectTable, SplitTable, TableOp, MM, MV, SAME_AS_INPUT,
};

/// The module types that take or give tables (or hold children that may).
pub const ACTIVITY_KINDS: &[&str] = &[
    "ConcatTable",
    "ParallelTable",
    "Concat",
    "Graph",
    "Input",
    "CAddTable",
    "CSubTable",
    "CMulTable",
    "CDivTable",
    "CMaxTable",
    "CMinTable",
    "CAveTable",
    "JoinTable",
    "SelectTable",
    "Index",
    "NarrowTable",
    "SplitTable",
    "FlattenTable",
    "Pack",
    "MM",
    "MV",
    "DotProduct",
    "PairwiseDistance",
    "CosineDistance",
    "MapTable",
    "Bottle",
    "Bilinear",
];

/// Whether `node` or any descendant needs the activity (table) machinery.
pub fn needs_activity(node: &Node) -> bool {
    ACTIVITY_KINDS.contains(&node.kind.as_str()) || node.children.iter().any(needs_activity)
}

/// Builds the module tree a description names, as the root of a model.
pub fn build_block<T: Element>(node: &Node) -> Result<Box<dyn ActivityModule<T>>> {
    if !needs_activity(node) {
        return Ok(Box::new(Leaf(build_module::<T>(node)?)));
    }
    if let Some(inner) = super::factory::frozen_inner(node)? {
        return Ok(Box::new(crate::nn::FrozenBlock::new(build_block(&inner)?)));
    }
    let kids = || {
        node.children
            .iter()
            .map(build_block::<T>)
            .collect::<Result<Vec<_>>>()
    };
    let leaf = |m: Box<dyn ActivityModule<T>>| -> Result<Box<dyn ActivityModule<T>>> {
        if node.children.is_empty() {
            Ok(m)
        } else {
            Err(Error::invalid(
                &node.kind,
                "a table operation cannot have children",
            ))
        }
    };
    let table_op = |op| leaf(Box::new(ElementwiseTable::new(op)));
    let measure =
        |m| -> Result<Box<dyn ActivityModule<T>>> { leaf(Box::new(PairMeasure::new(m)?)) };
    match node.kind.as_str() {
        "Sequential" => Ok(Box::new(ActivitySequential::new(kids()?))),
        "ConcatTable" => Ok(Box::new(ConcatTable::new(kids()?)?)),
        "ParallelTable" => Ok(Box::new(ParallelTable::new(kids()?))),
        "Concat" => Ok(Box::new(Concat::new(node.size("dimension")?, kids()?)?)),
        "Graph" => Ok(Box::new(Graph::new(
            kids()?,
            preds(node)?,
            node.naturals("inputs")?,
            node.naturals("outputs")?,
            node.naturals("stopGradient")?,
            node.naturals("frozen")?,
        )?)),
        "Input" => leaf(Box::new(Input)),
        "CAddTable" => table_op(TableOp::Add),
        "CSubTable" => table_op(TableOp::Sub),
        "CMulTable" => table_op(TableOp::Mul),
        "CDivTable" => table_op(TableOp::Div),
        "CMaxTable" => table_op(TableOp::Max),
        "CMinTable" => table_op(TableOp::Min),
        "CAveTable" => table_op(TableOp::Ave),
        "JoinTable" => leaf(Box::new(JoinTable::new(
            node.int("dimension")?,
            node.size_or("nInputDims", 0)?,
        )?)),
        "SelectTable" => leaf(Box::new(SelectTable::new(node.int("index")?)?)),
        "Index" => leaf(Box::new(Index::new(node.size("dimension")?)?)),
        "NarrowTable" => leaf(Box::new(NarrowTable::new(
            node.int("offset")?,
            node.int_or("length", 1)?,
        )?)),
        "SplitTable" => leaf(Box::new(SplitTable::new(
            node.int("dimension")?,
            node.int_or("nInputDims", -1)?,
        )?)),
        "FlattenTable" => leaf(Box::new(FlattenTable)),
        "Pack" => leaf(Box::new(Pack::new(node.int("dimension")?)?)),
        "MM" => leaf(Box::new(MM::new(
            node.flag("transA", false)?,
            node.flag("transB", false)?,
        ))),
        "MV" => leaf(Box::new(MV::new(node.flag("trans", false)?))),
        "DotProduct" => measure(Measure::Dot),
        "PairwiseDistance" => {
            let norm = i32::try_from(node.int_or("norm", 2)?)
                .map_err(|_| Error::invalid("PairwiseDistance", "norm out of range"))?;
            measure(Measure::Distance(norm))
        }
        "CosineDistance" => measure(Measure::Cosine),
        "MapTable" => {
            let child = only_child(node)?.clone();
            let factory: ModuleFactory<T> = Box::new(move || build_block::<T>(&child));
            Ok(Box::new(MapTable::new(factory)?))
        }
        "Bottle" => Ok(Box::new(Bottle::new(
            build_block::<T>(only_child(node)?)?,
            node.int_or("nInputDim", 2)?,
            node.int_or("nOutputDim1", SAME_AS_INPUT)?,
        )?)),
        "Bilinear" => leaf(Box::new(super::similarity_factory::bilinear(node)?)),
        other => Err(Error::invalid(
            other,
            "this layer takes tensors and cannot hold table operations or containers of them",
        )),
    }
}

/// The one child of a single-module container (MapTable, Bottle).
fn only_child(node: &Node) -> Result<&Node> {
    match node.children.as_slice() {
        [c] => Ok(c),
        other => Err(Error::invalid(
            &node.kind,
            format!("holds exactly one module, got {}", other.len()),
        )),
    }
}

/// A graph's edges: attribute `preds` lists, for each node in order, its predecessor count and
/// then the (0-based) predecessors; `inputs`, `outputs` and `stopGradient` are 0-based too.
fn preds(node: &Node) -> Result<Vec<Vec<usize>>> {
    let flat = node.naturals("preds")?;
    let mut out = Vec::with_capacity(node.children.len());
    let mut i = 0;
    while out.len() < node.children.len() {
        let k = *flat
            .get(i)
            .ok_or_else(|| Error::invalid("Graph", "edge list truncated"))?;
        let p = flat
            .get(i + 1..i + 1 + k)
            .ok_or_else(|| Error::invalid("Graph", "edge list truncated"))?;
        out.push(p.to_vec());
        i += 1 + k;
    }
    if i != flat.len() {
        return Err(Error::invalid("Graph", "edge list longer than the nodes"));
    }
    Ok(out)
}
