//! Backend selection: which GEMM kernel runs, chosen once per process and overridable.

use crate::error::{Error, Result};
use once_cell::sync::Lazy;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// A GEMM implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// MKL on Intel CPUs, the pure-Rust kernel elsewhere.
    Auto,
    /// Intel MKL, statically linked, sequential.
    Mkl,
    /// The pure-Rust `gemm` crate.
    Rust,
}

impl Backend {
    /// Parses `auto`, `mkl` or `rust` (case-insensitive; `gemm` and `portable` mean `rust`).
    pub fn parse(name: &str) -> Result<Backend> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(Backend::Auto),
            "mkl" => Ok(Backend::Mkl),
            "rust" | "gemm" | "portable" => Ok(Backend::Rust),
            other => Err(Error::invalid(
                "gemm backend",
                format!("unknown backend '{other}', expected one of auto, mkl, rust"),
            )),
        }
    }

    /// The concrete backend `Auto` stands for on this CPU. Where MKL is not linked in (the
    /// aarch64 library), every choice is the pure-Rust kernel.
    pub fn resolve(self) -> Backend {
        match self {
            Backend::Auto | Backend::Mkl if !MKL_LINKED => Backend::Rust,
            Backend::Auto if cpu_vendor() == "GenuineIntel" => Backend::Mkl,
            Backend::Auto => Backend::Rust,
            other => other,
        }
    }

    /// The backend's name as accepted by [`Backend::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Mkl => "mkl",
            Backend::Rust => "rust",
        }
    }

    fn code(self) -> u8 {
        match self {
            Backend::Auto => 0,
            Backend::Mkl => 1,
            Backend::Rust => 2,
        }
    }
}

/// Whether Intel MKL is linked into this build: on x86_64 only, since MKL does not exist for ARM.
const MKL_LINKED: bool = cfg!(target_arch = "x86_64");

/// 0 means "not chosen yet"; otherwise the code of a resolved backend.
static SELECTED: AtomicU8 = AtomicU8::new(0);
static THREADS: AtomicUsize = AtomicUsize::new(1);

static FROM_ENV: Lazy<Backend> = Lazy::new(|| {
    let requested = std::env::var("FERRODL_GEMM").unwrap_or_default();
    match Backend::parse(&requested) {
        Ok(b) => b.resolve(),
        Err(e) => {
            log::warn!("{e}; using auto");
            Backend::Auto.resolve()
        }
    }
});

/// The backend in use (never `Auto`).
pub fn backend() -> Backend {
    match SELECTED.load(Ordering::Relaxed) {
        1 => Backend::Mkl,
        2 => Backend::Rust,
        _ => *FROM_ENV,
    }
}

/// Chooses the backend for this process; `Auto` resolves by CPU vendor.
pub fn set_backend(b: Backend) {
    SELECTED.store(b.resolve().code(), Ordering::Relaxed);
}

/// Threads the pure-Rust kernel may use (1 inside Spark tasks; more only in local mode).
pub fn num_threads() -> usize {
    THREADS.load(Ordering::Relaxed)
}

/// Sets the thread count of the pure-Rust kernel (at least 1). MKL is always sequential.
pub fn set_num_threads(n: usize) {
    THREADS.store(n.max(1), Ordering::Relaxed);
}

/// The CPU vendor string from `cpuid` leaf 0, e.g. `GenuineIntel` or `AuthenticAMD`.
pub fn cpu_vendor() -> String {
    #[cfg(target_arch = "x86_64")]
    {
        let r = std::arch::x86_64::__cpuid(0);
        let mut bytes = Vec::with_capacity(12);
        for word in [r.ebx, r.edx, r.ecx] {
            bytes.extend_from_slice(&word.to_le_bytes());
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        String::from("unknown")
    }
}
