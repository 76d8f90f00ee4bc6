#!/usr/bin/env bash
# End-to-end: MNIST through spark-submit with the self-contained jar, in local[2] and in
# local-cluster[2,1,1024] (real executor JVMs). Cases:
#   logreg 1 epoch >= 0.90 and the MLP 2 epochs >= 0.95 test Top1, in both masters;
#   TensorBoard's own reader reads the MLP run's summaries and agrees with readScalar;
#   kill and resume: an MLP run killed (kill -9) after its first checkpoint, resumed, ends with
#     the same weights, byte for byte, as the uninterrupted run;
#   lost executor: one executor JVM is killed mid-training in local-cluster; training completes
#     and still reaches 0.95;
#   a graph with two inputs and two outputs trains with a ParallelCriterion in local-cluster to a
#     test loss <= 0.35;
#   LeNet-5 (the talk's walkthrough: validation, checkpoints, summaries, plot) 10 epochs of SGD
#     >= 0.985 on Spark, and the same in this JVM with LocalOptimizer, within 0.5% of it;
#   LeNet-5 3 epochs of Adam (Step schedule, gradient clipping) >= 0.98;
#   an LSTM sequence classifier reaches >= 0.9 on a task where bag of words stays at chance.
# Prints one PASS/FAIL line per case and a summary.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
data="${FERRODL_DATA:-../shared/datasets/mnist}"
logs="build/e2e"
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "PASS e2e $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL e2e $1; last lines of $2:"
  tail -n 25 "$2" | sed 's/^/    /'
}

# submit MASTER LOG MODEL ARGS...: runs an example through spark-submit.
submit() {
  local master="$1" log="$2" model="$3"
  shift 3
  local main=(--class ferrodl.examples.MnistMlp "$FERRODL_EXAMPLES_JAR" --model "$model")
  [ "$model" = lenet5 ] && main=(--class ferrodl.examples.LeNet5 "$FERRODL_EXAMPLES_JAR")
  "$SPARK_HOME/bin/spark-submit" --master "$master" --driver-memory 2g --executor-memory 1g \
    --conf spark.ui.enabled=false --jars "$FERRODL_JAR" "${main[@]}" --data "$data" "$@" >"$log" 2>&1
}

top1() { grep -E '^Top1Accuracy' "$1" | tail -1 | sed -E 's/.*accuracy: ([0-9.]+).*/\1/'; }

# run_case NAME MASTER MODEL EPOCHS EXPECT ARGS...
run_case() {
  local name="$1" master="$2" model="$3" epochs="$4" expect="$5"
  shift 5
  local start=$SECONDS log="$logs/$name.log"
  if submit "$master" "$log" "$model" --epochs "$epochs" --expect-top1 "$expect" "$@"; then
    pass "$name ($((SECONDS - start)) s): Top1 $(top1 "$log")"
  else
    fail "$name ($((SECONDS - start)) s)" "$log"
  fi
  grep -E '^ferrodl: trained' "$log" | sed 's/^/    /' || true
}

# wait_for FILE_OR_PATTERN LOG SECONDS: waits until the file exists (or the log has the pattern).
wait_for() {
  local what="$1" log="$2" limit=$((SECONDS + $3))
  while [ $SECONDS -lt $limit ]; do
    if [ -e "$what" ] || grep -qE "$what" "$log" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

mlp_args=(--seed 5 --batch-size 128)

run_case logreg-local 'local[2]' logreg 1 0.90
run_case mlp-local 'local[2]' mlp 2 0.95 "${mlp_args[@]}" --save-weights "$logs/mlp-full.bin" \
  --summary "$logs/tb" --dump-loss "$logs/mlp-loss.txt" --plot "$logs/mlp.png"

# TensorBoard's reader against readScalar.
if out=$("$PYSPARK_PYTHON" tests/check_tensorboard.py "$logs/tb/ferrodl_MNIST_mlp" "$logs/mlp-loss.txt" 2>&1); then
  pass "tensorboard: $out"
else
  echo "$out" >"$logs/tensorboard.log"
  fail "tensorboard" "$logs/tensorboard.log"
fi

# Kill after the first checkpoint (469 iterations = 1 epoch), resume, compare the weights.
start=$SECONDS
ckpt="$logs/ckpt"
submit 'local[2]' "$logs/killed.log" mlp --epochs 2 "${mlp_args[@]}" --checkpoint "$ckpt" &
victim=$!
if wait_for "$ckpt/optimMethod.469" "$logs/killed.log" 300; then
  pkill -9 -P "$victim" # the driver JVM (spark-submit execs it), with Spark's local executors inside
  wait "$victim" 2>/dev/null
  if [ -e "$ckpt/optimMethod.938" ]; then
    echo "run finished before the kill" >>"$logs/killed.log"
    fail "kill-and-resume: not killed in time" "$logs/killed.log"
  elif submit 'local[2]' "$logs/resumed.log" mlp --epochs 2 "${mlp_args[@]}" --checkpoint "$ckpt" --resume \
    --save-weights "$logs/mlp-resumed.bin" --expect-top1 0.95 && cmp -s "$logs/mlp-full.bin" "$logs/mlp-resumed.bin"; then
    pass "kill-and-resume ($((SECONDS - start)) s): killed after iteration 469, resumed; weights equal the uninterrupted run's"
  else
    cmp "$logs/mlp-full.bin" "$logs/mlp-resumed.bin" >>"$logs/resumed.log" 2>&1
    fail "kill-and-resume" "$logs/resumed.log"
  fi
else
  pkill -9 -P "$victim"
  fail "kill-and-resume: no checkpoint" "$logs/killed.log"
fi

run_case logreg-cluster 'local-cluster[2,1,1024]' logreg 1 0.90
run_case mlp-cluster 'local-cluster[2,1,1024]' mlp 2 0.95 "${mlp_args[@]}"

# Lose an executor JVM mid-training: Spark relaunches it and recomputes its data.
start=$SECONDS
log="$logs/lost-executor.log"
submit 'local-cluster[2,1,1024]' "$log" mlp --epochs 2 --expect-top1 0.95 "${mlp_args[@]}" &
job=$!
if wait_for 'Iteration 150\]' "$log" 300; then
  executor=$(pgrep -f CoarseGrainedExecutorBackend | head -1)
  kill -9 "$executor"
  echo "e2e: killed executor JVM $executor" >>"$log"
fi
if wait "$job" && [ -n "${executor:-}" ]; then
  pass "lost-executor ($((SECONDS - start)) s): executor $executor killed at iteration 150; Top1 $(top1 "$log")"
else
  fail "lost-executor" "$log"
fi

# A graph with two inputs and two outputs (ParallelCriterion) on real executor JVMs.
start=$SECONDS
log="$logs/two-towers-cluster.log"
if "$SPARK_HOME/bin/spark-submit" --master 'local-cluster[2,1,1024]' --driver-memory 2g --executor-memory 1g \
    --conf spark.ui.enabled=false --jars "$FERRODL_JAR" --class ferrodl.examples.TwoTowers "$FERRODL_EXAMPLES_JAR" \
    --data "$data" --epochs 2 --expect-loss 0.35 >"$log" 2>&1; then
  pass "two-towers-cluster ($((SECONDS - start)) s): $(grep -E '^Test loss' "$log")"
else
  fail "two-towers-cluster ($((SECONDS - start)) s)" "$log"
fi

# Sequence classification with an LSTM (LookupTable, Recurrent(LSTM), the last step, Linear): a
# task that needs memory, where a bag-of-words baseline stays at chance.
start=$SECONDS
log="$logs/lstm-sequences.log"
if "$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 2g --conf spark.ui.enabled=false \
    --jars "$FERRODL_JAR" --class ferrodl.examples.SequenceClassification "$FERRODL_EXAMPLES_JAR" \
    --expect-top1 0.9 >"$log" 2>&1; then
  pass "lstm-sequences ($((SECONDS - start)) s): $(grep -E '^LSTM test Top1' "$log")"
else
  fail "lstm-sequences ($((SECONDS - start)) s)" "$log"
fi

walkthrough=(--checkpoint "$logs/lenet/ckpt" --summary "$logs/lenet/logs" --plot "$logs/lenet/curves.png")
run_case lenet5-local 'local[2]' lenet5 10 0.985 "${walkthrough[@]}"
run_case lenet5-jvm-local 'local[2]' lenet5 10 0.985 --local
a=$(top1 "$logs/lenet5-local.log")
b=$(top1 "$logs/lenet5-jvm-local.log")
if [ -n "$a" ] && [ -n "$b" ] && python3 -c "import sys; sys.exit(abs($a - $b) > 0.005)"; then
  pass "LocalOptimizer vs Spark: LeNet-5 Top1 $b in this JVM, $a on Spark"
else
  echo "Top1 on Spark '$a', LocalOptimizer '$b'" >"$logs/local-vs-spark.log"
  fail "LocalOptimizer vs Spark" "$logs/local-vs-spark.log"
fi
# Adam with a Step schedule (halving every epoch) and L2-norm gradient clipping.
run_case lenet5-adam 'local[2]' lenet5 3 0.98 --optim adam
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
