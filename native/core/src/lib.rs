//! ferrodl's engine: tensors, layers, losses, optimisers and GEMM. No JNI here; the `ferrodl-jni`
//! crate is the only code that talks to the JVM.

pub mod activity;
pub mod activity_module;
pub mod bf16;
pub mod criterion;
pub mod element;
pub mod error;
pub mod gemm;
pub mod gradcheck;
pub mod memory;
pub mod model;
pub mod modelfile;
pub mod module;
pub mod nn;
pub mod onnx;
pub mod optim;
pub mod param_tensor;
pub mod rng;
pub mod simd;
pub mod spec;
pub mod tensor;

pub use activity::Activity;
pub use activity_module::ActivityModule;
pub use element::Element;
pub use error::{Error, Result};
pub use model::Model;
pub use module::Module;
pub use param_tensor::ParamTensor;
pub use tensor::Tensor;
