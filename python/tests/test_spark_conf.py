"""create_spark_conf: the jar, the Python package and ferrodl's recommended settings."""

from pyspark import SparkConf

from ferrodl.util.common import create_spark_conf, jar_path


def test_recommended_settings_fill_only_what_is_missing():
    conf = create_spark_conf(SparkConf(loadDefaults=False))
    assert conf.get("spark.task.maxDirectResultSize") == "120m"
    assert jar_path() in conf.get("spark.jars").split(",")
    own = create_spark_conf(SparkConf(loadDefaults=False).set("spark.task.maxDirectResultSize", "4m"))
    assert own.get("spark.task.maxDirectResultSize") == "4m"


def test_the_running_context_got_them(sc):
    assert sc.getConf().get("spark.task.maxDirectResultSize") == "120m"
