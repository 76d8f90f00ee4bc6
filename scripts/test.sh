#!/usr/bin/env bash
# Runs every test: formatting and lints, Rust unit and integration tests, the Gradle build and
# JVM tests, the native-library checks, the end-to-end Spark runs and the Python tests. Installs
# what is missing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh || { echo "setup failed"; exit 1; }
# shellcheck source=scripts/env.sh
. scripts/env.sh
passed=0
failed=0
stage() {
  local name="$1"; shift
  local start=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}
stage "cargo fmt" cargo fmt --all -- --check
stage "cargo clippy" cargo clippy --workspace --all-targets -q -- -D warnings
stage "cargo test" cargo test --workspace -q --no-fail-fast
stage "scalafmt" gradle --no-daemon -q scalafmtCheck
stage "gradle build and JVM tests" gradle --no-daemon -q assemble test
stage "native library checks" bash scripts/check_native.sh
stage "end-to-end on Spark" bash tests/e2e.sh
# Faults on real executor JVMs: an executor killed during validation, the driver killed and resumed.
stage "fault injection (local-cluster)" bash tests/faults.sh
# Distribution (issue 11): the Scala 2.13 jar built and tested on Spark 4 (LeNet-5 end to end,
# Java 17), the wheel with both jars in fresh venvs (pyspark 3.5 and 4), and the Maven and Gradle
# consumer projects against the published artifact.
stage "Scala 2.13 / Spark 4" bash tests/spark4/run.sh
stage "pip wheel in fresh venvs" bash tests/wheel/run.sh
stage "consumer projects (Maven, Gradle)" bash tests/consumers/run.sh
# The Python API: wrappers, errors, the talk's Python examples on MNIST, the example notebook.
stage "Python tests (pytest)" bash -c 'cd python && "$PYSPARK_PYTHON" -m pytest -q -p no:cacheprovider tests'
# The benchmark harness at tiny size, so that it cannot rot (with PyTorch when bench/run.sh has
# installed it; the numbers of a smoke run mean nothing).
bench_smoke() {
  local t=(--no-torch)
  "$HOME/.cache/ferrodl/torchvenv/bin/python" -c "import torch" 2>/dev/null && t=()
  bash bench/run.sh --smoke --reps 1 "${t[@]}"
}
stage "benchmark harness (smoke)" bench_smoke

echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
