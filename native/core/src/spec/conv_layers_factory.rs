//! Builds the layers of `nn::conv_layers` from descriptions.

use super::node::{Attr, Node};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::nn::conv_layers::{
    DataFormat, FullConvConfig, LayerNormalization, LocalConfig, LocallyConnected1D,
    LocallyConnected2D, Normalize, ResizeBilinear, SpatialCrossMapLRN, SpatialDilatedConvolution,
    SpatialDivisiveNormalization, SpatialFullConvolution, SpatialSeparableConvolution,
    SpatialShareConvolution, SpatialSubtractiveNormalization, SpatialWithinChannelLRN,
    TemporalConvolution, TemporalMaxPooling, UpSampling1D, UpSampling2D, UpSampling3D,
    VolumetricAveragePooling, VolumetricConvolution, VolumetricFullConfig,
    VolumetricFullConvolution, VolumetricMaxPooling,
};
use crate::nn::ConvConfig;

/// An optional non-negative integer attribute (paddings, adjustments).
fn natural(node: &Node, key: &str, default: usize) -> Result<usize> {
    let v = node.int_or(key, default as i64)?;
    usize::try_from(v).map_err(|_| {
        Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be a non-negative integer, got {v}"),
        )
    })
}

/// An optional string attribute naming a data format (BigDL's `"NCHW"` or `"NHWC"`).
fn format(node: &Node, key: &str) -> Result<DataFormat> {
    match node.attrs.get(key) {
        None => Ok(DataFormat::Nchw),
        Some(Attr::Str(s)) => DataFormat::parse(&node.kind, s),
        Some(_) => Err(Error::invalid(
            &node.kind,
            format!("attribute '{key}' must be a string"),
        )),
    }
}

/// BigDL's 3-D kernel, stride and padding attributes as (T, H, W) triples; strides default to
/// `default_stride` (`None`: the kernel).
fn volume(n: &Node, default_stride: Option<usize>) -> Result<([usize; 3], [usize; 3], [usize; 3])> {
    let k = [n.size("kT")?, n.size("kH")?, n.size("kW")?];
    let d = |key: &str, a: usize| n.size_or(key, default_stride.unwrap_or(k[a]));
    let stride = [d("dT", 0)?, d("dH", 1)?, d("dW", 2)?];
    let pad = [
        natural(n, "padT", 0)?,
        natural(n, "padH", 0)?,
        natural(n, "padW", 0)?,
    ];
    Ok((k, stride, pad))
}

/// BigDL's optional averaging `kernel` (a tensor: `kernel` holds its values, `kernelDims` its
/// sizes, `[k]` or `[kH, kW]`), as (dims, values).
fn kernel(n: &Node) -> Result<Option<(Vec<usize>, Vec<f64>)>> {
    match n.float_list("kernel")? {
        None => Ok(None),
        Some(values) => Ok(Some((n.sizes("kernelDims")?, values))),
    }
}

fn boxed<T: Element, M: Module<T> + 'static>(m: M) -> Result<Option<Box<dyn Module<T>>>> {
    Ok(Some(Box::new(m)))
}

/// The layer `node` names, if it is one of `nn::conv_layers`.
pub fn build<T: Element>(node: &Node) -> Result<Option<Box<dyn Module<T>>>> {
    let n = node;
    match node.kind.as_str() {
        "SpatialDilatedConvolution" => boxed(SpatialDilatedConvolution::new(
            n.size("nInputPlane")?,
            n.size("nOutputPlane")?,
            (n.size("kW")?, n.size("kH")?),
            (n.size_or("dW", 1)?, n.size_or("dH", 1)?),
            (natural(n, "padW", 0)?, natural(n, "padH", 0)?),
            (n.size_or("dilationW", 1)?, n.size_or("dilationH", 1)?),
        )?),
        "SpatialFullConvolution" => boxed(SpatialFullConvolution::new(FullConvConfig {
            d_w: n.size_or("dW", 1)?,
            d_h: n.size_or("dH", 1)?,
            pad_w: natural(n, "padW", 0)?,
            pad_h: natural(n, "padH", 0)?,
            adj_w: natural(n, "adjW", 0)?,
            adj_h: natural(n, "adjH", 0)?,
            n_group: n.size_or("nGroup", 1)?,
            no_bias: n.flag("noBias", false)?,
            ..FullConvConfig::new(
                n.size("nInputPlane")?,
                n.size("nOutputPlane")?,
                n.size("kW")?,
                n.size("kH")?,
            )
        })?),
        "TemporalConvolution" => boxed(TemporalConvolution::new(
            n.size("inputFrameSize")?,
            n.size("outputFrameSize")?,
            n.size("kernelW")?,
            n.size_or("strideW", 1)?,
            n.flag("propagateBack", true)?,
        )?),
        "TemporalMaxPooling" => {
            let d_w = match n.int_or("dW", -1)? {
                -1 => None,
                _ => Some(n.size("dW")?),
            };
            boxed(TemporalMaxPooling::new(n.size("kW")?, d_w)?)
        }
        "UpSampling1D" => boxed(UpSampling1D::new(n.size("length")?)?),
        "UpSampling2D" => boxed(UpSampling2D::new(&n.sizes("size")?, format(n, "format")?)?),
        "ResizeBilinear" => boxed(ResizeBilinear::new(
            n.size("outputHeight")?,
            n.size("outputWidth")?,
            n.flag("alignCorners", false)?,
            format(n, "dataFormat")?,
        )?),
        "LayerNormalization" => boxed(LayerNormalization::new(n.size("hiddenSize")?)?),
        "Normalize" => boxed(Normalize::new(
            n.float_or("p", f64::NAN)?,
            n.float_or("eps", 1e-10)?,
        )?),
        "SpatialCrossMapLRN" => boxed(SpatialCrossMapLRN::new(
            n.size_or("size", 5)?,
            n.float_or("alpha", 1.0)?,
            n.float_or("beta", 0.75)?,
            n.float_or("k", 1.0)?,
        )?),
        "VolumetricConvolution" => {
            let (k, stride, pad) = volume(n, Some(1))?;
            boxed(VolumetricConvolution::new(
                n.size("nInputPlane")?,
                n.size("nOutputPlane")?,
                k,
                stride,
                pad,
                n.flag("withBias", true)?,
            )?)
        }
        "VolumetricMaxPooling" => {
            let (k, stride, pad) = volume(n, None)?;
            let ceil = n.flag("ceilMode", false)?;
            boxed(VolumetricMaxPooling::new(k, stride, pad, ceil)?)
        }
        "VolumetricAveragePooling" => {
            let (k, stride, pad) = volume(n, Some(1))?;
            boxed(VolumetricAveragePooling::new(
                k,
                stride,
                pad,
                n.flag("countIncludePad", true)?,
                n.flag("ceilMode", false)?,
            )?)
        }
        "UpSampling3D" => boxed(UpSampling3D::new(&n.sizes("size")?)?),
        "LocallyConnected1D" => boxed(LocallyConnected1D::new(
            n.size("nInputFrame")?,
            n.size("inputFrameSize")?,
            n.size("outputFrameSize")?,
            n.size("kernelW")?,
            n.size_or("strideW", 1)?,
            n.flag("propagateBack", true)?,
        )?),
        "LocallyConnected2D" => {
            if format(n, "format")? != DataFormat::Nchw {
                return Err(Error::invalid(&n.kind, "only format NCHW is supported"));
            }
            boxed(LocallyConnected2D::new(LocalConfig {
                stride_w: n.size_or("strideW", 1)?,
                stride_h: n.size_or("strideH", 1)?,
                pad_w: natural(n, "padW", 0)?,
                pad_h: natural(n, "padH", 0)?,
                propagate_back: n.flag("propagateBack", true)?,
                with_bias: n.flag("withBias", true)?,
                ..LocalConfig::new(
                    (
                        n.size("nInputPlane")?,
                        n.size("inputWidth")?,
                        n.size("inputHeight")?,
                    ),
                    n.size("nOutputPlane")?,
                    n.size("kernelW")?,
                    n.size("kernelH")?,
                )
            })?)
        }
        "SpatialSeparableConvolution" => {
            if format(n, "dataFormat")? != DataFormat::Nchw {
                return Err(Error::invalid(&n.kind, "only dataFormat NCHW is supported"));
            }
            boxed(SpatialSeparableConvolution::new(
                n.size("nInputChannel")?,
                n.size("nOutputChannel")?,
                n.size("depthMultiplier")?,
                (n.size("kW")?, n.size("kH")?),
                (n.size_or("sW", 1)?, n.size_or("sH", 1)?),
                (n.int_or("pW", 0)?, n.int_or("pH", 0)?),
                n.flag("hasBias", true)?,
            )?)
        }
        "SpatialShareConvolution" => boxed(SpatialShareConvolution::new(ConvConfig {
            n_input_plane: n.size("nInputPlane")?,
            n_output_plane: n.size("nOutputPlane")?,
            kernel_w: n.size("kernelW")?,
            kernel_h: n.size("kernelH")?,
            stride_w: n.size_or("strideW", 1)?,
            stride_h: n.size_or("strideH", 1)?,
            pad_w: n.int_or("padW", 0)?,
            pad_h: n.int_or("padH", 0)?,
            n_group: n.size_or("nGroup", 1)?,
            propagate_back: n.flag("propagateBack", true)?,
            with_bias: n.flag("withBias", true)?,
        })?),
        "VolumetricFullConvolution" => {
            let (k, stride, pad) = volume(n, Some(1))?;
            let adj = [
                natural(n, "adjT", 0)?,
                natural(n, "adjH", 0)?,
                natural(n, "adjW", 0)?,
            ];
            boxed(VolumetricFullConvolution::new(VolumetricFullConfig {
                stride,
                pad,
                adj,
                n_group: n.size_or("nGroup", 1)?,
                no_bias: n.flag("noBias", false)?,
                ..VolumetricFullConfig::new(n.size("nInputPlane")?, n.size("nOutputPlane")?, k)
            })?)
        }
        "SpatialWithinChannelLRN" => boxed(SpatialWithinChannelLRN::new(
            n.size_or("size", 5)?,
            n.float_or("alpha", 1.0)?,
            n.float_or("beta", 0.75)?,
        )?),
        "SpatialSubtractiveNormalization" => {
            let k = kernel(n)?;
            let k = k.as_ref().map(|(d, v)| (d.as_slice(), v.as_slice()));
            boxed(SpatialSubtractiveNormalization::new(
                n.size_or("nInputPlane", 1)?,
                k,
            )?)
        }
        "SpatialDivisiveNormalization" => {
            let k = kernel(n)?;
            let k = k.as_ref().map(|(d, v)| (d.as_slice(), v.as_slice()));
            boxed(SpatialDivisiveNormalization::new(
                n.size_or("nInputPlane", 1)?,
                k,
                n.float_or("threshold", 1e-4)?,
                n.float_or("thresval", 1e-4)?,
            )?)
        }
        _ => super::similarity_factory::build(node),
    }
}
