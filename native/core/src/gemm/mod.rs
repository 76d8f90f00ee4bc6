//! Matrix multiplication: the one place the engine calls into a GEMM kernel.
//!
//! Two backends: Intel MKL (static, sequential, through `cblas`) and the pure-Rust `gemm` crate.
//! [`Backend::Auto`] picks MKL on Intel CPUs and the `gemm` crate elsewhere; the choice can be
//! overridden with the `FERRODL_GEMM` environment variable (`auto`, `mkl`, `rust`) or, from the
//! JVM, with the `ferrodl.gemm` system property.

mod backend;
mod int8;
mod matmul;
mod mkl;
mod pure;

pub use backend::{backend, cpu_vendor, num_threads, set_backend, set_num_threads, Backend};
pub use int8::{has_vnni, matmul_i8, matmul_i8_with, resolve_i8};
pub use matmul::{matmul, matmul_with, Gemm};
