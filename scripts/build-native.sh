#!/usr/bin/env bash
# Builds the release native libraries that go into the jar, with cargo-zigbuild (zig as the
# linker, glibc 2.17 symbol versions: manylinux2014, so RHEL/CentOS 7, Amazon Linux 2 and newer):
#   target/native/linux-x86_64/libferrodl.so   x86_64-unknown-linux-gnu.2.17, MKL linked statically
#   target/native/linux-aarch64/libferrodl.so  aarch64-unknown-linux-gnu.2.17, pure-Rust GEMM only
# Symbols are stripped (the jar stays small); the libraries keep their dynamic exports.
# Usage: scripts/build-native.sh [x86_64|aarch64 ...]   (default: both). Needs scripts/setup.sh.
# Callers hold the build lock (gradle's cargoBuild runs under it), so this script takes none.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${FERRODL_CACHE:-$HOME/.cache/ferrodl}"
cd "$root"
# cargo-zigbuild and the ziglang wheel (zig runs as `python -m ziglang`) live in this venv.
export PATH="$cache/zig/bin:$PATH"
if ! command -v cargo-zigbuild >/dev/null 2>&1; then
  echo "build-native: cargo-zigbuild is missing; run scripts/setup.sh" >&2
  exit 1
fi
glibc=2.17
# Read by native/jni/build.rs: the floor `Native.buildInfo` reports.
export FERRODL_GLIBC_FLOOR=$glibc
# Nothing may assume a CPU newer than the baseline of the target (no target-cpu=native, no
# unconditional AVX2/FMA): the kernels pick their SIMD level at run time.
export CARGO_PROFILE_RELEASE_STRIP=symbols
arches=("$@")
[ ${#arches[@]} -eq 0 ] && arches=(x86_64 aarch64)
for arch in "${arches[@]}"; do
  case "$arch" in
    x86_64|aarch64) ;;
    *) echo "build-native: unknown architecture '$arch' (x86_64 or aarch64)" >&2; exit 2 ;;
  esac
  triple="$arch-unknown-linux-gnu"
  cargo zigbuild --quiet --release -p ferrodl-jni --target "$triple.$glibc"
  out="target/native/linux-$arch"
  mkdir -p "$out"
  cp -f "target/$triple/release/libferrodl.so" "$out/libferrodl.so.tmp"
  mv -f "$out/libferrodl.so.tmp" "$out/libferrodl.so"
  echo "build-native: $out/libferrodl.so ($(stat -c %s "$out/libferrodl.so") bytes, $triple, glibc >= $glibc)"
done
