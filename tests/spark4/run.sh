#!/usr/bin/env bash
# The Scala 2.13 / Spark 4 route, end to end:
#   1. builds ferrodl-spark_2.13 (and its examples jar) from the same sources with
#      `gradle -PscalaBinary=2.13`, publishes it to build/repo, puts it next to the 2.12 jar in
#      python/ferrodl/jars (the wheel carries both), and runs a smoke subset of the JVM tests
#      against Spark 4 (LocalSparkTrainingTest, NNFramesTest);
#   2. trains LeNet-5 on MNIST (2 epochs of SGD) with spark-submit from pyspark 4
#      ($FERRODL_CACHE/venv-spark4, made by scripts/setup.sh) on Java 17, in local[2], and asserts
#      test Top1 >= 0.975;
#   3. checks the published POM names Spark 4 and Scala 2.13 as provided.
# FERRODL_BUILD_LOCK=FILE wraps the gradle call in `flock FILE` (for shared checkouts);
# FERRODL_SPARK4_NO_BUILD=1 skips step 1.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
data="${FERRODL_DATA:-../shared/datasets/mnist}"
logs="build/spark4"
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS spark4 $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL spark4 $1; last lines of $2:"
  tail -n 25 "$2" | sed 's/^/    /'
}
gradle_locked() {
  if [ -n "${FERRODL_BUILD_LOCK:-}" ]; then flock "$FERRODL_BUILD_LOCK" gradle "$@"; else gradle "$@"; fi
}

version="$FERRODL_VERSION"
jar="build/libs/ferrodl-spark_2.13-$version.jar"
examples="build/libs/ferrodl-examples_2.13-$version.jar"
if [ -z "${FERRODL_SPARK4_NO_BUILD:-}" ]; then
  start=$SECONDS
  log="$logs/build.log"
  if gradle_locked --no-daemon -q -PscalaBinary=2.13 shimJar examplesJar pythonJar publish test \
      --tests 'ferrodl.optim.LocalSparkTrainingTest' --tests 'ferrodl.nnframes.NNFramesTest' >"$log" 2>&1; then
    pass "build and JVM smoke tests on Scala 2.13 / Spark 4 ($((SECONDS - start)) s): $(du -h "$jar" | cut -f1) jar"
  else
    fail "build and JVM smoke tests on Scala 2.13 / Spark 4 ($((SECONDS - start)) s)" "$log"
  fi
fi

# The POM of the published 2.13 artifact: Spark 4 and Scala 2.13, both provided.
pom="build/repo/io/ferrodl/ferrodl-spark_2.13/$version/ferrodl-spark_2.13-$version.pom"
if [ -f "$pom" ] && grep -q '<artifactId>spark-core_2.13</artifactId>' "$pom" && grep -q '<version>4\.' "$pom" &&
  [ "$(grep -c '<scope>provided</scope>' "$pom")" -ge 3 ] &&
  [ -f "${pom%.pom}-sources.jar" ] && [ -f "${pom%.pom}-javadoc.jar" ]; then
  pass "published ferrodl-spark_2.13 with sources and scaladoc jars; Spark $(grep -A1 'spark-core_2.13' "$pom" | sed -nE 's/.*<version>(.*)<\/version>.*/\1/p') provided"
else
  echo "missing or wrong: $pom" >"$logs/pom.log"
  [ -f "$pom" ] && cat "$pom" >>"$logs/pom.log"
  fail "published POM" "$logs/pom.log"
fi

# LeNet-5 with spark-submit from pyspark 4 on Java 17.
venv4="$FERRODL_CACHE/venv-spark4"
spark4="$("$venv4/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null)"
java17="${FERRODL_JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}"
start=$SECONDS
log="$logs/lenet5-spark4.log"
if [ -z "$spark4" ]; then
  echo "no pyspark in $venv4: run scripts/setup.sh" >"$log"
  fail "lenet5 on Spark 4" "$log"
elif JAVA_HOME="$java17" SPARK_HOME="$spark4" PYSPARK_PYTHON="$venv4/bin/python" \
  "$spark4/bin/spark-submit" --master 'local[2]' --driver-memory 2g --conf spark.ui.enabled=false \
  --jars "$jar" --class ferrodl.examples.LeNet5 "$examples" --data "$data" --epochs 2 \
  --expect-top1 0.975 >"$log" 2>&1 && grep -q 'Running Spark version 4\.' "$log"; then
  pass "lenet5 on Spark $("$venv4/bin/python" -c 'import pyspark; print(pyspark.__version__)') / Java 17 ($((SECONDS - start)) s): Top1 $(grep -E '^Top1Accuracy' "$log" | tail -1 | sed -E 's/.*accuracy: ([0-9.]+).*/\1/')"
  grep -E '^ferrodl: trained' "$log" | sed 's/^/    /'
else
  fail "lenet5 on Spark 4 ($((SECONDS - start)) s)" "$log"
fi

echo "spark4: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
