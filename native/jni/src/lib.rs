//! ferrodl's JNI boundary: the cdylib every Spark executor loads. The only crate that touches
//! JNI. Every `Java_*` export goes through [`guard::guard`], so no panic or error crosses into
//! the JVM as anything but a Java exception.

pub mod arrays;
pub mod error;
pub mod exports;
pub mod guard;
pub mod handle;
