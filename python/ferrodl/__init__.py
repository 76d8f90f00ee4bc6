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


def jar_path():
    """The ferrodl jar: $FERRODL_JAR, else the one in this package, else the source tree's build."""
    explicit = os.environ.get("FERRODL_JAR")
    if explicit:
        # A relative path is taken from the source tree's root (scripts/env.sh sets one).
        if not os.path.isabs(explicit) and not os.path.exists(explicit):
            from_root = os.path.normpath(os.path.join(_HERE, "..", "..", explicit))
            if os.path.exists(from_root):
                return from_root
        return explicit
    bundled = sorted(glob.glob(os.path.join(_HERE, "jars", "ferrodl-spark_*.jar")))
    if bundled:
        return bundled[-1]
    candidate = os.path.join(_HERE, "..", "..", "build", "libs", f"ferrodl-spark_2.12-{__version__}.jar")
    return os.path.normpath(candidate)
