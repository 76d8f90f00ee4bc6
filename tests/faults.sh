#!/usr/bin/env bash
# Fault injection on real executor JVMs (local-cluster[2,1,1024]), with the FaultDrill example
# (made-up data, frequent checkpoints, a validation set that takes seconds to evaluate):
#   executor-during-validation: one of this application's executor JVMs is killed (kill -9) while
#     validation runs; Spark relaunches it, validation completes, training completes;
#   driver-and-resume: the driver JVM is killed (kill -9) mid-training after a few checkpoints;
#     a new run with --resume starts exactly after the newest complete checkpoint's iteration (so
#     nothing past it is lost) and completes.
# Prints one PASS/FAIL line per case and "faults: N injected, M survived"; exits 1 on a failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
logs="build/faults"
rm -rf "$logs"
mkdir -p "$logs"
master='local-cluster[2,1,1024]'
injected=0
survived=0
failed=0

fail() {
  failed=$((failed + 1))
  echo "FAIL faults $1; last lines of $2:"
  tail -n 25 "$2" | sed 's/^/    /'
}

drill() {
  local log="$1"
  shift
  "$SPARK_HOME/bin/spark-submit" --master "$master" --driver-memory 1g --executor-memory 1g \
    --conf spark.ui.enabled=false --jars "$FERRODL_JAR" --class ferrodl.examples.FaultDrill \
    "$FERRODL_EXAMPLES_JAR" "$@" >"$log" 2>&1
}

# wait_for PATTERN LOG SECONDS [FILE]: until LOG has PATTERN (or FILE exists).
wait_for() {
  local pattern="$1" log="$2" limit=$((SECONDS + $3)) file="${4:-}"
  while [ $SECONDS -lt $limit ]; do
    if [ -n "$file" ] && [ -e "$file" ]; then return 0; fi
    if [ -z "$file" ] && grep -qE "$pattern" "$log" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# The executor JVMs of the application whose driver logged its app id in LOG (never another's).
executors_of() {
  local app
  app=$(grep -oE '^FaultDrill: application app-[0-9]+-[0-9]+' "$1" | head -1 | sed 's/.* //')
  [ -n "$app" ] && pgrep -f "CoarseGrainedExecutorBackend.*--app-id $app"
}

# 1. An executor killed while validation runs.
start=$SECONDS
log="$logs/executor-during-validation.log"
drill "$log" --iterations 120 --validate-every 60 --val-size 1000000 --expect-top1 0.9 &
job=$!
killed=""
if wait_for 'Validating after iteration 60' "$log" 180; then
  sleep 0.5
  killed=$(executors_of "$log" | head -1)
  if [ -n "$killed" ]; then
    at=$(wc -l <"$log")
    kill -9 "$killed" && injected=$((injected + 1))
  fi
fi
if wait "$job" && [ -n "$killed" ]; then
  # The validation that was running when the executor died reported after the kill.
  after=$(tail -n +"$at" "$log" | grep -cE 'Top1Accuracy is' || true)
  if [ "$after" -ge 2 ] && grep -q 'FaultDrill: trained to iteration 120' "$log"; then
    survived=$((survived + 1))
    echo "PASS faults executor-during-validation ($((SECONDS - start)) s): executor $killed killed at line $at while validating; $(grep -E '^FaultDrill: trained' "$log")"
  else
    fail "executor-during-validation: validation did not finish after the kill" "$log"
  fi
else
  fail "executor-during-validation (killed '${killed}')" "$log"
fi

# 2. The driver killed mid-training, then resumed from the newest complete checkpoint.
start=$SECONDS
ckpt="$logs/ckpt"
log="$logs/driver-killed.log"
drill "$log" --iterations 200 --every 20 --validate-every 1000 --checkpoint "$ckpt" &
victim=$!
if wait_for '' "$log" 180 "$ckpt/optimMethod.60"; then
  sleep 0.5
  pkill -9 -P "$victim" && injected=$((injected + 1)) # the driver JVM (spark-submit execs it)
  wait "$victim" 2>/dev/null
  executors_of "$log" | xargs -r kill -9 2>/dev/null # its orphaned executors, if still there
  # The newest complete checkpoint: both files of one iteration count.
  last=0
  for f in "$ckpt"/optimMethod.*; do
    n="${f##*.}"
    if [ -e "$ckpt/model.$n" ] && [ "$n" -gt "$last" ]; then last=$n; fi
  done
  rlog="$logs/driver-resumed.log"
  if [ "$last" -ge 200 ]; then
    fail "driver-and-resume: the run finished before the kill" "$log"
  elif drill "$rlog" --iterations 200 --every 20 --validate-every 1000 --checkpoint "$ckpt" --resume --expect-top1 0.9 &&
    grep -q "^FaultDrill: started at iteration $((last + 1))\$" "$rlog" &&
    grep -qE "\[Iteration $((last + 1))\]" "$rlog" && ! grep -qE "\[Iteration $last\]" "$rlog" &&
    grep -q 'FaultDrill: trained to iteration 200' "$rlog"; then
    survived=$((survived + 1))
    echo "PASS faults driver-and-resume ($((SECONDS - start)) s): driver killed after checkpoint $last; resumed at iteration $((last + 1)); $(grep -E '^FaultDrill: trained' "$rlog")"
  else
    fail "driver-and-resume (newest checkpoint $last)" "$rlog"
  fi
else
  pkill -9 -P "$victim"
  fail "driver-and-resume: no checkpoint" "$log"
fi

echo "faults: $injected injected, $survived survived"
[ "$failed" -eq 0 ] && [ "$survived" -eq "$injected" ]
