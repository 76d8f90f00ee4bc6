//! Native objects handed to the JVM as `long` handles.
//!
//! A handle is a `Box` turned into a raw pointer. The JVM wrapper (an `AutoCloseable` with a
//! `Cleaner`) is its one owner: it serialises every call on the handle, passes it back unchanged
//! and frees it exactly once, after which it never passes it again.

use crate::error::{JniError, JniResult};
use jni::sys::jlong;
use std::sync::atomic::{AtomicI64, Ordering};

/// Handles created and not yet freed, for leak tests.
static LIVE: AtomicI64 = AtomicI64::new(0);

/// The number of live handles (models, criterions, methods) in this process.
pub fn live_handles() -> i64 {
    LIVE.load(Ordering::Relaxed)
}

/// Moves `value` to the heap and returns its handle.
pub fn into_handle<T>(value: T) -> jlong {
    LIVE.fetch_add(1, Ordering::Relaxed);
    Box::into_raw(Box::new(value)) as jlong
}

/// Borrows the object behind a handle.
///
/// # Safety
/// `handle` must be 0 or a value returned by [`into_handle`] for the same `T` that has not been
/// freed, and no other reference to the object may be live during the borrow.
pub unsafe fn borrow_handle<'a, T>(handle: jlong, kind: &'static str) -> JniResult<&'a mut T> {
    if handle == 0 {
        return Err(JniError::NullHandle { kind });
    }
    // SAFETY: the caller guarantees `handle` came from `into_handle::<T>` and is still live and
    // unaliased (the JVM wrapper serialises calls on it).
    Ok(unsafe { &mut *(handle as *mut T) })
}

/// Frees the object behind a handle; 0 is ignored.
///
/// # Safety
/// As [`borrow_handle`], and the handle must not be used again afterwards.
pub unsafe fn free_handle<T>(handle: jlong) {
    if handle != 0 {
        LIVE.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: the caller guarantees the handle came from `into_handle::<T>`, is live, and is
        // never used again, so rebuilding and dropping the Box frees it exactly once.
        drop(unsafe { Box::from_raw(handle as *mut T) });
    }
}
