#!/usr/bin/env bash
# End-to-end: MNIST through spark-submit, in local[2] and in local-cluster[2,1,1024] (real
# executor JVMs), with the self-contained jar. Logistic regression 1 epoch >= 0.90, the MLP
# 2 epochs >= 0.95 test Top1; LeNet-5 (the talk's topology) 10 epochs of SGD >= 0.985 and
# 3 epochs of Adam (Step schedule, gradient clipping) >= 0.98, in local[2].
# Prints one PASS/FAIL line per case and a summary.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
data="${FERRODL_DATA:-../shared/datasets/mnist}"
logs="build/e2e"
mkdir -p "$logs"
passed=0
failed=0
run_case() {
  local master="$1" model="$2" epochs="$3" expect="$4"
  shift 4
  local main=(--class ferrodl.examples.MnistMlp "$FERRODL_EXAMPLES_JAR" --model "$model")
  [ "$model" = lenet5 ] && main=(--class ferrodl.examples.LeNet5 "$FERRODL_EXAMPLES_JAR")
  local name="${model}-${master//[^a-z0-9]/_}${1:+-${2:-$1}}"
  local start=$SECONDS
  if "$SPARK_HOME/bin/spark-submit" --master "$master" --driver-memory 2g --executor-memory 1g \
      --conf spark.ui.enabled=false \
      --jars "$FERRODL_JAR" "${main[@]}" \
      --data "$data" --epochs "$epochs" --expect-top1 "$expect" "$@" >"$logs/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "PASS e2e $name ($((SECONDS - start)) s): $(grep -E '^Top1Accuracy' "$logs/$name.log")"
  else
    failed=$((failed + 1))
    echo "FAIL e2e $name ($((SECONDS - start)) s); last lines of $logs/$name.log:"
    tail -n 25 "$logs/$name.log" | sed 's/^/    /'
  fi
  grep -E '^ferrodl: trained' "$logs/$name.log" | sed 's/^/    /' || true
}
for master in 'local[2]' 'local-cluster[2,1,1024]'; do
  run_case "$master" logreg 1 0.90
  run_case "$master" mlp 2 0.95
done
run_case 'local[2]' lenet5 10 0.985
# Adam with a Step schedule (halving every epoch) and L2-norm gradient clipping.
run_case 'local[2]' lenet5 3 0.98 --optim adam
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
