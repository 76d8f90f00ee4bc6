//! The native model file (`ferrodl_core::modelfile`, docs/model-format.md): encode a model or
//! its weights, and read back a file's description, floats, optimiser state and metadata.

use crate::arrays::{new_floats, read_bytes, read_floats};
use crate::error::JniResult;
use crate::guard::guard;
use ferrodl_core::modelfile::ModelContents;
use ferrodl_core::modelfile::{decode as decode_file, encode, layout, match_weights, Metadata};
use ferrodl_core::spec::{decode, encode as encode_spec, Attr, Node};
use jni::objects::{JByteArray, JClass, JFloatArray};
use jni::sys::{jboolean, jint};
use jni::EnvUnowned;

/// The parts of a file [`file_bytes`] returns.
pub const PART_SPEC: i32 = 0;
/// The optimiser state (empty when the file has none).
pub const PART_OPTIM: i32 = 1;
/// The metadata, as a description: `Metadata(ferrodlVersion, createdUnixMs)` with one child
/// `Tag` per user tag (name = key, attribute `value`).
pub const PART_METADATA: i32 = 2;

/// Encodes a model file. `spec` is the model's description; `optim` (empty for none) is the
/// optimiser state; `tags` is a description whose string attributes are the user's tags;
/// `weights_only` leaves the graph out (`saveWeights`).
pub fn encode_file(
    spec: &[u8],
    weights: Vec<f32>,
    buffers: Vec<f32>,
    optim: Vec<u8>,
    tags: &[u8],
    weights_only: bool,
) -> JniResult<Vec<u8>> {
    let graph = decode(spec)?;
    let mut c = if weights_only {
        ModelContents::weights_only(&graph, weights, buffers)?
    } else {
        ModelContents::model(graph, weights, buffers)?
    };
    c.optim_state = (!optim.is_empty()).then_some(optim);
    for (k, v) in decode(tags)?.attrs {
        if let Attr::Str(s) = v {
            c.metadata.tags.insert(k, s);
        }
    }
    Ok(encode(&c)?)
}

fn metadata_node(m: &Metadata) -> Node {
    let node = Node::new("Metadata")
        .string("ferrodlVersion", &m.ferrodl_version)
        .ints("createdUnixMs", &[m.created_unix_ms]);
    m.tags.iter().fold(node, |n, (k, v)| {
        let mut tag = Node::new("Tag").string("value", v);
        tag.name = k.clone();
        n.child(tag)
    })
}

/// One part of a checked file (see the `PART_` constants): the description (empty for a
/// weights-only file), the optimiser state or the metadata.
pub fn file_bytes(file: &[u8], part: i32) -> JniResult<Vec<u8>> {
    let c = decode_file(file)?;
    Ok(match part {
        PART_SPEC => c.graph.as_ref().map(encode_spec).unwrap_or_default(),
        PART_OPTIM => c.optim_state.unwrap_or_default(),
        PART_METADATA => encode_spec(&metadata_node(&c.metadata)),
        p => {
            return Err(
                ferrodl_core::Error::invalid("modelFileBytes", format!("no part {p}")).into(),
            )
        }
    })
}

/// A checked file's weights, or with `buffers` its buffers.
pub fn file_floats(file: &[u8], buffers: bool) -> JniResult<Vec<f32>> {
    let c = decode_file(file)?;
    Ok(if buffers { c.buffers } else { c.weights })
}

/// The weights of `file` for the model `spec`, matched by tensor name and shape.
pub fn file_weights_for(spec: &[u8], file: &[u8]) -> JniResult<Vec<f32>> {
    Ok(match_weights(&decode(spec)?, &decode_file(file)?)?)
}

/// The parameter tensors of the model `spec` (`parameters()`, docs/model-format.md), as a
/// description: `TensorLayout` with one child `Tensor` per tensor, in flat-buffer order, whose
/// name is the tensor's path (`Sequential#0/Linear#0/weight`) and whose attributes are `shape`
/// and `offset` (into the flat weights).
pub fn tensor_layout(spec: &[u8]) -> JniResult<Vec<u8>> {
    let l = layout(&decode(spec)?)?;
    let ints = |v: &[usize]| -> Vec<i64> {
        v.iter()
            .map(|&d| i64::try_from(d).unwrap_or(i64::MAX))
            .collect()
    };
    let node = l.tensors.iter().fold(Node::new("TensorLayout"), |n, t| {
        let mut c = Node::new("Tensor")
            .ints("shape", &ints(&t.shape))
            .ints("offset", &ints(&[t.offset]));
        c.name = t.name.clone();
        n.child(c)
    });
    Ok(encode_spec(&node))
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_modelTensorLayout<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
) -> JByteArray<'l> {
    guard(env, |env| {
        let out = tensor_layout(&read_bytes(env, &spec)?)?;
        Ok(env.byte_array_from_slice(&out)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_modelFileEncode<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
    weights: JFloatArray<'l>,
    buffers: JFloatArray<'l>,
    optim: JByteArray<'l>,
    tags: JByteArray<'l>,
    weights_only: jboolean,
) -> JByteArray<'l> {
    guard(env, |env| {
        let (w, b) = (read_floats(env, &weights)?, read_floats(env, &buffers)?);
        let (o, t) = (read_bytes(env, &optim)?, read_bytes(env, &tags)?);
        let out = encode_file(&read_bytes(env, &spec)?, w, b, o, &t, weights_only)?;
        Ok(env.byte_array_from_slice(&out)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_modelFileBytes<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    file: JByteArray<'l>,
    part: jint,
) -> JByteArray<'l> {
    guard(env, |env| {
        let out = file_bytes(&read_bytes(env, &file)?, part)?;
        Ok(env.byte_array_from_slice(&out)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_modelFileFloats<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    file: JByteArray<'l>,
    buffers: jboolean,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let v = file_floats(&read_bytes(env, &file)?, buffers)?;
        new_floats(env, &v)
    })
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_modelFileWeightsFor<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
    spec: JByteArray<'l>,
    file: JByteArray<'l>,
) -> JFloatArray<'l> {
    guard(env, |env| {
        let v = file_weights_for(&read_bytes(env, &spec)?, &read_bytes(env, &file)?)?;
        new_floats(env, &v)
    })
}
