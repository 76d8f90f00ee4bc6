#!/usr/bin/env bash
# Sets everything up, builds ferrodl, and trains on MNIST on a local Spark (local[2]).
#   bash scripts/run_example.sh                  LeNet-5, 10 epochs (the main example)
#   bash scripts/run_example.sh mlp [options]    the 784-100-10 tanh MLP (or: logreg)
# Options go to the example: --data DIR, --epochs N, --batch-size N, --lr X, --expect-top1 X,
# --resume (continue from build/<model>/ckpt), --local (LocalOptimizer, no Spark).
# Checkpoints go to build/<model>/ckpt, TensorBoard logs to build/<model>/logs, the plot of loss
# and Top1 to build/<model>/curves.png.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
model="lenet5"
case "${1:-}" in lenet5|mlp|logreg) model="$1"; shift ;; esac
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh
gradle --no-daemon -q assemble
out="build/$model"
rm -rf "$out/ckpt"
# The talk's walkthrough: validation and a checkpoint every epoch, TensorBoard summaries, a plot.
walkthrough=(--checkpoint "$out/ckpt" --summary "$out/logs" --plot "$out/curves.png")
if [ "$model" = lenet5 ]; then main=(--class ferrodl.examples.LeNet5 "$FERRODL_EXAMPLES_JAR" "${walkthrough[@]}")
else main=(--class ferrodl.examples.MnistMlp "$FERRODL_EXAMPLES_JAR" --model "$model" "${walkthrough[@]}"); fi
exec "$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 2g --jars "$FERRODL_JAR" "${main[@]}" "$@"
