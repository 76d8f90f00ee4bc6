"""nnframes from Python (issue 9): NNEstimator/NNClassifier as pyspark.ml stages; fit, transform,
save/load, Pipeline with Spark's feature stages, CrossValidator. Tiny data: seconds per test."""

import os
import subprocess
import sys

import numpy as np
import pytest

from ferrodl.nn.criterion import ClassNLLCriterion, MSECriterion
from ferrodl.nn.layer import Linear, LogSoftMax, MulConstant, Sequential, Tanh
from ferrodl.nnframes import NNClassifier, NNClassifierModel, NNEstimator, NNModel
from ferrodl.optim.optimizer import Adam, MaxIteration
from ferrodl.util.jvm import FerrodlError


@pytest.fixture(scope="module")
def spark(sc):
    from pyspark.sql import SparkSession
    return SparkSession(sc)


def blobs(spark, n, seed):
    """Three Gaussian blobs in 4-D; class = row index mod 3 (0-based ``label``, names in ``kind``)."""
    from pyspark.ml.linalg import Vectors
    rng = np.random.default_rng(seed)
    centres = np.array([[2, 0, 0, 1], [-2, 1, 0, 0], [0, -2, 2, 0]], dtype=float)
    rows = []
    for i in range(n):
        c = i % 3
        x = centres[c] + 0.5 * rng.standard_normal(4)
        rows.append((f"r{i}", *map(float, x), [float(v) for v in x], Vectors.dense(x),
                     ["setosa", "versicolor", "virginica"][c], ["red", "green"][int(rng.integers(2))], float(c)))
    return spark.createDataFrame(rows, ["id", "f1", "f2", "f3", "f4", "arr", "features", "kind", "colour", "label"])


def mlp(inputs=4, classes=3, seed=7):
    m = Sequential().add(Linear(inputs, 8)).add(Tanh()).add(Linear(8, classes)).add(LogSoftMax())
    rng = np.random.default_rng(seed)
    n = m.get_weights()[0].size
    m.set_weights([rng.standard_normal(n).astype(np.float32) * 0.3])
    return m


def accuracy(df, label="label"):
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    return MulticlassClassificationEvaluator(labelCol=label, metricName="accuracy").evaluate(df)


def test_defaults_and_param_checks(spark):
    clf = NNClassifier(mlp(), ClassNLLCriterion(), [4])
    assert clf.getFeatureSize() == [4]
    assert (clf.getBatchSize(), clf.getMaxEpoch(), clf.getLearningRate()) == (32, 50, 1e-3)
    assert (clf.getFeaturesCol(), clf.getLabelCol(), clf.getPredictionCol()) == ("features", "label", "prediction")
    assert (clf.getProbabilityCol(), clf.getRawPredictionCol(), clf.getZeroBasedLabel()) == \
        ("probability", "rawPrediction", True)
    java = clf._java_obj
    assert java.getBatchSize() == 32 and java.getMaxEpoch() == 50 and list(java.getLabelSize()) == [1]
    with pytest.raises(Exception, match="batchSize"):
        clf.setBatchSize(0).fit(blobs(spark, 6, 1))
    with pytest.raises(ValueError, match="clipping"):
        clf.setConstantGradientClipping(1.0, -1.0)
    with pytest.raises(FerrodlError, match="'nope' is not in the DataFrame"):
        NNClassifier(mlp(), ClassNLLCriterion(), [4]).setFeaturesCol("nope").fit(blobs(spark, 6, 1))


def test_fit_transform_keeps_the_other_columns(spark):
    train, test = blobs(spark, 240, 1), blobs(spark, 60, 2)
    nn = (NNClassifier(mlp(), ClassNLLCriterion(), [4]).setBatchSize(24).setMaxEpoch(8).setLearningRate(0.2)
          .setFeaturesCol("arr").fit(train))
    assert isinstance(nn, NNClassifierModel)
    assert nn.getFeatureSize() == [4] and nn.getFeaturesCol() == "arr"
    out = nn.setBatchSize(7).transform(test)
    assert out.columns == test.columns + ["rawPrediction", "probability", "prediction"]
    before = {r["id"]: tuple(r) for r in test.collect()}
    rows = out.collect()
    assert len(rows) == 60
    for r in rows:
        assert tuple(r)[:len(test.columns)] == before[r["id"]]
        assert abs(sum(r["probability"]) - 1.0) < 1e-5
    assert accuracy(out) > 0.95


def test_a_model_variant_replaces_the_constructors_model(spark):
    train, test = blobs(spark, 240, 1), blobs(spark, 60, 2)
    dead = Sequential().add(Linear(4, 3)).add(MulConstant(0.0)).add(LogSoftMax())
    clf = NNClassifier(mlp(), ClassNLLCriterion(), [4]).setBatchSize(24).setMaxEpoch(8).setLearningRate(0.2)
    clf.setFeaturesCol("arr")
    assert accuracy(clf.fit(train).transform(test)) > 0.95
    assert accuracy(clf.setModelVariant(dead).fit(train).transform(test)) < 0.5


def test_estimator_regression_and_plain_model(spark):
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (200, 3))
    y = np.stack([x[:, 0] - 2 * x[:, 1], 0.5 * x[:, 2] + 1], axis=1)
    df = spark.createDataFrame([([float(v) for v in a], [float(v) for v in b]) for a, b in zip(x, y)], ["x", "y"])
    est = (NNEstimator(Sequential().add(Linear(3, 2)), MSECriterion(), [3], [2]).setFeaturesCol("x")
           .setLabelCol("y").setBatchSize(20).setLearningRate(0.5).setEndWhen(MaxIteration(300)))
    nn = est.fit(df)
    assert isinstance(nn, NNModel) and not isinstance(nn, NNClassifierModel)
    pred = np.array([r["prediction"] for r in nn.transform(df).orderBy("x").collect()])
    want = np.array([r["y"] for r in df.orderBy("x").collect()])
    assert np.abs(pred - want).max() < 0.05
    untrained = NNModel(Sequential().add(Linear(3, 2)), feature_size=[3]).setFeaturesCol("x").transform(df)
    assert untrained.columns == ["x", "y", "prediction"]


def test_save_and_load_give_identical_predictions(spark, tmp_path):
    df = blobs(spark, 90, 5)
    est = (NNClassifier(mlp(), ClassNLLCriterion(), [4]).setMaxEpoch(3).setBatchSize(15).setProbabilityCol("p")
           .setOptimMethod(Adam(learningrate=0.01)).setLearningRate(0.05))
    nn = est.fit(df)
    nn.write().overwrite().save(str(tmp_path / "model"))
    loaded = NNClassifierModel.load(str(tmp_path / "model"))
    assert loaded.uid == nn.uid and loaded.getProbabilityCol() == "p" and loaded.getFeatureSize() == [4]
    a = [r["p"] for r in nn.transform(df).orderBy("id").collect()]
    assert a == [r["p"] for r in loaded.transform(df).orderBy("id").collect()]
    est.save(str(tmp_path / "estimator"))
    est2 = NNClassifier.load(str(tmp_path / "estimator"))
    assert (est2.getMaxEpoch(), est2.getLearningRate(), est2.getProbabilityCol()) == (3, 0.05, "p")
    assert a == [r["p"] for r in est2.fit(df).transform(df).orderBy("id").collect()]


def test_pipeline_fits_saves_and_loads(spark, tmp_path):
    from pyspark.ml import Pipeline, PipelineModel
    from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler
    train, test = blobs(spark, 240, 6), blobs(spark, 60, 7)
    pipeline = Pipeline(stages=[
        StringIndexer(inputCol="kind", outputCol="target", stringOrderType="alphabetAsc"),
        StringIndexer(inputCol="colour", outputCol="colourIndex"),
        OneHotEncoder(inputCols=["colourIndex"], outputCols=["colourVec"]),
        VectorAssembler(inputCols=["f1", "f2", "f3", "f4", "colourVec"], outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="scaled"),
        NNClassifier(mlp(5), ClassNLLCriterion(), [5]).setFeaturesCol("scaled").setLabelCol("target")
        .setMaxEpoch(8).setLearningRate(0.2).setBatchSize(24),
    ])
    fitted = pipeline.fit(train)
    out = fitted.transform(test)
    assert accuracy(out, "target") > 0.95
    fitted.write().overwrite().save(str(tmp_path / "pm"))
    loaded = PipelineModel.load(str(tmp_path / "pm"))
    assert isinstance(loaded.stages[-1], NNClassifierModel)
    a = [r["probability"] for r in out.orderBy("id").collect()]
    assert a == [r["probability"] for r in loaded.transform(test).orderBy("id").collect()]
    pipeline.write().overwrite().save(str(tmp_path / "p"))
    stage = Pipeline.load(str(tmp_path / "p")).getStages()[-1]
    assert isinstance(stage, NNClassifier) and stage.getFeaturesCol() == "scaled" and stage.getMaxEpoch() == 8


def test_cross_validator_over_learning_rate_and_max_epoch(spark):
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
    df = blobs(spark, 150, 11)
    clf = NNClassifier(mlp(), ClassNLLCriterion(), [4]).setBatchSize(25)
    grid = ParamGridBuilder().addGrid(clf.learningRate, [0.001, 0.2]).addGrid(clf.maxEpoch, [1, 6]).build()
    cv = CrossValidator(estimator=clf, estimatorParamMaps=grid, numFolds=2, seed=3,
                        evaluator=MulticlassClassificationEvaluator(metricName="accuracy"))
    fitted = cv.fit(df)
    metrics = {(pm[clf.learningRate], pm[clf.maxEpoch]): m for pm, m in zip(grid, fitted.avgMetrics)}
    assert metrics[(0.2, 6)] > 0.95
    assert metrics[(0.2, 6)] > metrics[(0.001, 1)]
    assert isinstance(fitted.bestModel, NNClassifierModel)


def test_bagging_averages_the_members_probabilities(spark):
    from ferrodl.nnframes import bagging_fit, stratified_sample
    df = blobs(spark, 120, 22)
    counts = dict(stratified_sample(df, "label", {0.0: 1.0, 2.0: 0.5}, seed=3).groupBy("label").count().collect())
    assert counts[0.0] == 40 and 1.0 not in counts and 5 <= counts[2.0] <= 35
    clf = NNClassifier(mlp(), ClassNLLCriterion(), [4]).setMaxEpoch(2).setLearningRate(0.2).setBatchSize(20)
    bagged = bagging_fit(clf, df, 3, {0.0: 1.0, 1.0: 1.0, 2.0: 1.0}, seed=7)
    assert isinstance(bagged, NNClassifierModel)
    fractions = {0.0: 1.0, 1.0: 1.0, 2.0: 1.0}
    members = [clf.copy().fit(stratified_sample(df, "label", fractions, True, 7 + i)) for i in range(3)]

    def probs(m):
        return np.array([list(r["probability"]) for r in m.transform(df).orderBy("id").collect()])
    np.testing.assert_allclose(probs(bagged), np.mean([probs(m) for m in members], axis=0), atol=1e-5)


# The fraud-detection examples at reduced size (about 2 minutes each): the bagged NNClassifiers must
# beat LogisticRegression's area under PR (--expect-better makes the example exit 1 otherwise).
_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_REDUCED = ["--rows", "15000", "--epochs", "5"]


def _run(cmd, tmp_path):
    out = subprocess.run(cmd, cwd=str(tmp_path), capture_output=True, text=True, timeout=900)
    table = out.stdout[out.stdout.find("model"):]
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "3 bagged NNClassifiers" in table and "LogisticRegression" in table, out.stdout[-2000:]
    return table


def test_fraud_example_python_reduced(tmp_path):
    script = os.path.join(_ROOT, "examples", "python", "fraud_detection.py")
    print(_run([sys.executable, script, *_REDUCED, "--dir", str(tmp_path / "fraud"), "--expect-better"], tmp_path))


def test_fraud_example_scala_reduced(tmp_path):
    import ferrodl
    examples = os.environ.get("FERRODL_EXAMPLES_JAR", os.path.join(_ROOT, "build", "libs",
                                                                   "ferrodl-examples_2.12-0.1.0.jar"))
    if not os.path.exists(examples):
        pytest.skip(f"no examples jar at {examples} (gradle assemble builds it)")
    submit = os.path.join(os.environ["SPARK_HOME"], "bin", "spark-submit")
    cmd = [submit, "--master", "local[2]", "--driver-memory", "2g", "--conf", "spark.ui.enabled=false",
           "--jars", ferrodl.jar_path(), "--class", "ferrodl.examples.fraud.FraudDetection", examples,
           *_REDUCED, "--dir", str(tmp_path / "fraud"), "--expect-better"]
    print(_run(cmd, tmp_path))
