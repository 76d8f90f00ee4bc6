//! Records what the library is built for, for `Native.buildInfo`: the target triple (from cargo)
//! and the glibc floor (`FERRODL_GLIBC_FLOOR`, set by scripts/build-native.sh when it links
//! against glibc 2.17 with cargo-zigbuild; `host` for a plain `cargo build`).

fn main() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| String::from("unknown"));
    println!("cargo:rustc-env=FERRODL_TARGET={target}");
    let floor = std::env::var("FERRODL_GLIBC_FLOOR").unwrap_or_else(|_| String::from("host"));
    println!("cargo:rustc-env=FERRODL_GLIBC_FLOOR={floor}");
    println!("cargo:rerun-if-env-changed=FERRODL_GLIBC_FLOOR");
    println!("cargo:rerun-if-changed=build.rs");
}
