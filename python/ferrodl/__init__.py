"""ferrodl for PySpark: BigDL's Python API on ferrodl's Rust engine.

``from ferrodl.nn.layer import *``, ``from ferrodl.nn.criterion import *``,
``from ferrodl.optim.optimizer import *`` and ``from ferrodl.util.common import *`` give the
classes a BigDL user knows. Start Spark with ``create_spark_conf()`` (or just call
``init_engine()``), and the bundled jar is on the driver and executor classpaths.
"""

import glob
import os

__version__ = "0.1.0"

_HERE = os.path.dirname(os.path.abspath(__file__))


def spark_scala_binary():
    """The Scala binary version ("2.12" or "2.13") of the Spark that pyspark starts: read from the
    scala-library jar of $SPARK_HOME (pyspark's launcher prefers it) or of pyspark's own jars, else
    from pyspark's major version (Spark 4 is built for Scala 2.13 only)."""
    homes = [os.environ.get("SPARK_HOME")]
    try:
        import pyspark
        homes.append(os.path.dirname(pyspark.__file__))
    except ImportError:
        pyspark = None
    for home in homes:
        libs = sorted(glob.glob(os.path.join(home, "jars", "scala-library-*.jar"))) if home else []
        if libs:
            version = os.path.basename(libs[-1])[len("scala-library-"):-len(".jar")]
            return ".".join(version.split(".")[:2])
    if pyspark is not None and int(pyspark.__version__.split(".")[0]) >= 4:
        return "2.13"
    return "2.12"


def jar_path():
    """The ferrodl jar: $FERRODL_JAR, else the one in this package built for the running Spark's
    Scala version (the wheel carries ferrodl-spark_2.12 for Spark 3.5 and ferrodl-spark_2.13 for
    Spark 4), else the source tree's build."""
    explicit = os.environ.get("FERRODL_JAR")
    if explicit:
        # A relative path is taken from the source tree's root (scripts/env.sh sets one).
        if not os.path.isabs(explicit) and not os.path.exists(explicit):
            from_root = os.path.normpath(os.path.join(_HERE, "..", "..", explicit))
            if os.path.exists(from_root):
                return from_root
        return explicit
    scala = spark_scala_binary()
    bundled = sorted(glob.glob(os.path.join(_HERE, "jars", f"ferrodl-spark_{scala}-*.jar")))
    if bundled:
        return bundled[-1]
    candidate = os.path.join(_HERE, "..", "..", "build", "libs", f"ferrodl-spark_{scala}-{__version__}.jar")
    return os.path.normpath(candidate)


def version():
    """ferrodl's version and the native library's build facts (see ``ferrodl.util.build_info``)."""
    from ferrodl.util.build_info import version as _version
    return _version()
