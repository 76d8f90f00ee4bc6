#!/usr/bin/env bash
# Checks the native libraries that scripts/build-native.sh built and the jar carries:
#   - both (x86_64 and aarch64) need glibc 2.17 at most (highest GLIBC_ symbol version, objdump -T)
#     and nothing at run time but libc, libm, libdl, libpthread and the loader (readelf -d, ldd):
#     no libmkl, no libstdc++, and no libgcc_s either, since zig links its own unwinder in;
#   - readelf -h reports the right machine for each; the x86_64 one has MKL linked in (no
#     undefined cblas_/mkl_ symbols, MKL's version string inside), the aarch64 one has no MKL;
#   - the jar carries both under ferrodl/native/linux-<arch>/ with their SHA-256, stays < 40 MB;
#   - no build setting assumes a CPU newer than the baseline (target-cpu, AVX2/FMA features);
#   - under qemu-x86_64 -cpu Nehalem (no AVX/AVX2/FMA): a control binary built for AVX2 must die
#     with SIGILL, and the GEMM tests (MKL and pure Rust) and a small model's forward/backward
#     must pass;
#   - under qemu-aarch64: the core's unit tests, the GEMM tests and the build-info tests, built for
#     aarch64-unknown-linux-gnu with cargo-zigbuild.
# Run after `gradle assemble` (and `cargo test`, which builds the x86_64 test binaries). Takes no
# build lock itself: developers run it as `flock /tmp/ferrodl-build.lock bash scripts/check_native.sh`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cache="${FERRODL_CACHE:-$HOME/.cache/ferrodl}"
export PATH="$cache/zig/bin:$PATH"
glibc_floor=2.17
max_jar_bytes=$((40 * 1024 * 1024))
jar=build/libs/ferrodl-spark_2.12-0.1.0.jar
status=0
fail() { echo "FAIL: $*"; status=1; }

# check_lib ARCH MACHINE LOADER: the glibc floor, the dependencies and the ELF machine of one library.
check_lib() {
  local arch=$1 machine=$2 loader=$3 so="target/native/linux-$1/libferrodl.so"
  if [ ! -f "$so" ]; then fail "$so is missing (run scripts/build-native.sh)"; return; fi
  local highest
  highest=$(objdump -T "$so" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  if [ "$(printf '%s\n%s\n' "$highest" "$glibc_floor" | sort -V | tail -1)" != "$glibc_floor" ]; then
    fail "$so needs GLIBC_$highest, newer than $glibc_floor"
  fi
  local needed unexpected
  needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
  unexpected=$(echo "$needed" | tr ' ' '\n' | grep -v -E "^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|$loader|)$" || true)
  [ -n "$unexpected" ] && fail "$so needs $(echo "$unexpected" | tr '\n' ' ')(only libc, libm, libdl, libpthread and $loader are allowed)"
  local got
  got=$(readelf -h "$so" | sed -n 's/^ *Machine: *//p')
  [ "$got" = "$machine" ] || fail "$so is for '$got', not '$machine'"
  local exports
  exports=$(nm -D --defined-only "$so" | grep -c ' Java_ferrodl_' || true)
  echo "  $arch: $(stat -c %s "$so") bytes, $got, highest GLIBC_$highest (floor $glibc_floor), needs: $needed; $exports Java_ferrodl_* exports"
}

echo "native libraries:"
check_lib x86_64 "Advanced Micro Devices X86-64" "ld-linux-x86-64\.so\.2"
check_lib aarch64 "AArch64" "ld-linux-aarch64\.so\.1"
x86=target/native/linux-x86_64/libferrodl.so
arm=target/native/linux-aarch64/libferrodl.so
if [ -f "$x86" ]; then
  echo "ldd $x86:"
  ldd "$x86" | sed 's/^/  /'
  ldd "$x86" | grep -q 'not found' && fail "ldd cannot resolve a dependency of $x86"
  undefined=$(nm -D --undefined-only "$x86" | grep -E ' (cblas_|mkl_|MKL_)' || true)
  [ -n "$undefined" ] && fail "undefined MKL symbols in $x86: $undefined"
  grep -q -a 'Intel(R) oneAPI Math Kernel Library' "$x86" || fail "MKL is not linked into $x86"
fi
if [ -f "$arm" ]; then
  grep -q -a 'Math Kernel Library' "$arm" && fail "$arm contains MKL"
  nm -D "$arm" | grep -q -E ' (cblas_|mkl_)' && fail "$arm refers to cblas_/mkl_ symbols"
  if [ -x "$(command -v qemu-aarch64)" ] && [ -d /usr/aarch64-linux-gnu/lib ]; then
    echo "ld.so --list $arm (under qemu-aarch64):"
    qemu-aarch64 -L /usr/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 --list "$arm" | sed 's/^/  /' \
      || fail "the aarch64 loader cannot resolve $arm's dependencies"
  fi
  if [ -f "$x86" ]; then
    a=$(nm -D --defined-only "$x86" | grep ' Java_ferrodl_' | awk '{print $3}' | sort | md5sum)
    b=$(nm -D --defined-only "$arm" | grep ' Java_ferrodl_' | awk '{print $3}' | sort | md5sum)
    [ "$a" = "$b" ] || fail "the two libraries export different Java_ferrodl_* functions"
  fi
fi

jar_entry() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$jar" "$1" 2>/dev/null; }
echo "jar $jar:"
if [ -f "$jar" ]; then
  for p in linux-x86_64 linux-aarch64; do
    entry="ferrodl/native/$p/libferrodl.so"
    recorded=$(jar_entry "$entry.sha256" | tr -d '[:space:]')
    actual=$(jar_entry "$entry" | sha256sum | cut -d' ' -f1)
    local_so="target/native/$p/libferrodl.so"
    [ -n "$recorded" ] || fail "$jar lacks $entry.sha256"
    [ "$recorded" = "$actual" ] || fail "$jar: $entry's SHA-256 $actual differs from the recorded $recorded"
    [ -f "$local_so" ] && [ "$(sha256sum < "$local_so" | cut -d' ' -f1)" != "$actual" ] \
      && fail "$jar's $entry is not the library in $local_so (stale jar?)"
  done
  size=$(stat -c %s "$jar")
  echo "  $size bytes ($((size / 1024 / 1024)) MB; limit 40 MB)"
  [ "$size" -lt "$max_jar_bytes" ] || fail "$jar is $size bytes, over 40 MB"
else
  fail "$jar is missing (run gradle assemble)"
fi

echo "build settings:"
flags=$(grep -n -E 'target-cpu|target-feature|avx2|\+fma' Cargo.toml native/*/Cargo.toml .cargo/config.toml \
          scripts/build-native.sh build.gradle 2>/dev/null | grep -v '^[^:]*:[0-9]*: *#' || true)
[ -n "$flags" ] && fail "a build setting targets a specific CPU: $flags"
env | grep -E '^(CARGO_ENCODED_RUSTFLAGS|RUSTFLAGS)=.*(target-cpu|target-feature)' && fail "RUSTFLAGS target a specific CPU"
echo "  no target-cpu / target-feature settings"

# The x86_64 test binaries that `cargo test --workspace` built (the test profile; same baseline).
test_binary() {
  cargo test -q --workspace --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])' "$1" | tail -1
}

if [ -x "$(command -v qemu-x86_64)" ]; then
  echo "qemu-x86_64 -cpu Nehalem (no AVX, AVX2, FMA):"
  probe_dir=$(mktemp -d)
  cat > "$probe_dir/probe.rs" <<'RS'
// Built for AVX2+FMA on purpose: the emulated CPU must refuse it, or the run below proves nothing.
fn main() {
    let a: Vec<f32> = (0..256).map(|i| i as f32).collect();
    let mut c = vec![0.5f32; 256];
    for (c, a) in c.iter_mut().zip(std::hint::black_box(&a)) {
        *c = a.mul_add(2.0, *c);
    }
    println!("{}", std::hint::black_box(&c)[7]);
}
RS
  rustc -O -C target-feature=+avx2,+fma "$probe_dir/probe.rs" -o "$probe_dir/probe" 2>/dev/null \
    || fail "could not build the AVX2 control binary"
  qemu-x86_64 -cpu Nehalem "$probe_dir/probe" >/dev/null 2>&1
  rc=$?
  if [ "$rc" -eq 132 ]; then echo "  control: a binary built for AVX2+FMA dies with SIGILL, as it must"
  else fail "the AVX2 control binary exited with $rc under -cpu Nehalem, not SIGILL: the emulation does not hide AVX2"; fi
  rm -rf "$probe_dir"
  for t in portable_cpu gemm_backends; do
    bin=$(test_binary "$t")
    if [ -z "$bin" ] || [ ! -x "$bin" ]; then fail "no test binary for $t"; continue; fi
    if out=$(FERRODL_EXPECT_SIMD=none timeout 300 qemu-x86_64 -cpu Nehalem "$bin" --test-threads 1 2>&1); then
      echo "  $t: $(echo "$out" | grep '^test result' | tail -1)"
    else
      echo "$out" | tail -20; fail "$t under qemu-x86_64 -cpu Nehalem"
    fi
  done
else
  fail "qemu-x86_64 is missing (scripts/setup.sh installs qemu-user)"
fi

if [ -x "$(command -v qemu-aarch64)" ] && [ -d /usr/aarch64-linux-gnu/lib ]; then
  echo "aarch64 tests under qemu-aarch64 (cargo-zigbuild, release profile as the shipped library):"
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
  # The settings of scripts/build-native.sh, so the dependencies it built are reused.
  export CARGO_PROFILE_RELEASE_STRIP=symbols FERRODL_GLIBC_FLOOR=$glibc_floor
  arm_test() {
    local out
    if out=$(timeout 480 cargo-zigbuild test -q --release --target "aarch64-unknown-linux-gnu.$glibc_floor" "$@" 2>&1); then
      echo "$out" | grep '^test result' | sed 's/^/  /'
    else
      echo "$out" | grep -v '^warning' | tail -30; fail "aarch64 tests ($*) under qemu-aarch64"
    fi
  }
  arm_test -p ferrodl-core --lib --test gemm_backends --test portable_cpu
  arm_test -p ferrodl-jni --lib build_info
else
  fail "qemu-aarch64 or the aarch64 glibc (libc6-arm64-cross) is missing (scripts/setup.sh installs them)"
fi

[ $status -eq 0 ] && echo "native checks: ok"
exit $status
