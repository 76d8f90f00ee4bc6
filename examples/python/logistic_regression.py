"""Logistic regression on MNIST with ferrodl's Python API: the smallest complete training program.

Uses only the installed ``ferrodl`` package (its bundled jar, picked for the running Spark's Scala
version) and pyspark; the wheel test (tests/wheel/run.sh) runs it in a fresh venv:

    python examples/python/logistic_regression.py --data DIR [--epochs 1] [--expect-top1 0.9]
"""

import argparse
import sys

import numpy as np
from pyspark import SparkContext

from ferrodl.dataset import mnist
from ferrodl.nn.criterion import ClassNLLCriterion
from ferrodl.nn.layer import Linear, LogSoftMax, Reshape, Sequential
from ferrodl.optim.optimizer import SGD, MaxEpoch, Optimizer, Top1Accuracy
from ferrodl.util.common import Sample, create_spark_conf, init_engine


def samples(sc, data, kind, partitions):
    images, labels = mnist.read_data_sets(data, kind)
    x = (images.reshape(len(images), 784).astype(np.float32) / 255.0 - 0.1307) / 0.3081
    rows = list(zip(x, labels.astype(np.float32) + 1.0))  # BigDL's labels are 1-based
    return sc.parallelize(rows, partitions).map(lambda r: Sample.from_ndarray(r[0], r[1]))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="the directory with MNIST's four idx .gz files")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--expect-top1", type=float, default=None, help="exit 1 when the test Top1 is lower")
    args = p.parse_args(argv)

    sc = SparkContext(conf=create_spark_conf().setMaster(args.master).setAppName("ferrodl logistic regression")
                      .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false"))
    print(f"ferrodl {init_engine()} on Spark {sc.version}")
    train = samples(sc, args.data, "train", 4)
    test = samples(sc, args.data, "test", 2)
    model = Sequential().add(Reshape([784])).add(Linear(784, 10)).add(LogSoftMax())
    Optimizer(model=model, training_rdd=train, criterion=ClassNLLCriterion(), optim_method=SGD(learningrate=0.1),
              end_trigger=MaxEpoch(args.epochs), batch_size=args.batch_size).optimize(progress=False)
    top1 = model.evaluate(test, 1000, [Top1Accuracy()])[0].result
    print(f"Top1Accuracy on the test set: {top1:.4f}")
    sc.stop()
    if args.expect_top1 is not None and top1 < args.expect_top1:
        print(f"FAIL: Top1 {top1:.4f} < {args.expect_top1}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
