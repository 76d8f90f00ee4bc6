//! Accounting of the engine's native heap and the `ferrodl.native.memoryLimit` cap.
//!
//! The library installs [`CountingAllocator`] as its global allocator (in the JNI crate), so
//! every byte the engine holds (model weights and gradients, activations, im2col columns,
//! scratch buffers) is counted in one place. With a limit set ([`set_limit`]), each layer call
//! runs inside [`within_limit`]: when an allocation made during the call took the engine past
//! the limit, the call fails with [`Error::MemoryLimit`] naming the innermost layer and the
//! bytes it needed; its buffers are freed as the error propagates, and the engine goes on
//! working. Large buffers known in advance (a model's flat weights) are checked with
//! [`reserve`] before they are allocated.

use crate::error::{Error, Result};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The cap in bytes; 0 means none.
static LIMIT: AtomicUsize = AtomicUsize::new(0);
/// Bytes the engine holds now, over all threads.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// One thread's view: its net allocations, their peak since the current layer call began, and
/// whether one of its allocations crossed the limit.
#[derive(Clone, Copy)]
struct Tally {
    live: isize,
    peak: isize,
    crossed: bool,
}

thread_local! {
    // Const-initialised and without a destructor: usable from inside the allocator.
    static THREAD: Cell<Tally> = const { Cell::new(Tally { live: 0, peak: 0, crossed: false }) };
}

fn grew(n: usize) {
    let live = LIVE.fetch_add(n, Ordering::Relaxed).saturating_add(n);
    let limit = LIMIT.load(Ordering::Relaxed);
    let _ = THREAD.try_with(|t| {
        let mut v = t.get();
        v.live = v.live.saturating_add(n as isize);
        v.peak = v.peak.max(v.live);
        v.crossed |= limit > 0 && live > limit;
        t.set(v);
    });
}

fn shrank(n: usize) {
    LIVE.fetch_sub(n, Ordering::Relaxed);
    let _ = THREAD.try_with(|t| {
        let mut v = t.get();
        v.live = v.live.saturating_sub(n as isize);
        t.set(v);
    });
}

/// The system allocator, counting what it hands out. Allocation never fails because of the
/// limit (a failed allocation would abort the process); the limit is enforced by the checks.
pub struct CountingAllocator;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds as it does for `System`; the counting touches only atomics and a
// const-initialised thread-local without a destructor, which never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours; `layout` comes from the caller.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours; `layout` comes from the caller.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` was allocated by this allocator (so by `System`)
        // with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `ptr` and `layout` as for `dealloc` and a valid
        // `new_size`; `System` allocated `ptr`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Sets the cap in bytes (0 removes it).
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// The cap in bytes (0: none).
pub fn limit() -> usize {
    LIMIT.load(Ordering::Relaxed)
}

/// The bytes the engine holds now (0 when the counting allocator is not installed).
pub fn in_use() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Formats a byte count as the setting is written: `64m`, `1g`, `512k` or plain bytes.
pub fn fmt_bytes(bytes: usize) -> String {
    const K: usize = 1024;
    match bytes {
        0 => "0".to_string(),
        b if b % (K * K * K) == 0 => format!("{}g", b / (K * K * K)),
        b if b % (K * K) == 0 => format!("{}m", b / (K * K)),
        b if b % K == 0 => format!("{}k", b / K),
        b => b.to_string(),
    }
}

/// [`fmt_bytes`] for the error message.
pub(crate) fn fmt_limit(bytes: &usize) -> String {
    fmt_bytes(*bytes)
}

/// Parses a byte count with an optional `k`, `m` or `g` suffix (powers of 1024).
pub fn parse_bytes(text: &str) -> Result<usize> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (digits, unit) = match t.char_indices().last() {
        Some((i, 'k')) => (&t[..i], 1usize << 10),
        Some((i, 'm')) => (&t[..i], 1 << 20),
        Some((i, 'g')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    digits
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| {
            Error::invalid(
                "ferrodl.native.memoryLimit",
                format!("'{text}' is not a byte count such as 536870912, 512m or 2g"),
            )
        })
}

/// Whether the engine holds more than the limit now (caches use it to free rather than keep
/// their buffers).
pub fn over_limit() -> bool {
    let limit = limit();
    limit > 0 && in_use() > limit
}

/// Fails if allocating `bytes` more would take the engine past the limit (checked before a
/// large buffer of known size is allocated).
pub fn reserve(layer: &str, bytes: usize) -> Result<()> {
    let limit = limit();
    let live = in_use();
    if limit > 0 && live.saturating_add(bytes) > limit {
        return Err(Error::MemoryLimit {
            layer: layer.to_string(),
            limit,
            needed: bytes,
            in_use: live,
        });
    }
    Ok(())
}

/// Runs one layer's call; fails if one of its allocations took the engine past the limit, with
/// an [`Error::MemoryLimit`] whose layer [`named`] fills in. Nested calls blame the innermost.
pub fn within_limit<R>(call: impl FnOnce() -> Result<R>) -> Result<R> {
    let limit = limit();
    if limit == 0 {
        return call();
    }
    let outer = THREAD.try_with(|t| {
        let v = t.get();
        t.set(Tally {
            live: v.live,
            peak: v.live,
            crossed: false,
        });
        v
    });
    let result = call();
    let Ok(outer) = outer else { return result };
    // An inner layer already failed for the limit: its error, naming it, stands.
    let blamed = matches!(&result, Err(Error::MemoryLimit { .. }));
    let inner = THREAD.try_with(|t| {
        let v = t.get();
        t.set(Tally {
            live: v.live,
            peak: v.peak.max(outer.peak),
            crossed: outer.crossed,
        });
        v
    });
    // Crossed by one of this thread's allocations, or (by threads the call used) still past.
    match inner {
        Ok(v) if !blamed && (v.crossed || in_use() > limit) => {
            let needed = usize::try_from(v.peak.saturating_sub(outer.live)).unwrap_or(0);
            drop(result);
            Err(Error::MemoryLimit {
                layer: String::new(),
                limit,
                needed,
                in_use: in_use(),
            })
        }
        _ => result,
    }
}

/// Names the layer in a [`within_limit`] error (`name` is formatted only then: its first line).
pub fn named<R>(result: Result<R>, name: impl FnOnce() -> String) -> Result<R> {
    match result {
        Err(Error::MemoryLimit {
            layer,
            limit,
            needed,
            in_use,
        }) if layer.is_empty() => Err(Error::MemoryLimit {
            layer: name().lines().next().unwrap_or_default().trim().to_string(),
            limit,
            needed,
            in_use,
        }),
        other => other,
    }
}
