//! What the loaded native library is: its version, the target it was built for, the glibc floor
//! it was linked against, whether MKL is in it, and the GEMM backend and SIMD level in use.

use crate::guard::guard;
use ferrodl_core::gemm::{self, Backend};
use jni::objects::{JClass, JString};
use jni::EnvUnowned;

/// The library's build and run-time facts as `key=value` lines, in a fixed order:
/// `version`, `target`, `glibc`, `mkl`, `gemm`, `cpu`, `simd`.
pub fn build_info() -> String {
    let mkl = Backend::Mkl.resolve() == Backend::Mkl;
    let entries = [
        ("version", env!("CARGO_PKG_VERSION").to_string()),
        ("target", env!("FERRODL_TARGET").to_string()),
        ("glibc", env!("FERRODL_GLIBC_FLOOR").to_string()),
        ("mkl", if mkl { "linked" } else { "absent" }.to_string()),
        ("gemm", gemm::backend().name().to_string()),
        ("cpu", gemm::cpu_vendor()),
        ("simd", simd_level().to_string()),
    ];
    entries.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

/// The widest SIMD level this CPU offers the kernels that dispatch at run time.
pub fn simd_level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx512f") {
            "avx512"
        } else if has!("avx2") && has!("fma") {
            "avx2+fma"
        } else if has!("avx") {
            "avx"
        } else {
            "sse2"
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        "neon"
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        "none"
    }
}

#[no_mangle]
pub extern "system" fn Java_ferrodl_engine_Native_buildInfo<'l>(
    env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    guard(env, |env| Ok(JString::from_str(env, build_info())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(info: &str, key: &str) -> String {
        let prefix = format!("{key}=");
        info.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no {key} in {info}"))
    }

    #[test]
    fn reports_every_field_in_order() {
        let info = build_info();
        let keys: Vec<&str> = info.lines().filter_map(|l| l.split('=').next()).collect();
        assert_eq!(
            keys,
            ["version", "target", "glibc", "mkl", "gemm", "cpu", "simd"]
        );
        assert_eq!(field(&info, "version"), env!("CARGO_PKG_VERSION"));
        let target = field(&info, "target");
        assert!(target.starts_with(std::env::consts::ARCH), "{target}");
        assert!(target.ends_with("-linux-gnu"), "{target}");
    }

    #[test]
    fn mkl_and_backend_agree_with_the_architecture() {
        let info = build_info();
        let gemm = field(&info, "gemm");
        assert!(gemm == "mkl" || gemm == "rust", "{gemm}");
        if cfg!(target_arch = "x86_64") {
            assert_eq!(field(&info, "mkl"), "linked");
        } else {
            assert_eq!(field(&info, "mkl"), "absent");
            assert_eq!(gemm, "rust");
        }
    }
}
