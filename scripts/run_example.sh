#!/usr/bin/env bash
# Sets everything up, builds ferrodl, and trains the MNIST MLP on a local Spark (local[2]).
# Extra arguments go to the example, e.g. --data DIR --model logreg --epochs 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh
gradle --no-daemon -q assemble
exec "$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 2g \
  --jars "$FERRODL_JAR" --class ferrodl.examples.MnistMlp "$FERRODL_EXAMPLES_JAR" "$@"
