"""`pip install ./python` gives a package that bundles the jar, and spark-submit runs a Python
script that uses ferrodl with --py-files."""

import os
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.normpath(os.path.join(HERE, ".."))


def test_the_wheel_bundles_the_jar(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), PYTHON], check=True)
    wheel = next(tmp_path.glob("ferrodl-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    jars = [n for n in names if n.startswith("ferrodl/jars/") and n.endswith(".jar")]
    assert jars, f"no jar in {wheel.name}: {names[:20]}"
    assert "ferrodl/nn/layer.py" in names and "ferrodl/util/jvm.py" in names
    assert zipfile.ZipFile(wheel).getinfo(jars[0]).file_size > 1_000_000


def test_spark_submit_with_py_files(tmp_path, mnist_path):
    from ferrodl import jar_path
    from ferrodl.util.common import python_zip
    script = tmp_path / "job.py"
    script.write_text(
        "import numpy as np\n"
        "from pyspark import SparkContext\n"
        "from ferrodl.nn.layer import *\n"
        "from ferrodl.nn.criterion import *\n"
        "from ferrodl.optim.optimizer import *\n"
        "from ferrodl.util.common import *\n"
        "sc = SparkContext.getOrCreate()\n"
        "rng = np.random.RandomState(0)\n"
        "data = sc.parallelize([Sample.from_ndarray(rng.randn(4) + (i % 2) * 3, i % 2 + 1) for i in range(400)], 2)\n"
        "model = Sequential().add(Linear(4, 2)).add(LogSoftMax())\n"
        "Optimizer(model=model, training_rdd=data, criterion=ClassNLLCriterion(), end_trigger=MaxEpoch(5),\n"
        "          batch_size=40, optim_method=SGD(learningrate=0.5)).optimize(progress=False)\n"
        "print('TOP1', model.evaluate(data, 100, [Top1Accuracy()])[0].result)\n")
    import pyspark
    spark_home = os.environ.get("SPARK_HOME") or os.path.dirname(pyspark.__file__)
    out = subprocess.run(
        [os.path.join(spark_home, "bin", "spark-submit"), "--master", "local[2]", "--conf", "spark.ui.enabled=false",
         "--jars", jar_path(), "--py-files", python_zip(), str(script)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYSPARK_PYTHON": sys.executable})
    assert out.returncode == 0, out.stderr[-3000:]
    top1 = float(out.stdout.split("TOP1")[1].split()[0])
    assert top1 > 0.95
