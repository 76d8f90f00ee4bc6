# Source this after scripts/setup.sh: the environment ferrodl's scripts run in.
FERRODL_CACHE="${FERRODL_CACHE:-$HOME/.cache/ferrodl}"
export FERRODL_CACHE
export SPARK_HOME="$FERRODL_CACHE/venv/lib/python3.11/site-packages/pyspark"
if [ ! -d "$SPARK_HOME" ]; then
  SPARK_HOME="$("$FERRODL_CACHE/venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null)"
  export SPARK_HOME
fi
export SPARK_SCALA_VERSION=2.12
export PYSPARK_PYTHON="$FERRODL_CACHE/venv/bin/python"
export PATH="$FERRODL_CACHE/venv/bin:$HOME/.cargo/bin:$PATH"
FERRODL_VERSION=0.1.0
_ferrodl_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FERRODL_JAR="$_ferrodl_root/build/libs/ferrodl-spark_2.12-$FERRODL_VERSION.jar"
export FERRODL_EXAMPLES_JAR="$_ferrodl_root/build/libs/ferrodl-examples_2.12-$FERRODL_VERSION.jar"
