#!/usr/bin/env bash
# The pip route: builds the wheel from python/ (it must carry both jars: ferrodl-spark_2.12 for
# pyspark 3.5 and ferrodl-spark_2.13 for pyspark 4, as gradle's pythonJar tasks copy them), installs
# it into fresh venvs (one with pyspark 3.5, one with pyspark 4.1; pip's cache supplies pyspark) and
# runs examples/python/logistic_regression.py there, from outside the checkout, with no FERRODL_JAR
# or SPARK_HOME: MNIST logistic regression, 1 epoch, test Top1 >= 0.9.
# Run after `gradle assemble` and `gradle -PscalaBinary=2.13 pythonJar` (tests/spark4/run.sh).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$PWD"
# shellcheck source=scripts/env.sh
. scripts/env.sh
data="$(cd "${FERRODL_DATA:-../shared/datasets/mnist}" && pwd)"
work="$root/build/wheel"
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS wheel $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL wheel $1; last lines of $2:"
  tail -n 25 "$2" | sed 's/^/    /'
}

start=$SECONDS
log="$work/build.log"
if "$PYSPARK_PYTHON" -m pip wheel -q --no-deps -w "$work/dist" ./python >"$log" 2>&1; then
  wheel="$(ls "$work"/dist/ferrodl-*.whl)"
  jars="$(unzip -Z1 "$wheel" | grep -E '^ferrodl/jars/ferrodl-spark_2\.1[23]-.*\.jar$' | sort | tr '\n' ' ')"
  if [ "$(echo "$jars" | wc -w)" -eq 2 ]; then
    pass "built $(basename "$wheel") ($(du -h "$wheel" | cut -f1), $((SECONDS - start)) s): $jars"
  else
    echo "the wheel must carry the 2.12 and the 2.13 jar; it has: $jars" >>"$log"
    fail "wheel contents" "$log"
  fi
else
  fail "pip wheel" "$log"
fi

# try NAME PYSPARK_REQUIREMENT EXPECTED_SCALA
try() {
  local name="$1" req="$2" scala="$3" start=$SECONDS
  local venv="$work/venv-$name" log="$work/$name.log"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q "$wheel" "$req"; } >"$log" 2>&1; then
    fail "install into a fresh venv with $req" "$log"
    return
  fi
  # Outside the checkout, with none of its environment: only the installed package.
  if (cd "$work" && env -u FERRODL_JAR -u SPARK_HOME -u SPARK_SCALA_VERSION -u PYTHONPATH \
      PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python" \
      "$venv/bin/python" -c "
import ferrodl, pyspark, sys
jar = ferrodl.jar_path()
assert ferrodl.__file__.startswith('$venv/'), ferrodl.__file__
assert '/ferrodl-spark_$scala-' in jar and jar.startswith('$venv/'), jar
print('pyspark', pyspark.__version__, 'jar', jar)
" && cd "$work" && env -u FERRODL_JAR -u SPARK_HOME -u SPARK_SCALA_VERSION -u PYTHONPATH \
      PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python" \
      "$venv/bin/python" "$root/examples/python/logistic_regression.py" --data "$data" --expect-top1 0.9) >>"$log" 2>&1; then
    pass "$name ($((SECONDS - start)) s): $(grep -E '^pyspark ' "$log" | sed 's#jar .*/#jar #'); $(grep -oE 'Top1Accuracy on the test set: [0-9.]+' "$log")"
  else
    fail "$name ($((SECONDS - start)) s)" "$log"
  fi
}

if [ -n "${wheel:-}" ]; then
  try pyspark35 "pyspark==3.5.*" 2.12
  try pyspark4 "pyspark==4.1.*" 2.13
fi

echo "wheel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
