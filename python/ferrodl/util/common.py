"""Samples, numpy conversion, and starting Spark with ferrodl (BigDL's ``bigdl.util.common``)."""

import struct

import numpy as np

from ferrodl.util import jvm as _jvm


class JavaValue:
    """A Python wrapper of one JVM object (``self.value``), created from its Scala class."""

    scala_class = None

    def __init__(self, *args, jvalue=None):
        self.value = jvalue if jvalue is not None else _jvm.new(self.scala_class, *args)

    @classmethod
    def of(cls, jvalue):
        """Wraps an existing JVM object."""
        obj = cls.__new__(cls)
        obj.value = jvalue
        return obj

    def __repr__(self):
        return str(self.value.toString())


def _tensor_bytes(array):
    a = np.ascontiguousarray(array, dtype="<f4")
    return struct.pack(f"<i{a.ndim}i", a.ndim, *a.shape) + a.tobytes()


def tensor_to_java(array):
    """A numpy array as a ``ferrodl.tensor.Tensor``."""
    return _jvm.api("tensorFromBytes", bytearray(_tensor_bytes(array)))


def tensor_from_bytes(b):
    b = bytes(b)
    (rank,) = struct.unpack_from("<i", b, 0)
    shape = struct.unpack_from(f"<{rank}i", b, 4)
    return np.frombuffer(b, dtype="<f4", offset=4 + 4 * rank).reshape(shape).astype(np.float32)


def tensor_from_java(jtensor):
    """A ``ferrodl.tensor.Tensor`` as a numpy array."""
    return tensor_from_bytes(_jvm.api("tensorToBytes", jtensor))


class Sample:
    """A record: feature and label arrays (class labels are 1-based, as in BigDL). ``features`` and
    ``label`` may be lists of arrays, for models with several inputs or criterions over tables."""

    def __init__(self, features, label):
        def arrays(x, what):
            # A list of ndarrays is several tensors; anything else (an ndarray, a number, nested
            # lists of numbers) is one.
            several = isinstance(x, (list, tuple)) and len(x) > 0 and all(isinstance(e, np.ndarray) for e in x)
            xs = list(x) if several else [x]
            out = [np.asarray(a, dtype=np.float32) for a in xs]
            if any(a.size == 0 for a in out):
                raise ValueError(f"a Sample's {what} must not be empty")
            return [a.reshape(1) if a.ndim == 0 else a for a in out]
        self._features = arrays(features, "features")
        self._labels = arrays(label, "label")

    @property
    def features(self):
        """The feature array, or the list of them when there are several."""
        return self._features if len(self._features) > 1 else self._features[0]

    @property
    def label(self):
        """The label array, or the list of them when there are several."""
        return self._labels if len(self._labels) > 1 else self._labels[0]

    @classmethod
    def from_ndarray(cls, features, label):
        """A Sample from a feature ndarray (or a list of them) and a label (a number, an ndarray or a list)."""
        return cls(features, label)

    def to_bytes(self):
        """The record as ``PythonApi.sampleFromBytes`` reads it: counted lists of little-endian tensors."""
        return (struct.pack("<i", len(self._features)) + b"".join(_tensor_bytes(a) for a in self._features)
                + struct.pack("<i", len(self._labels)) + b"".join(_tensor_bytes(a) for a in self._labels))

    def __repr__(self):
        return f"Sample(features: {[a.shape for a in self._features]}, label: {[a.tolist() for a in self._labels]})"


def to_sample_rdd(rdd):
    """An RDD of :class:`Sample` (Python) as an ``RDD[Sample]`` on the JVM, converted in the executors."""
    from pyspark.serializers import NoOpSerializer
    raw = rdd.map(lambda s: s.to_bytes())._reserialize(NoOpSerializer())
    return _jvm.api("samplesFromBytes", raw._jrdd)


def to_sample_array(samples):
    """In-memory samples as a JVM ``Array[Sample]``."""
    return _jvm.api("samplesFromLocal", _jvm.java_list([bytearray(s.to_bytes()) for s in samples]))


def jar_path():
    from ferrodl import jar_path as _jar
    return _jar()


def python_zip():
    """This package (without its jar) as a zip for the executors' Python workers, made once."""
    import hashlib
    import os
    import tempfile
    import zipfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                   if f.endswith(".py") and "__pycache__" not in d)
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.encode())
        with open(f, "rb") as fh:
            digest.update(fh.read())
    path = os.path.join(tempfile.gettempdir(), f"ferrodl-python-{digest.hexdigest()[:16]}.zip")
    if not os.path.exists(path):
        tmp = path + f".{os.getpid()}.tmp"
        with zipfile.ZipFile(tmp, "w") as z:
            for f in files:
                z.write(f, os.path.join("ferrodl", os.path.relpath(f, root)))
        os.replace(tmp, path)
    return path


# Task results up to this size go straight to the driver (Spark's default, 1 MB, sends a gradient
# of more than 262,144 parameters through the block manager); see ferrodl.utils.Engine.
MAX_DIRECT_RESULT_SIZE = "120m"


def create_spark_conf(conf=None):
    """A SparkConf that puts the ferrodl jar on the driver and executor classpaths, this package
    on the executors' Python path (``spark.submit.pyFiles``), and ferrodl's recommended settings
    where ``conf`` has none (``spark.task.maxDirectResultSize``, as Scala's
    ``Engine.createSparkConf()``)."""
    from pyspark import SparkConf
    conf = conf or SparkConf()
    conf.setIfMissing("spark.task.maxDirectResultSize", MAX_DIRECT_RESULT_SIZE)
    jar = jar_path()
    jars = [j for j in (conf.get("spark.jars", "") or "").split(",") if j]
    if jar not in jars:
        conf.set("spark.jars", ",".join(jars + [jar]))
    py_files = [p for p in (conf.get("spark.submit.pyFiles", "") or "").split(",") if p]
    if not any("ferrodl" in p for p in py_files):
        conf.set("spark.submit.pyFiles", ",".join(py_files + [python_zip()]))
    # Spark 3.5 on Java 17 needs these when the JVM is not started by spark-submit's own script.
    opens = " ".join(f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
        "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar"))
    for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        if "--add-opens" not in (conf.get(key, "") or ""):
            conf.set(key, ((conf.get(key, "") or "") + " " + opens).strip())
    return conf


def init_engine():
    """Loads the native engine in the driver JVM and returns its version string."""
    return str(_jvm.static("ferrodl.engine.Native", "version"))


def get_node_and_core_number():
    """(executors, cores per executor) of the active SparkContext, as BigDL reports them."""
    sc = _jvm.spark_context()
    parallelism = sc.defaultParallelism
    executors = max(1, len(sc._jsc.sc().getExecutorMemoryStatus().keySet()) - 1) if not sc.master.startswith("local") else 1
    return executors, max(1, parallelism // executors)
