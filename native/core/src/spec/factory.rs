//! Builds modules from descriptions: the one registry of layer type names (criterions are in
//! `criterion_factory.rs`).

use super::init_factory::{fans, init_method, regularizer};
use super::node::Node;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::{
    AvgPoolConfig, BatchNormalization, ConvConfig, Decorated, Dropout, Linear, LogSoftMax,
    LookupTable, ParamOptions, Pointwise, PointwiseFn, Reduce, ReduceKind, Reshape, ScaleShift,
    ScaleShiftKind, Sequential, ShapeLayer, ShapeOp, SoftMax, SpatialAveragePooling,
    SpatialConvolution, SpatialMaxPooling,
};

/// Builds the module a description names, with its children and any `weightInit`/`biasInit`.
pub fn build_module<T: Element>(node: &Node) -> Result<Box<dyn Module<T>>> {
    if let Some(inner) = frozen_inner(node)? {
        return Ok(Box::new(crate::nn::Frozen::new(build_module(&inner)?)));
    }
    let module = build_plain::<T>(node)?;
    let weight = ParamOptions {
        init: init_method(node, "weightInit")?,
        regularizer: regularizer(node, "wRegularizer")?,
    };
    let bias = ParamOptions {
        init: init_method(node, "biasInit")?,
        regularizer: regularizer(node, "bRegularizer")?,
    };
    if weight == ParamOptions::default() && bias == ParamOptions::default() {
        return Ok(module);
    }
    Ok(Box::new(Decorated::new(module, fans(node)?, weight, bias)?))
}

/// For a description marked `frozenModule` (the Scala API's `freeze()`), the same description
/// unmarked, to build and wrap as frozen (nn/frozen.rs).
pub(super) fn frozen_inner(node: &Node) -> Result<Option<Node>> {
    if !node.flag("frozenModule", false)? {
        return Ok(None);
    }
    let mut inner = node.clone();
    inner.attrs.remove("frozenModule");
    Ok(Some(inner))
}

fn build_plain<T: Element>(node: &Node) -> Result<Box<dyn Module<T>>> {
    let leaf = |m: Box<dyn Module<T>>| -> Result<Box<dyn Module<T>>> {
        if node.children.is_empty() {
            Ok(m)
        } else {
            Err(Error::invalid(&node.kind, "a layer cannot have children"))
        }
    };
    match node.kind.as_str() {
        "Sequential" => {
            let mut seq = Sequential::<T>::new();
            for c in &node.children {
                seq = seq.add(build_module(c)?);
            }
            Ok(Box::new(seq))
        }
        "Linear" => leaf(Box::new(Linear::new(
            node.size("inputSize")?,
            node.size("outputSize")?,
            node.flag("withBias", true)?,
        )?)),
        "Reshape" => {
            let batch_mode = match node.int_or("batchMode", -1)? {
                -1 => None,
                b => Some(b != 0),
            };
            leaf(Box::new(Reshape::new(node.sizes("size")?, batch_mode)?))
        }
        "SpatialConvolution" => leaf(Box::new(SpatialConvolution::new(ConvConfig {
            n_input_plane: node.size("nInputPlane")?,
            n_output_plane: node.size("nOutputPlane")?,
            kernel_w: node.size("kernelW")?,
            kernel_h: node.size("kernelH")?,
            stride_w: node.size_or("strideW", 1)?,
            stride_h: node.size_or("strideH", 1)?,
            pad_w: node.int_or("padW", 0)?,
            pad_h: node.int_or("padH", 0)?,
            n_group: node.size_or("nGroup", 1)?,
            propagate_back: node.flag("propagateBack", true)?,
            with_bias: node.flag("withBias", true)?,
        })?)),
        "SpatialMaxPooling" => leaf(Box::new(SpatialMaxPooling::new(
            node.size("kW")?,
            node.size("kH")?,
            node.size_or("dW", 1)?,
            node.size_or("dH", 1)?,
            node.int_or("padW", 0)?,
            node.int_or("padH", 0)?,
            node.flag("ceilMode", false)?,
        )?)),
        "LogSoftMax" => leaf(Box::new(LogSoftMax)),
        "BatchNormalization" | "SpatialBatchNormalization" => {
            leaf(Box::new(BatchNormalization::new(
                node.size("nOutput")?,
                node.float_or("eps", 1e-5)?,
                node.float_or("momentum", 0.1)?,
                node.flag("affine", true)?,
                node.kind == "SpatialBatchNormalization",
            )?))
        }
        "CMul" => leaf(Box::new(ScaleShift::new(ScaleShiftKind::CMul(
            node.sizes("size")?,
        ))?)),
        "CAdd" => leaf(Box::new(ScaleShift::new(ScaleShiftKind::CAdd(
            node.sizes("size")?,
        ))?)),
        "Mul" => leaf(Box::new(ScaleShift::new(ScaleShiftKind::Mul)?)),
        "Add" => leaf(Box::new(ScaleShift::new(ScaleShiftKind::Add(
            node.size("inputSize")?,
        ))?)),
        "PReLU" => {
            let planes = usize::try_from(node.int_or("nOutputPlane", 0)?)
                .map_err(|_| Error::invalid("PReLU", "nOutputPlane must be >= 0"))?;
            leaf(Box::new(ScaleShift::new(ScaleShiftKind::PReLU(planes))?))
        }
        "View" | "Squeeze" | "Unsqueeze" | "Transpose" | "Narrow" | "Select" => {
            leaf(Box::new(ShapeLayer::new(shape_op(node)?)))
        }
        "Sum" | "Mean" | "Max" | "Min" => {
            let (kind, dim_key, dims_key) = match node.kind.as_str() {
                "Sum" => (ReduceKind::Sum, "dimension", "nInputDims"),
                "Mean" => (ReduceKind::Mean, "dimension", "nInputDims"),
                "Max" => (ReduceKind::Max, "dim", "numInputDims"),
                _ => (ReduceKind::Min, "dim", "numInputDims"),
            };
            let kind = if kind == ReduceKind::Sum && node.flag("sizeAverage", false)? {
                ReduceKind::Mean
            } else {
                kind
            };
            let dims = usize::try_from(node.int_or(dims_key, -1)?)
                .ok()
                .filter(|d| *d > 0);
            leaf(Box::new(Reduce::new(
                kind,
                node.int_or(dim_key, 1)?,
                dims,
                node.flag("squeeze", true)?,
            )?))
        }
        "LookupTable" => {
            if node.float_or("maxNorm", f64::MAX)? < f64::MAX {
                return Err(Error::invalid(
                    "LookupTable",
                    "maxNorm is not supported yet",
                ));
            }
            leaf(Box::new(LookupTable::new(
                node.size("nIndex")?,
                node.size("nOutput")?,
                node.float_or("paddingValue", 0.0)?,
                node.flag("shouldScaleGradByFreq", false)?,
            )?))
        }
        "SoftMax" => leaf(Box::new(SoftMax::new(false))),
        "SoftMin" => leaf(Box::new(SoftMax::new(true))),
        "Dropout" => leaf(Box::new(Dropout::new(
            node.float_or("initP", 0.5)?,
            node.flag("scale", true)?,
        )?)),
        "SpatialAveragePooling" => {
            let global = node.flag("globalPooling", false)?;
            let kernel = |k: &str| {
                if global {
                    node.size_or(k, 1)
                } else {
                    node.size(k)
                }
            };
            let pad = |k: &str| {
                usize::try_from(node.int_or(k, 0)?).map_err(|_| {
                    Error::invalid(
                        "SpatialAveragePooling",
                        format!("{k} must be >= 0 (SAME padding is not supported here)"),
                    )
                })
            };
            leaf(Box::new(SpatialAveragePooling::new(AvgPoolConfig {
                k_w: kernel("kW")?,
                k_h: kernel("kH")?,
                d_w: node.size_or("dW", 1)?,
                d_h: node.size_or("dH", 1)?,
                pad_w: pad("padW")?,
                pad_h: pad("padH")?,
                global_pooling: global,
                ceil_mode: node.flag("ceilMode", false)?,
                count_include_pad: node.flag("countIncludePad", true)?,
                divide: node.flag("divide", true)?,
            })?))
        }
        _ => match pointwise(node)? {
            Some(f) => leaf(Box::new(Pointwise::new(f)?)),
            None => match super::shape_layers_factory::build::<T>(node)? {
                Some(m) => leaf(m),
                None => match super::conv_layers_factory::build::<T>(node)? {
                    Some(m) => leaf(m),
                    None => match crate::nn::quantized::build::<T>(node)? {
                        Some(m) => leaf(m),
                        None => super::recurrent_factory::build::<T>(node),
                    },
                },
            },
        },
    }
}

/// The structural layers, with BigDL's parameter names (`numInputDims` absent or < 0: none).
fn shape_op(node: &Node) -> Result<ShapeOp> {
    let ints = |key: &str| match node.attrs.get(key) {
        Some(super::node::Attr::Ints(v)) => Ok(v.clone()),
        _ => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be a list of integers"),
        )),
    };
    let dims = usize::try_from(node.int_or("numInputDims", -1)?).ok();
    Ok(match node.kind.as_str() {
        "View" => ShapeOp::View {
            sizes: ints("sizes")?,
            num_input_dims: dims,
        },
        "Squeeze" => ShapeOp::Squeeze {
            dim: node.attrs.get("dim").map(|_| node.int("dim")).transpose()?,
            num_input_dims: dims,
        },
        "Unsqueeze" => ShapeOp::Unsqueeze {
            pos: node.int("pos")?,
            num_input_dims: dims,
        },
        "Transpose" => {
            let flat = ints("permutations")?;
            if flat.len() % 2 != 0 {
                return Err(Error::invalid(
                    "Transpose",
                    "permutations must be pairs of dimensions",
                ));
            }
            ShapeOp::Transpose {
                pairs: flat.chunks(2).map(|p| (p[0], p[1])).collect(),
            }
        }
        "Narrow" => ShapeOp::Narrow {
            dim: node.int("dimension")?,
            offset: node.int("offset")?,
            length: node.int_or("length", 1)?,
        },
        _ => ShapeOp::Select {
            dim: node.int("dim")?,
            index: node.int("index")?,
        },
    })
}

/// The element-wise layers, with BigDL's parameter names and defaults.
pub(super) fn pointwise(node: &Node) -> Result<Option<PointwiseFn>> {
    use PointwiseFn::*;
    let f = |key: &str, default: f64| node.float_or(key, default);
    Ok(Some(match node.kind.as_str() {
        "Identity" | "Echo" | "Contiguous" => Identity,
        "Tanh" => Tanh,
        "ReLU" => ReLU,
        "Sigmoid" => Sigmoid,
        "ReLU6" => ReLU6,
        "LeakyReLU" => LeakyReLU {
            negval: f("negval", 0.01)?,
        },
        "ELU" => ELU {
            alpha: f("alpha", 1.0)?,
        },
        "HardTanh" => HardTanh {
            min: f("minValue", -1.0)?,
            max: f("maxValue", 1.0)?,
        },
        "Clamp" => HardTanh {
            min: f("min", -1.0)?,
            max: f("max", 1.0)?,
        },
        "HardSigmoid" => HardSigmoid,
        "LogSigmoid" => LogSigmoid,
        "SoftPlus" => SoftPlus {
            beta: f("beta", 1.0)?,
        },
        "SoftSign" => SoftSign,
        "SoftShrink" => SoftShrink {
            lambda: f("lambda", 0.5)?,
        },
        "HardShrink" => HardShrink {
            lambda: f("lambda", 0.5)?,
        },
        "TanhShrink" => TanhShrink,
        "Threshold" => Threshold {
            th: f("th", 1e-6)?,
            v: f("v", 0.0)?,
        },
        "Abs" => Abs,
        "Square" => Square,
        "Sqrt" => Sqrt,
        "Exp" => Exp,
        "Log" => Log,
        "Power" => Power {
            power: f("power", 1.0)?,
            scale: f("scale", 1.0)?,
            shift: f("shift", 0.0)?,
        },
        "MulConstant" => MulConstant {
            scalar: f("scalar", 1.0)?,
        },
        "AddConstant" => AddConstant {
            constant: f("constant_scalar", 0.0)?,
        },
        _ => return Ok(None),
    }))
}
