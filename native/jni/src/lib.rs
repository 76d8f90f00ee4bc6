//! ferrodl's JNI boundary: the cdylib every Spark executor loads. The only crate that touches
//! JNI. Every `Java_*` export goes through [`guard::guard`], so no panic or error crosses into
//! the JVM as anything but a Java exception.

pub mod arrays;
pub mod error;
pub mod exports;
pub mod guard;
pub mod handle;

/// Every allocation of the library is counted, for `ferrodl.native.memoryLimit`
/// (see `ferrodl_core::memory`).
#[global_allocator]
static ALLOCATOR: ferrodl_core::memory::CountingAllocator = ferrodl_core::memory::CountingAllocator;
