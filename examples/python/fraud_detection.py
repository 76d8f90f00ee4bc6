"""Transaction fraud detection with ferrodl's Spark ML stages (the Python twin of
examples/scala/fraud/FraudDetection.scala).

1. generates an imbalanced transaction table (about 1% fraud; fraud depends on products of features,
   which a linear model cannot express);
2. writes it as a Hive table (enableHiveSupport, Spark's embedded Derby metastore, a local warehouse);
3. reads it back with SparkSQL, per-customer aggregates as features;
4. fits a Pipeline (StringIndexer, OneHotEncoder, VectorAssembler, StandardScaler, NNClassifier);
5. bags 3 NNClassifiers trained on stratified bootstraps (all frauds, a fifth of the rest; smaller
   batches and twice the epochs, as the data is smaller);
6. tunes learningRate and maxEpoch with a CrossValidator (area under PR);
7. prints the areas under PR and ROC on the test split, against Spark's LogisticRegression.

    python examples/python/fraud_detection.py --rows 100000
Options: --rows, --fraud-rate, --epochs, --dir, --seed, --folds, --expect-better (exit 1 unless the
bagged model's AUC-PR beats logistic regression's).
"""

import argparse
import os
import sys

import numpy as np

CATEGORIES = ["grocery", "fuel", "travel", "electronics", "restaurant", "online", "jewelry", "pharmacy"]
RISKY = {"electronics", "online", "jewelry"}
NUMERIC = ["logAmount", "logDistance", "hour", "night", "deviceAgeDays", "txCount", "amountRatio"]
FEATURE_SIZE = len(NUMERIC) + len(CATEGORIES) - 1


def generate(spark, rows, fraud_rate, seed):
    """The synthetic transaction table (seeded), ``isFraud`` 1.0 for about ``fraud_rate`` of the rows."""
    rng = np.random.default_rng(seed)
    customers = rng.integers(max(10, rows // 50), size=rows)
    category = rng.integers(len(CATEGORIES), size=rows)
    a, d, device = rng.standard_normal(rows), rng.standard_normal(rows), rng.standard_normal(rows)
    hour = rng.integers(24, size=rows)
    night = np.where(hour < 6, 1.0, -0.25)
    risky = np.array([1.0 if CATEGORIES[c] in RISKY else -0.5 for c in category])
    score = 2.0 * a * d + 1.5 * night * device * risky + 0.3 * rng.standard_normal(rows)
    threshold = np.sort(score)[min(rows - 1, int((1 - fraud_rate) * rows))]
    data = [(i, f"c{customers[i]}", CATEGORIES[category[i]], float(np.exp(3.5 + 0.8 * a[i])), int(hour[i]),
             float(np.exp(2.0 + 1.2 * d[i])), float(max(0.0, 200 - 60 * device[i])), float(score[i] > threshold))
            for i in range(rows)]
    return spark.createDataFrame(data, "txId long, customer string, category string, amount double, hour int, "
                                       "distanceKm double, deviceAgeDays double, isFraud double")


FEATURES_SQL = """
SELECT t.*, LOG(t.amount) AS logAmount, LOG(t.distanceKm) AS logDistance,
       CASE WHEN t.hour < 6 THEN 1.0 ELSE 0.0 END AS night,
       c.txCount, t.amount / c.avgAmount AS amountRatio
FROM fraud.transactions t
JOIN (SELECT customer, COUNT(*) AS txCount, AVG(amount) AS avgAmount FROM fraud.transactions GROUP BY customer) c
  ON t.customer = c.customer
"""


def feature_stages():
    from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler
    return [StringIndexer(inputCol="category", outputCol="categoryIndex", stringOrderType="alphabetAsc"),
            OneHotEncoder(inputCols=["categoryIndex"], outputCols=["categoryVec"]),
            VectorAssembler(inputCols=NUMERIC + ["categoryVec"], outputCol="raw"),
            StandardScaler(inputCol="raw", outputCol="features")]


def classifier(epochs, fraud_weight):
    from ferrodl.nn.criterion import ClassNLLCriterion
    from ferrodl.nn.layer import Linear, LogSoftMax, Sequential, Tanh
    from ferrodl.nnframes import NNClassifier
    model = (Sequential().add(Linear(FEATURE_SIZE, 32)).add(Tanh()).add(Linear(32, 16)).add(Tanh())
             .add(Linear(16, 2)).add(LogSoftMax()))
    criterion = ClassNLLCriterion(weights=np.array([1.0, fraud_weight], dtype=np.float32))
    return (NNClassifier(model, criterion, [FEATURE_SIZE]).setLabelCol("isFraud").setBatchSize(256)
            .setMaxEpoch(epochs).setLearningRate(0.1))


def areas(df):
    from pyspark.ml.evaluation import BinaryClassificationEvaluator
    ev = BinaryClassificationEvaluator(labelCol="isFraud", rawPredictionCol="rawPrediction")
    return ev.setMetricName("areaUnderPR").evaluate(df), ev.setMetricName("areaUnderROC").evaluate(df)


def session(directory):
    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    from ferrodl.util.common import create_spark_conf
    root = os.path.abspath(directory)
    os.makedirs(root, exist_ok=True)
    conf = create_spark_conf(SparkConf().setAppName("ferrodl fraud detection"))
    conf.set("spark.sql.warehouse.dir", "file://" + os.path.join(root, "warehouse"))
    conf.set("spark.hadoop.javax.jdo.option.ConnectionURL", f"jdbc:derby:;databaseName={root}/metastore_db;create=true")
    conf.set("spark.driver.extraJavaOptions", (conf.get("spark.driver.extraJavaOptions", "") +
                                               f" -Dderby.system.home={root}").strip())
    if not conf.contains("spark.master"):
        conf.setMaster("local[2]")
    return SparkSession.builder.config(conf=conf).enableHiveSupport().getOrCreate()


def run(spark, args):
    """Returns [(name, AUC-PR, AUC-ROC)] for the four models."""
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.evaluation import BinaryClassificationEvaluator
    from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
    from ferrodl.nnframes import bagging_fit

    spark.sql("CREATE DATABASE IF NOT EXISTS fraud")
    generate(spark, args.rows, args.fraud_rate, args.seed).write.mode("overwrite").saveAsTable("fraud.transactions")
    data = spark.sql(FEATURES_SQL).cache()
    train, test = data.randomSplit([0.7, 0.3], args.seed)
    n, frauds = train.count(), train.filter("isFraud = 1").count()
    print(f"rows {args.rows}, train {n} ({frauds} frauds), test {test.count()}")
    weight = min(20.0, max(1.0, (n - frauds) / max(1, frauds) / 5))

    fitted = Pipeline(stages=feature_stages() + [classifier(args.epochs, weight)]).fit(train)
    single = areas(fitted.transform(test))

    features = Pipeline(stages=feature_stages()).fit(train)
    train_f, test_f = features.transform(train).cache(), features.transform(test).cache()
    # A fifth of the normal transactions: the fraud weight shrinks by as much.
    member = classifier(2 * args.epochs, max(1.0, weight / 5)).setBatchSize(64)
    bagged = bagging_fit(member, train_f, 3, {0.0: 0.2, 1.0: 1.0}, args.seed)
    bag = areas(bagged.transform(test_f))

    clf = classifier(args.epochs, weight)
    grid = (ParamGridBuilder().addGrid(clf.learningRate, [0.03, 0.1])
            .addGrid(clf.maxEpoch, [max(1, args.epochs // 2), args.epochs]).build())
    cv = CrossValidator(estimator=clf, estimatorParamMaps=grid, numFolds=args.folds, seed=args.seed,
                        evaluator=BinaryClassificationEvaluator(labelCol="isFraud", metricName="areaUnderPR")).fit(train_f)
    print("cross-validation (AUC-PR per setting): " + "; ".join(
        f"lr={pm[clf.learningRate]} epochs={pm[clf.maxEpoch]}: {m:.4f}" for pm, m in zip(grid, cv.avgMetrics)))
    tuned = areas(cv.bestModel.transform(test_f))

    lr = LogisticRegression(labelCol="isFraud", featuresCol="features", maxIter=100).fit(train_f)
    logistic = areas(lr.transform(test_f))
    return [("NNClassifier pipeline", *single), ("3 bagged NNClassifiers", *bag),
            ("CrossValidator best", *tuned), ("LogisticRegression", *logistic)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=100000)
    p.add_argument("--fraud-rate", type=float, default=0.01)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--dir", default="build/fraud-python")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--folds", type=int, default=2)
    p.add_argument("--expect-better", action="store_true")
    args = p.parse_args(argv)
    spark = session(args.dir)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        results = run(spark, args)
    finally:
        spark.stop()
    print(f"{'model':<24} {'AUC-PR':>8} {'AUC-ROC':>8}")
    for name, pr, roc in results:
        print(f"{name:<24} {pr:8.4f} {roc:8.4f}")
    if args.expect_better and not results[1][1] > results[-1][1]:
        print(f"the bagged NNClassifiers' AUC-PR {results[1][1]:.4f} does not beat "
              f"LogisticRegression's {results[-1][1]:.4f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
