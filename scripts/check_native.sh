#!/usr/bin/env bash
# The shipped library must need nothing at run time but libc, libm, libgcc_s and the loader,
# must have MKL linked in (no undefined cblas_/mkl_ symbols), and must be inside the jar.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
so=target/release/libferrodl.so
jar=build/libs/ferrodl-spark_2.12-0.1.0.jar
status=0
echo "ldd $so:"
ldd "$so" | sed 's/^/  /'
unexpected=$(ldd "$so" | awk '{print $1}' | grep -v -E '^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libgcc_s\.so\.1|/lib64/ld-linux-x86-64\.so\.2)$' || true)
if [ -n "$unexpected" ]; then echo "FAIL: unexpected run-time dependencies: $unexpected"; status=1; fi
undefined=$(nm -D --undefined-only "$so" | grep -E ' (cblas_|mkl_|MKL_)' || true)
if [ -n "$undefined" ]; then echo "FAIL: undefined MKL symbols:"; echo "$undefined"; status=1; fi
if [ "$(nm "$so" | grep -c -E ' [Tt] cblas_sgemm$')" -eq 0 ]; then echo "FAIL: cblas_sgemm is not linked into $so"; status=1; fi
if [ "$(jar tf "$jar" | grep -c '^ferrodl/native/linux-x86_64/libferrodl.so$')" -eq 0 ]; then echo "FAIL: $jar lacks the native library"; status=1; fi
exports=$(nm -D --defined-only "$so" | grep -c ' Java_ferrodl_' || true)
echo "exports: $exports Java_ferrodl_* symbols; .so $(stat -c %s "$so") bytes; jar $(stat -c %s "$jar") bytes"
[ $status -eq 0 ] && echo "native checks: ok"
exit $status
