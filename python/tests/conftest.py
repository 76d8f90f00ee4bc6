"""A local[2] SparkContext with ferrodl for the whole test session, and the MNIST location."""

import os
import sys

import pytest

os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


@pytest.fixture(scope="session")
def sc():
    from pyspark import SparkContext
    from ferrodl.util.common import create_spark_conf
    conf = create_spark_conf().setMaster("local[2]").setAppName("ferrodl-pytest").set("spark.ui.enabled", "false")
    context = SparkContext(conf=conf)
    context.setLogLevel("ERROR")
    yield context
    context.stop()


@pytest.fixture(scope="session")
def mnist_path():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.environ.get("FERRODL_DATA", os.path.join(here, "..", "..", "..", "shared", "datasets", "mnist"))
    if not os.path.isdir(path):
        pytest.skip(f"MNIST not found at {path}")
    return path
