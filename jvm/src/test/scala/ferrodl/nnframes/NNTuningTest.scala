package ferrodl.nnframes

import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, MulConstant, Sequential}
import org.apache.spark.ml.evaluation.{BinaryClassificationEvaluator, MulticlassClassificationEvaluator}
import org.apache.spark.ml.tuning.{CrossValidator, CrossValidatorModel, ParamGridBuilder, TrainValidationSplit}
import org.junit.Assert._
import org.junit.{AfterClass, Test}

object NNTuningTest {
  @AfterClass def stop(): Unit = FrameFixtures.stop()
}

class NNTuningTest {
  import FrameFixtures._

  @Test def crossValidatorSearchesLearningRateAndMaxEpoch(): Unit = {
    val df = blobs(150, 11)
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setBatchSize(25)
    val grid = new ParamGridBuilder()
      .addGrid(clf.learningRate, Array(0.001, 0.2))
      .addGrid(clf.maxEpoch, Array(1, 6))
      .build()
    val cv = new CrossValidator()
      .setEstimator(clf)
      .setEstimatorParamMaps(grid)
      .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
      .setNumFolds(2)
      .setSeed(3)
    val fitted = cv.fit(df)
    val metrics =
      grid.zip(fitted.avgMetrics).map { case (pm, m) => (pm(clf.learningRate), pm(clf.maxEpoch)) -> m }.toMap
    assertEquals(4, metrics.size)
    assertTrue(metrics.toString, metrics((0.2, 6)) > 0.95)
    assertTrue(metrics.toString, metrics((0.2, 6)) > metrics((0.001, 1)))
    val best = fitted.bestModel.asInstanceOf[NNClassifierModel]
    assertEquals(metrics.values.max, fitted.avgMetrics.max, 0.0)
    assertTrue(best.transform(df).columns.contains("probability"))
    val path = java.nio.file.Files.createTempDirectory("nncv").resolve("cv").toString
    fitted.write.overwrite().save(path)
    assertTrue(CrossValidatorModel.load(path).bestModel.isInstanceOf[NNClassifierModel])
  }

  @Test def crossValidatorSearchesModelVariants(): Unit = {
    val df = blobs(150, 13)
    // A variant that cannot learn (its scores are multiplied by 0) against the MLP.
    val dead = Sequential().add(Linear(4, 3)).add(MulConstant(0.0)).add(LogSoftMax())
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setBatchSize(25).setLearningRate(0.2).setMaxEpoch(6)
    val grid = new ParamGridBuilder().addGrid(clf.modelVariant, Array(dead, mlp())).build()
    val cv = new CrossValidator()
      .setEstimator(clf)
      .setEstimatorParamMaps(grid)
      .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
      .setNumFolds(2)
      .setSeed(3)
    val fitted = cv.fit(df)
    assertTrue(fitted.avgMetrics.mkString(", "), fitted.avgMetrics(0) < 0.5 && fitted.avgMetrics(1) > 0.95)
    val best = fitted.bestModel.asInstanceOf[NNClassifierModel]
    assertEquals(mlp().numParameters(), best.model.numParameters())
    // The grid (with its models, as base64 model files) saves and loads with the validator.
    val path = java.nio.file.Files.createTempDirectory("nncv-models").resolve("cv").toString
    fitted.write.overwrite().save(path)
    val loaded = CrossValidatorModel.load(path)
    val variants =
      loaded.getEstimatorParamMaps.map(_.toSeq.head.value.asInstanceOf[ferrodl.nn.abstractnn.AbstractModule])
    assertArrayEquals(dead.getWeightsArray(), variants(0).getWeightsArray(), 0f)
    assertEquals(fitted.avgMetrics.toSeq, loaded.avgMetrics.toSeq)
  }

  @Test def trainValidationSplitWithTheBinaryEvaluator(): Unit = {
    val df = blobs(160, 12, classes = 2)
    val clf = NNClassifier(mlp(classes = 2), ClassNLLCriterion(), Array(4)).setBatchSize(20).setMaxEpoch(4)
    val grid = new ParamGridBuilder().addGrid(clf.learningRate, Array(0.05, 0.3)).build()
    val tvs = new TrainValidationSplit()
      .setEstimator(clf)
      .setEstimatorParamMaps(grid)
      .setEvaluator(new BinaryClassificationEvaluator().setMetricName("areaUnderROC"))
      .setTrainRatio(0.7)
      .setSeed(5)
    val fitted = tvs.fit(df)
    assertEquals(2, fitted.validationMetrics.length)
    assertTrue(fitted.validationMetrics.mkString(", "), fitted.validationMetrics.max > 0.98)
    val auc = new BinaryClassificationEvaluator().setMetricName("areaUnderPR").evaluate(fitted.transform(df))
    assertTrue(s"AUC-PR $auc", auc > 0.98)
  }
}
