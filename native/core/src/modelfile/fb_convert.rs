//! Conversions between the engine's description [`Node`] (and [`Metadata`]) and the FlatBuffers
//! tables `Layer` (and `Metadata`) of `model_file.fbs`, both ways.

use super::contents::Metadata;
use super::model_file_generated::ferrodl::fb;
use super::verify::MAX_GRAPH_DEPTH;
use crate::error::{Error, Result};
use crate::spec::{Attr, Node};
use flatbuffers::{FlatBufferBuilder, WIPOffset};

/// Reads a verified `Layer` table into a [`Node`].
pub(super) fn node(layer: &fb::Layer, depth: usize) -> Result<Node> {
    if depth > MAX_GRAPH_DEPTH {
        return Err(Error::corrupt(
            0,
            format!("the module tree nests deeper than {MAX_GRAPH_DEPTH}"),
        ));
    }
    let kind = layer.kind().to_string();
    let mut out = Node {
        kind,
        name: layer.name().unwrap_or_default().to_string(),
        ..Node::default()
    };
    for a in layer.attrs().into_iter().flatten() {
        let key = a.key().to_string();
        let bad = || {
            Error::corrupt(
                0,
                format!(
                    "attribute '{}' of layer '{}' has no value of a known type",
                    a.key(),
                    out.kind
                ),
            )
        };
        let value = match a.value_type() {
            fb::AttrValue::IntsAttr => a
                .value_as_ints_attr()
                .map(|v| Attr::Ints(v.values().map(|x| x.iter().collect()).unwrap_or_default())),
            fb::AttrValue::FloatsAttr => a
                .value_as_floats_attr()
                .map(|v| Attr::Floats(v.values().map(|x| x.iter().collect()).unwrap_or_default())),
            fb::AttrValue::StrAttr => a
                .value_as_str_attr()
                .map(|v| Attr::Str(v.value().unwrap_or_default().to_string())),
            _ => None,
        }
        .ok_or_else(bad)?;
        out.attrs.insert(key, value);
    }
    let children = layer.children();
    out.children = Vec::with_capacity(children.map_or(0, |c| c.len()));
    for c in children.into_iter().flatten() {
        out.children.push(node(&c, depth + 1)?);
    }
    Ok(out)
}

/// Reads a verified `Metadata` table.
pub(super) fn metadata(m: &fb::Metadata) -> Metadata {
    Metadata {
        ferrodl_version: m.ferrodl_version().unwrap_or_default().to_string(),
        created_unix_ms: m.created_unix_ms(),
        tags: m
            .tags()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t.key().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect(),
    }
}

/// Writes `n` as a `Layer` table.
pub(super) fn write_layer<'a>(b: &mut FlatBufferBuilder<'a>, n: &Node) -> WIPOffset<fb::Layer<'a>> {
    let children: Vec<_> = n.children.iter().map(|c| write_layer(b, c)).collect();
    let mut attrs = Vec::with_capacity(n.attrs.len());
    for (k, v) in &n.attrs {
        let (value_type, value) = match v {
            Attr::Ints(x) => {
                let values = Some(b.create_vector(x));
                let t = fb::IntsAttr::create(b, &fb::IntsAttrArgs { values });
                (fb::AttrValue::IntsAttr, t.as_union_value())
            }
            Attr::Floats(x) => {
                let values = Some(b.create_vector(x));
                let t = fb::FloatsAttr::create(b, &fb::FloatsAttrArgs { values });
                (fb::AttrValue::FloatsAttr, t.as_union_value())
            }
            Attr::Str(s) => {
                let value = Some(b.create_string(s));
                let t = fb::StrAttr::create(b, &fb::StrAttrArgs { value });
                (fb::AttrValue::StrAttr, t.as_union_value())
            }
        };
        let key = Some(b.create_string(k));
        attrs.push(fb::Attribute::create(
            b,
            &fb::AttributeArgs {
                key,
                value_type,
                value: Some(value),
            },
        ));
    }
    let args = fb::LayerArgs {
        kind: Some(b.create_string(&n.kind)),
        name: (!n.name.is_empty()).then(|| b.create_string(&n.name)),
        attrs: Some(b.create_vector(&attrs)),
        children: (!children.is_empty()).then(|| b.create_vector(&children)),
    };
    fb::Layer::create(b, &args)
}

/// Writes `m` as a `Metadata` table.
pub(super) fn write_metadata<'a>(
    b: &mut FlatBufferBuilder<'a>,
    m: &Metadata,
) -> WIPOffset<fb::Metadata<'a>> {
    let mut tags = Vec::with_capacity(m.tags.len());
    for (k, v) in &m.tags {
        let args = fb::TagArgs {
            key: Some(b.create_string(k)),
            value: Some(b.create_string(v)),
        };
        tags.push(fb::Tag::create(b, &args));
    }
    let args = fb::MetadataArgs {
        ferrodl_version: Some(b.create_string(&m.ferrodl_version)),
        created_unix_ms: m.created_unix_ms,
        tags: Some(b.create_vector(&tags)),
    };
    fb::Metadata::create(b, &args)
}
