"""The one module that talks to the JVM (py4j, through PySpark's gateway).

Every Python class names its Scala class in full (``ferrodl.nn.Linear``); objects are created
with :func:`new` and called with :func:`call`; bulk data goes through ``ferrodl.python.PythonApi``
as raw little-endian buffers. Java and native exceptions are re-raised as :class:`FerrodlError`
subclasses that keep the original class name and message.
"""

import functools

from py4j.java_gateway import JavaObject
from py4j.protocol import Py4JJavaError

API = "ferrodl.python.PythonApi"


class FerrodlError(Exception):
    """An exception from the JVM or the native engine: ``java_class`` and the original message."""

    def __init__(self, java_class, message):
        super().__init__(f"{java_class}: {message}")
        self.java_class = java_class
        self.message = message


class FerrodlValueError(FerrodlError, ValueError):
    """Bad input: wrong shapes, labels out of range, NaN, bad arguments."""


class FerrodlStateError(FerrodlError, RuntimeError):
    """A call in the wrong state (a closed model, backward before forward)."""


class FerrodlIOError(FerrodlError, IOError):
    """A missing, corrupt or truncated file."""


_BY_CLASS = {
    "java.lang.IllegalArgumentException": FerrodlValueError,
    "java.lang.ArithmeticException": FerrodlValueError,
    "java.lang.IllegalStateException": FerrodlStateError,
    "java.io.IOException": FerrodlIOError,
    "java.io.FileNotFoundException": FerrodlIOError,
    "ferrodl.utils.CorruptDataException": FerrodlIOError,
    "ferrodl.FerrodlException": FerrodlError,
}


def _root(java_exception):
    """The innermost cause, or, for a failed Spark job, the task's exception named in its message."""
    e = java_exception
    while e.getCause() is not None and e.getCause() != e:
        e = e.getCause()
    cls, msg = e.getClass().getName(), e.getMessage() or ""
    if cls == "org.apache.spark.SparkException":
        for known in _BY_CLASS:
            marker = known + ": "
            if marker in msg:
                detail = msg.split(marker, 1)[1].split("\n\tat ")[0].strip()
                return known, detail
    return cls, msg


def translate(err):
    """A :class:`FerrodlError` for a ``Py4JJavaError``."""
    cls, msg = _root(err.java_exception)
    return _BY_CLASS.get(cls, FerrodlError)(cls, msg)


def _captured_exception_types():
    """pyspark's own exception types: once a SparkSession exists, pyspark's py4j hook turns a Java
    exception into one of them (the Java one in ``_origin``) before a ``Py4JJavaError`` is raised."""
    try:
        from pyspark.errors.exceptions.captured import CapturedException
        return (CapturedException,)
    except ImportError:  # pyspark before 3.4
        return ()


_CAPTURED = _captured_exception_types()


def _translating(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except Py4JJavaError as e:
            raise translate(e) from None
        except _CAPTURED as e:
            origin = getattr(e, "_origin", None)
            if origin is None:
                raise
            cls, msg = _root(origin)
            raise _BY_CLASS.get(cls, FerrodlError)(cls, msg) from None
    return wrapper


def spark_context():
    """The active SparkContext, or a new one with the ferrodl jar (see ``create_spark_conf``)."""
    from pyspark import SparkContext
    sc = SparkContext._active_spark_context
    if sc is None:
        from ferrodl.util.common import create_spark_conf
        sc = SparkContext.getOrCreate(create_spark_conf())
    return sc


def gateway():
    return spark_context()._gateway


def jvm():
    return spark_context()._jvm


def _resolve(name):
    obj = jvm()
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def to_java(value):
    """Python values as Java arguments: wrappers give their JVM object, lists become lists."""
    if hasattr(value, "value") and isinstance(getattr(value, "value"), JavaObject):
        return value.value
    if isinstance(value, (list, tuple)):
        return java_list([to_java(v) for v in value])
    return value


def java_list(values):
    lst = jvm().java.util.ArrayList()
    for v in values:
        lst.add(v)
    return lst


@_translating
def new(scala_class, *args):
    """A new instance of ``scala_class`` (its full name), from its constructor with all arguments."""
    return _resolve(scala_class)(*[to_java(a) for a in args])


@_translating
def call(obj, method, *args):
    """Calls ``method`` on a JVM object."""
    return getattr(obj, method)(*[to_java(a) for a in args])


@_translating
def static(scala_object, method, *args):
    """Calls a method of a Scala ``object`` (through its static forwarder)."""
    return getattr(_resolve(scala_object), method)(*[to_java(a) for a in args])


def api(method, *args):
    """Calls ``ferrodl.python.PythonApi``."""
    return static(API, method, *args)


def int_array(values):
    return api("ints", java_list([int(v) for v in values]))


def double_array(values):
    return api("doubles", java_list([float(v) for v in values]))
