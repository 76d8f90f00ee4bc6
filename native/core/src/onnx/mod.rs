//! ONNX import and export: a hand-written protobuf codec for the ONNX messages ferrodl needs,
//! export of model descriptions with flat weights, and import into descriptions with flat
//! weights in ferrodl's layout (see `docs/onnx.md`).

mod builder;
mod export;
mod export_composed;
mod export_graph;
mod export_layers;
mod export_more;
mod export_rank;
mod export_recurrent;
mod import;
mod import_layers;
mod import_ops;
mod import_recurrent;
mod proto;
mod tensor;
pub mod wire;

pub use export::{export_model, export_onnx, EXPORT_OPSET};
pub use import::{import_model, import_onnx, Imported};
pub use proto::{
    decode_model, encode_model, AttributeProto, GraphProto, ModelProto, NodeProto, ValueInfoProto,
};
pub use tensor::{TensorData, TensorProto};
