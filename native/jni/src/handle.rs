//! Native objects handed to the JVM as `long` handles.
//!
//! A handle is not a pointer: it is a number from a process-wide registry that maps live handles
//! to their objects and records each object's type. Numbers are never reused, so a closed handle,
//! a handle of another kind (a criterion passed where a model is expected) or a made-up number is
//! refused with an exception instead of touching freed or foreign memory.
//!
//! The JVM wrapper (an `AutoCloseable` with a `Cleaner`) is each handle's one owner: it
//! serialises the calls on one handle and frees it exactly once.

use crate::error::{JniError, JniResult};
use jni::sys::jlong;
use once_cell::sync::Lazy;
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// One live object: its type, its address, and how to drop it.
struct Entry {
    type_id: TypeId,
    ptr: *mut (),
    drop: unsafe fn(*mut ()),
}

// SAFETY: the registry never dereferences an entry's address; it only hands it back to
// `borrow_handle`/`free_handle`, whose callers (the JVM wrapper, one call at a time per handle)
// are responsible for the object, as they were before the address went into the registry.
unsafe impl Send for Entry {}

struct Registry {
    next: jlong,
    live: HashMap<jlong, Entry>,
}

static REGISTRY: Lazy<Mutex<Registry>> = Lazy::new(|| {
    Mutex::new(Registry {
        next: 1,
        live: HashMap::new(),
    })
});

/// The registry, also after a panic elsewhere poisoned its lock: its map stays consistent,
/// because no code path panics while it holds the lock half-way through an update.
fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Drops the `Box<T>` at `ptr`.
///
/// # Safety
/// `ptr` must come from `Box::<T>::into_raw` and must not be used afterwards.
unsafe fn drop_box<T>(ptr: *mut ()) {
    // SAFETY: guaranteed by the caller: `ptr` is a `Box<T>`'s raw pointer, dropped once.
    drop(unsafe { Box::from_raw(ptr as *mut T) });
}

/// The number of live handles (models, criterions, methods) in this process.
pub fn live_handles() -> i64 {
    registry().live.len() as i64
}

/// Moves `value` to the heap and returns its handle.
pub fn into_handle<T: 'static>(value: T) -> jlong {
    let ptr = Box::into_raw(Box::new(value)) as *mut ();
    let mut reg = registry();
    let id = reg.next;
    reg.next += 1;
    reg.live.insert(
        id,
        Entry {
            type_id: TypeId::of::<T>(),
            ptr,
            drop: drop_box::<T>,
        },
    );
    id
}

/// Borrows the object behind a handle. A handle that is zero, closed, never created, or of
/// another type than `T` gives [`JniError::NullHandle`] naming `kind`.
///
/// # Safety
/// No other reference to the object may be live during the borrow, and the handle may not be
/// freed while it lasts: the JVM wrapper serialises every call on a handle, close included.
pub unsafe fn borrow_handle<'a, T: 'static>(
    handle: jlong,
    kind: &'static str,
) -> JniResult<&'a mut T> {
    let ptr = match registry().live.get(&handle) {
        Some(e) if e.type_id == TypeId::of::<T>() => e.ptr as *mut T,
        _ => return Err(JniError::NullHandle { kind }),
    };
    // SAFETY: the registry says `ptr` is a live `Box<T>`; the caller guarantees it stays live
    // and unaliased during the borrow.
    Ok(unsafe { &mut *ptr })
}

/// Frees the object behind a handle. Zero, a closed handle, an unknown number and a handle of
/// another type are ignored (and logged): nothing is freed twice or as the wrong type.
///
/// # Safety
/// No borrow of the object may be live; the handle must not be used again afterwards.
pub unsafe fn free_handle<T: 'static>(handle: jlong) {
    if handle == 0 {
        return;
    }
    let entry = {
        let mut reg = registry();
        match reg.live.get(&handle) {
            Some(e) if e.type_id == TypeId::of::<T>() => reg.live.remove(&handle),
            _ => None,
        }
    };
    match entry {
        // SAFETY: the entry was removed from the registry, so nothing can borrow it again, and
        // the caller guarantees no borrow is live: it is dropped exactly once, as its type.
        Some(e) => unsafe { (e.drop)(e.ptr) },
        None => log::warn!(
            "ignored a request to free {handle}: not a live {}",
            std::any::type_name::<T>()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_foreign_and_wrongly_typed_handles_are_refused() {
        let a = into_handle(41u32);
        let b = into_handle(String::from("other"));
        // SAFETY: single-threaded test; no borrow outlives its statement.
        unsafe {
            assert_eq!(*borrow_handle::<u32>(a, "u32").expect("live"), 41);
            assert!(borrow_handle::<u32>(b, "u32").is_err(), "wrong type");
            assert!(borrow_handle::<u32>(0, "u32").is_err(), "zero");
            assert!(
                borrow_handle::<u32>(0x7fff_ffff_0000, "u32").is_err(),
                "made up"
            );
            free_handle::<String>(a); // wrong type: ignored
            assert!(borrow_handle::<u32>(a, "u32").is_ok());
            free_handle::<u32>(a);
            free_handle::<u32>(a); // twice: ignored
            assert!(borrow_handle::<u32>(a, "u32").is_err(), "closed");
            free_handle::<String>(b);
        }
        let c = into_handle(7u32);
        assert!(c > b, "numbers are never reused");
        // SAFETY: as above.
        unsafe { free_handle::<u32>(c) };
    }
}
