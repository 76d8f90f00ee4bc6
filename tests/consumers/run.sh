#!/usr/bin/env bash
# The Maven/SBT route: `gradle publish` writes io.ferrodl:ferrodl-spark_2.12 to build/repo; the
# Maven project (maven/pom.xml) and the Gradle project (gradle/build.gradle) here depend on it from
# that repository, compile the training program in src/main/scala (example.TrainBlobs) against it,
# and run it with spark-submit --jars <the published jar> in local[2]; each must train to a test
# Top1 above 0.95 (the program exits 1 otherwise). sbt/build.sbt is the same build for SBT users
# (not run here).
# FERRODL_BUILD_LOCK=FILE wraps the gradle publish call in `flock FILE` (for shared checkouts).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$PWD"
# shellcheck source=scripts/env.sh
. scripts/env.sh
logs="$root/build/consumers"
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS consumers $*"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL consumers $1; last lines of $2:"
  tail -n 25 "$2" | sed 's/^/    /'
}

version="$FERRODL_VERSION"
repo="$root/build/repo"
published="$repo/io/ferrodl/ferrodl-spark_2.12/$version/ferrodl-spark_2.12-$version.jar"
start=$SECONDS
log="$logs/publish.log"
publish=(gradle --no-daemon -q publish)
[ -n "${FERRODL_BUILD_LOCK:-}" ] && publish=(flock "$FERRODL_BUILD_LOCK" "${publish[@]}")
if "${publish[@]}" >"$log" 2>&1 && [ -f "$published" ]; then
  pass "gradle publish ($((SECONDS - start)) s): $(cd "$repo" && find io -name '*.jar' -path '*_2.12*' | sort | tr '\n' ' ')"
else
  fail "gradle publish ($((SECONDS - start)) s)" "$log"
fi

# run_consumer NAME JAR: spark-submit the consumer's program with the published ferrodl jar.
run_consumer() {
  local name="$1" jar="$2" log="$logs/$1-run.log" start=$SECONDS
  if unzip -Z1 "$jar" | grep -q '^ferrodl/'; then
    echo "$jar bundles ferrodl's classes; they must come from --jars" >"$log"
    fail "$name: consumer jar" "$log"
    return
  fi
  if "$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 1g --conf spark.ui.enabled=false \
    --jars "$published" --class example.TrainBlobs "$jar" >"$log" 2>&1; then
    pass "$name runs ($((SECONDS - start)) s): $(grep -E '^ferrodl .* test Top1' "$log")"
  else
    fail "$name runs ($((SECONDS - start)) s)" "$log"
  fi
}

# Maven caches what it resolves from a remote repository: forget the previous build's ferrodl.
rm -rf "$HOME/.m2/repository/io/ferrodl"
start=$SECONDS
log="$logs/maven-build.log"
rm -rf tests/consumers/maven/target
if (cd tests/consumers/maven && mvn -B -q package -Dferrodl.repo="file://$repo") >"$log" 2>&1; then
  pass "maven build ($((SECONDS - start)) s)"
  run_consumer maven tests/consumers/maven/target/ferrodl-consumer-maven-1.0.jar
else
  fail "maven build ($((SECONDS - start)) s)" "$log"
fi

start=$SECONDS
log="$logs/gradle-build.log"
rm -rf tests/consumers/gradle/build
if (cd tests/consumers/gradle && gradle --no-daemon -q -PferrodlRepo="$repo" jar) >"$log" 2>&1; then
  pass "gradle build ($((SECONDS - start)) s)"
  run_consumer gradle tests/consumers/gradle/build/libs/ferrodl-consumer-gradle-1.0.jar
else
  fail "gradle build ($((SECONDS - start)) s)" "$log"
fi

echo "consumers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
