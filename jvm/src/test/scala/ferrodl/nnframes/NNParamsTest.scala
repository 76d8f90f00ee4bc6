package ferrodl.nnframes

import ferrodl.nn.{ClassNLLCriterion, MSECriterion}
import ferrodl.optim.{Adam, SGD, Trigger}
import org.junit.Assert._
import org.junit.{AfterClass, Test}

object NNParamsTest {
  @AfterClass def stop(): Unit = FrameFixtures.stop()
}

class NNParamsTest {
  import FrameFixtures._

  private def fails(what: String, contains: String)(f: => Any): Unit =
    try {
      f
      fail(s"$what: no error")
    } catch {
      case e: IllegalArgumentException =>
        assertTrue(s"$what: '${e.getMessage}' should mention '$contains'", e.getMessage.contains(contains))
    }

  @Test def defaultsAreBigDLs(): Unit = {
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
    assertEquals("features", clf.getFeaturesCol)
    assertEquals("label", clf.getLabelCol)
    assertEquals("prediction", clf.getPredictionCol)
    assertEquals("probability", clf.getProbabilityCol)
    assertEquals("rawPrediction", clf.getRawPredictionCol)
    assertEquals(32, clf.getBatchSize)
    assertEquals(50, clf.getMaxEpoch)
    assertEquals(1e-3, clf.getLearningRate, 0.0)
    assertEquals(0.0, clf.getLearningRateDecay, 0.0)
    assertTrue(clf.getOptimMethod.isInstanceOf[SGD])
    assertEquals("maxEpoch(50)", clf.getEndWhen.toString)
    assertEquals("", clf.getCheckpointPath)
    assertTrue(clf.getZeroBasedLabel)
    assertArrayEquals(Array(4), clf.getFeatureSize)
    assertArrayEquals(Array(1), clf.getLabelSize)
    assertFalse(clf.isSet(clf.gradientClippingL2Norm))
    val est = NNEstimator(mlp(), MSECriterion(), Array(2, 2), Array(3))
    assertArrayEquals(Array(2, 2), est.getFeatureSize)
    assertArrayEquals(Array(3), est.getLabelSize)
    assertEquals("maxEpoch(7)", est.setMaxEpoch(7).getEndWhen.toString)
    assertEquals("maxIteration(3)", est.setEndWhen(Trigger.maxIteration(3)).getEndWhen.toString)
  }

  @Test def validatorsRejectBadValues(): Unit = {
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
    fails("batchSize 0", "batchSize")(clf.setBatchSize(0))
    fails("maxEpoch -1", "maxEpoch")(clf.setMaxEpoch(-1))
    fails("learningRate 0", "learningRate")(clf.setLearningRate(0))
    fails("learningRateDecay -1", "learningRateDecay")(clf.setLearningRateDecay(-1))
    fails("featureSize with 0", "featureSize")(clf.setFeatureSize(Array(4, 0)))
    fails("empty featuresCol", "featuresCol")(clf.setFeaturesCol(""))
    fails("L2 clipping 0", "gradientClippingL2Norm")(clf.setGradientClippingByl2Norm(0))
    fails("constant clipping min > max", "clipping")(clf.setConstantGradientClipping(1, -1))
    fails("classifier labelSize", "labelSize")(clf.setLabelSize(Array(2)))
    assertEquals(32, clf.getBatchSize)
  }

  @Test def learningRateConfiguresTheDefaultSgdAndOverridesAnExplicitMethodOnlyWhenSet(): Unit = {
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setLearningRate(0.3).setLearningRateDecay(0.1)
    val sgd = clf.method().asInstanceOf[SGD]
    assertEquals(0.3, sgd.learningRate, 0.0)
    assertEquals(0.1, sgd.learningRateDecay, 0.0)
    val adam = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setOptimMethod(new Adam(learningRate = 0.05))
    assertEquals(0.05, adam.method().asInstanceOf[Adam].learningRate, 0.0)
    val tuned = adam.copy(org.apache.spark.ml.param.ParamMap(adam.learningRate -> 0.2))
    assertEquals(0.2, tuned.method().asInstanceOf[Adam].learningRate, 0.0)
    assertNotSame("each fit gets its own method", tuned.method(), tuned.method())
    assertEquals("the configured method is unchanged", 0.05, adam.getOptimMethod.asInstanceOf[Adam].learningRate, 0.0)
  }

  @Test def copyKeepsParamsAndExtras(): Unit = {
    val vdf = blobs(9, 3)
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
      .setBatchSize(16)
      .setValidation(Trigger.everyEpoch, vdf, Array(new ferrodl.optim.Top1Accuracy), 8)
    val c = clf.copy(org.apache.spark.ml.param.ParamMap(clf.maxEpoch -> 3))
    assertEquals(3, c.getMaxEpoch)
    assertEquals(16, c.getBatchSize)
    assertEquals(clf.uid, c.uid)
    assertTrue(c.getValidation.exists(_._2 eq vdf))
  }

  @Test def badColumnsAndShapesGiveClearErrors(): Unit = {
    val df = blobs(12, 1)
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setMaxEpoch(1)
    fails("missing column", "'nope' is not in the DataFrame")(clf.setFeaturesCol("nope").fit(df))
    fails("string column", "has type string")(clf.setFeaturesCol("kind").fit(df))
    val wrongSize = NNClassifierModel(mlp(), Array(5))
    try {
      wrongSize.transform(df).collect()
      fail("a wrong featureSize must fail")
    } catch {
      case e: Exception =>
        val msg = Iterator.iterate[Throwable](e)(_.getCause).takeWhile(_ != null).map(_.getMessage).mkString(" | ")
        assertTrue(msg, msg.contains("has 4 values in a row, but featureSize [5] needs 5"))
    }
    fails("output column exists", "already exists")(
      NNClassifierModel(mlp(), Array(4)).setPredictionCol("label").transform(df)
    )
  }
}
