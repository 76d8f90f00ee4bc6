"""ferrodl for PySpark.

The Python API (py4j wrappers over the Scala classes, in the style of pyspark.ml) is not built
yet; see the project's issues. For now this package only locates the ferrodl jar so that a
SparkSession can be started with it.
"""

import os

__version__ = "0.1.0"


def jar_path():
    """The ferrodl jar: $FERRODL_JAR, else the one built in the source tree (build/libs)."""
    explicit = os.environ.get("FERRODL_JAR")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.path.join(here, "..", "..", "build", "libs", f"ferrodl-spark_2.12-{__version__}.jar")
    return os.path.normpath(candidate)
