"""``ferrodl.version()``: the package's version and the facts of the native library the JVM loaded."""

import ferrodl
from ferrodl.util.jvm import static

#: The native library's keys, as ``ferrodl.Version.NativeKeys`` lists them.
NATIVE_KEYS = ("version", "target", "glibc", "mkl", "gemm", "cpu", "simd")


def version():
    """ferrodl's version and what the loaded native library is, as a dict.

    ``version`` is the jar's version (the Python package's too); ``native.version``,
    ``native.target`` (e.g. ``x86_64-unknown-linux-gnu``), ``native.glibc`` (the oldest glibc it
    runs on), ``native.mkl`` (``linked`` or ``absent``), ``native.gemm`` (the backend in use:
    ``mkl`` or ``rust``), ``native.cpu`` and ``native.simd`` describe the library in the driver's
    JVM, as ``ferrodl.Version.info()`` does in Scala. Starts Spark (with the ferrodl jar) if no
    SparkContext is active.
    """
    info = dict(static("ferrodl.Version", "info").items())
    if info.get("version") != ferrodl.__version__:
        raise RuntimeError(
            f"the ferrodl jar is version {info.get('version')} but the Python package is "
            f"{ferrodl.__version__}; install matching versions")
    return info
