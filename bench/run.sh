#!/usr/bin/env bash
# The benchmark harness: ferrodl against PyTorch CPU on the same machine, interleaved in one run.
#   bash bench/run.sh                 every workload, 5 repetitions (about 20-30 minutes)
#   bash bench/run.sh --reps 3 --only lenet128_local,mlp256_local
#   bash bench/run.sh --smoke         tiny sizes, to check the harness works (run by the tests)
# Installs PyTorch from PyPI into ~/.cache/ferrodl/torchvenv (unless --no-torch), builds the jars
# and the GEMM benchmark, and writes bench/results/<date>.{md,json,png,log}.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
torch=1
args=()
for a in "$@"; do
  if [ "$a" = --no-torch ]; then torch=0; else args+=("$a"); fi
done
bash scripts/setup.sh >/dev/null
# shellcheck source=scripts/env.sh
. scripts/env.sh
tv="$HOME/.cache/ferrodl/torchvenv"
if [ $torch = 1 ] && ! "$tv/bin/python" -c "import torch" 2>/dev/null; then
  echo "[bench] installing PyTorch from PyPI into $tv"
  python3 -m venv "$tv"
  "$tv/bin/pip" install -q torch numpy
fi
gradle --no-daemon -q assemble
cargo build -q --release -p ferrodl-core --example gemm_bench --example layer_bench
torch_args=()
[ $torch = 1 ] && torch_args=(--torch-python "$tv/bin/python")
exec "$PYSPARK_PYTHON" bench/driver.py --gemm-bin "${CARGO_TARGET_DIR:-target}/release/examples/gemm_bench" \
  --layer-bin "${CARGO_TARGET_DIR:-target}/release/examples/layer_bench" \
  "${torch_args[@]}" "${args[@]}" -- "$SPARK_HOME/bin/spark-submit" --master 'local[2]' \
  --driver-memory 4g --jars "$FERRODL_JAR" --class ferrodl.examples.Bench "$FERRODL_EXAMPLES_JAR"
