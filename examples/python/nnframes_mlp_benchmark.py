"""Benchmark (issue 9): MNIST as a DataFrame, NNClassifier with a 784-100-10 topology against Spark
MLlib's MultilayerPerceptronClassifier with the same layers; prints test accuracy and fit wall time.

    python examples/python/nnframes_mlp_benchmark.py --data ../shared/datasets/mnist --epochs 10 --lr 0.4

Both fit the same cached DataFrame on the same Spark (local[2] unless --master); the time is the
``fit`` call alone. MLlib's MLP uses sigmoid hidden units and L-BFGS (``--mlp-iter`` iterations);
ferrodl's uses tanh and SGD (``--epochs``, ``--batch-size``, ``--lr``). ``--mlp-iter 0`` skips MLlib.
"""

import argparse
import time

import numpy as np


def frame(spark, images, labels):
    from pyspark.ml.linalg import DenseVector
    x = images.reshape(len(images), -1).astype(np.float64) / 255.0
    rows = [(DenseVector(x[i]), float(labels[i])) for i in range(len(x))]
    return spark.createDataFrame(rows, ["features", "label"]).repartition(2).cache()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/datasets/mnist")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.4)
    p.add_argument("--mlp-iter", type=int, default=100)
    args = p.parse_args(argv)

    from pyspark import SparkConf
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.sql import SparkSession

    from ferrodl.dataset.mnist import read_data_sets
    from ferrodl.nn.criterion import ClassNLLCriterion
    from ferrodl.nn.layer import Linear, LogSoftMax, Sequential, Tanh
    from ferrodl.nnframes import NNClassifier
    from ferrodl.util.common import create_spark_conf

    conf = create_spark_conf(SparkConf().setMaster(args.master).setAppName("nnframes MLP benchmark"))
    conf.set("spark.driver.memory", "3g").set("spark.ui.showConsoleProgress", "false")
    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    train = frame(spark, *read_data_sets(args.data, "train"))
    test = frame(spark, *read_data_sets(args.data, "test"))
    print(f"train {train.count()} rows, test {test.count()} rows")
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy")

    results = []
    model = Sequential().add(Linear(784, 100)).add(Tanh()).add(Linear(100, 10)).add(LogSoftMax())
    nn = (NNClassifier(model, ClassNLLCriterion(), [784]).setBatchSize(args.batch_size)
          .setMaxEpoch(args.epochs).setLearningRate(args.lr))
    start = time.time()
    fitted = nn.fit(train)
    results.append((f"ferrodl NNClassifier ({args.epochs} epochs SGD)", time.time() - start,
                    accuracy.evaluate(fitted.setBatchSize(1024).transform(test))))

    if args.mlp_iter > 0:
        mlp = MultilayerPerceptronClassifier(layers=[784, 100, 10], maxIter=args.mlp_iter, blockSize=128, seed=1)
        start = time.time()
        fitted = mlp.fit(train)
        results.append((f"MLlib MultilayerPerceptron ({args.mlp_iter} L-BFGS iterations)", time.time() - start,
                        accuracy.evaluate(fitted.transform(test))))
    spark.stop()
    print(f"{'model':<50} {'fit s':>8} {'accuracy':>9}")
    for name, seconds, acc in results:
        print(f"{name:<50} {seconds:8.1f} {acc:9.4f}")


if __name__ == "__main__":
    main()
