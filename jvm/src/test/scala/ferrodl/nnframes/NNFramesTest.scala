package ferrodl.nnframes

import java.nio.file.Files

import ferrodl.nn.{ClassNLLCriterion, Linear, MSECriterion, Sequential}
import ferrodl.optim.Trigger
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.VectorAssembler
import org.apache.spark.ml.linalg.Vector
import org.apache.spark.sql.DataFrame
import org.junit.Assert._
import org.junit.{AfterClass, Test}

object NNFramesTest {
  @AfterClass def stop(): Unit = FrameFixtures.stop()
}

class NNFramesTest {
  import FrameFixtures._

  private def tmp(): String = Files.createTempDirectory("nnframes").resolve("stage").toString

  private def accuracy(df: DataFrame): Double =
    new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(df)

  private def column[A](df: DataFrame, c: String): Seq[A] =
    df.orderBy("id").select(c).collect().toSeq.map(_.getAs[A](0))

  @Test def classifierTrainsAndTransformKeepsTheOtherColumnsInOrder(): Unit = {
    val train = blobs(240, 1)
    val test = blobs(90, 2).drop("features").withColumnRenamed("arr", "x")
    val nn = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
      .setFeaturesCol("arrFloat")
      .setBatchSize(24)
      .setMaxEpoch(8)
      .setLearningRate(0.2)
      .fit(train)
    assertArrayEquals(Array(4), nn.getFeatureSize)
    assertEquals("arrFloat", nn.getFeaturesCol)
    val out = nn.setBatchSize(7).transform(test)
    assertEquals(test.columns.toSeq ++ Seq("rawPrediction", "probability", "prediction"), out.columns.toSeq)
    val rows = out.collect()
    assertEquals(90, rows.length)
    val before = test.collect().map(r => r.getAs[String]("id") -> r.toSeq).toMap
    rows.foreach { r =>
      assertEquals("other columns unchanged", before(r.getAs[String]("id")), r.toSeq.take(test.columns.length))
      val p = r.getAs[Vector]("probability").toArray
      assertEquals(3, p.length)
      assertEquals(1.0, p.sum, 1e-5)
      assertEquals(r.getAs[Vector]("rawPrediction").argmax.toDouble, r.getAs[Double]("prediction"), 0.0)
    }
    val acc = accuracy(out)
    assertTrue(s"accuracy $acc", acc > 0.95)
  }

  @Test def oneBasedLabelsAsBigDL(): Unit = {
    val train = blobs(120, 1).selectExpr("features", "label + 1 AS label")
    val nn = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
      .setZeroBasedLabel(false)
      .setMaxEpoch(8)
      .setLearningRate(0.2)
      .setBatchSize(24)
      .fit(train)
    val out = nn.transform(train)
    assertTrue(out.select("prediction").collect().forall(r => Set(1.0, 2.0, 3.0)(r.getDouble(0))))
    assertTrue(accuracy(out) > 0.95)
  }

  @Test def vectorArrayAndAssembledInputsTrainToTheSameResult(): Unit = {
    val df = blobs(120, 4)
    val assembled = new VectorAssembler()
      .setInputCols(Array("f1", "f2", "f3", "f4"))
      .setOutputCol("assembled")
      .transform(df)
    def fitOn(col: String): Seq[Seq[Double]] = {
      val est = NNEstimator(mlp(), ClassNLLCriterion(), Array(4), Array(1))
        .setFeaturesCol(col)
        .setLabelCol("one")
        .setMaxEpoch(2)
        .setLearningRate(0.1)
        .setBatchSize(16)
      val data = assembled.selectExpr("*", "label + 1 AS one")
      column[Seq[Double]](est.fit(data).transform(data), "prediction")
    }
    val byVector = fitOn("features")
    assertEquals(120, byVector.length)
    assertEquals(3, byVector.head.length)
    assertEquals("double array", byVector, fitOn("arr"))
    assertEquals("float array", byVector, fitOn("arrFloat"))
    assertEquals("VectorAssembler", byVector, fitOn("assembled"))
    val untrained = column[Seq[Double]](NNModel(mlp(), Array(4)).transform(df), "prediction")
    assertNotEquals("training changed the outputs", untrained, byVector)
  }

  @Test def estimatorRegressesWithVectorLabels(): Unit = {
    val s = spark
    import s.implicits._
    val r = new scala.util.Random(3)
    val rows = Seq.fill(200) {
      val x = Array.fill(3)(r.nextDouble() * 2 - 1)
      (x.toSeq, Seq(x(0) - 2 * x(1), 0.5 * x(2) + 1))
    }
    val df = rows.toDF("x", "y")
    val model = Sequential().add(Linear(3, 2))
    val nn = NNEstimator(model, MSECriterion(), Array(3), Array(2))
      .setFeaturesCol("x")
      .setLabelCol("y")
      .setBatchSize(20)
      .setEndWhen(Trigger.maxIteration(300))
      .setLearningRate(0.5)
      .fit(df)
    val err = nn
      .transform(df)
      .select("y", "prediction")
      .collect()
      .map { row =>
        row.getSeq[Double](0).zip(row.getSeq[Double](1)).map { case (a, b) => math.abs(a - b) }.max
      }
      .max
    assertTrue(s"max error $err", err < 0.05)
    assertFalse(
      "the estimator's model is not trained in place",
      model.getWeightsArray().sameElements(nn.getModel.getWeightsArray())
    )
  }

  @Test def modelAndEstimatorSaveAndLoad(): Unit = {
    val df = blobs(90, 5)
    val est = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
      .setMaxEpoch(3)
      .setLearningRate(0.1)
      .setBatchSize(15)
      .setProbabilityCol("p")
      .setOptimMethod(new ferrodl.optim.Adam(learningRate = 0.01))
      .setEndWhen(Trigger.maxIteration(12))
    val model = est.fit(df)
    val path = tmp()
    model.write.overwrite().save(path)
    val loaded = NNClassifierModel.load(path)
    assertEquals(model.uid, loaded.uid)
    assertEquals("p", loaded.getProbabilityCol)
    assertArrayEquals(Array(4), loaded.getFeatureSize)
    val a = column[Vector](model.transform(df), "p")
    assertEquals("identical predictions after load", a, column[Vector](loaded.transform(df), "p"))

    val estPath = tmp()
    est.save(estPath)
    val est2 = NNClassifier.load(estPath)
    assertEquals(est.uid, est2.uid)
    assertEquals(3, est2.getMaxEpoch)
    assertEquals(0.1, est2.getLearningRate, 0.0)
    assertEquals("p", est2.getProbabilityCol)
    assertEquals("maxIteration(12)", est2.getEndWhen.toString)
    assertEquals(0.1, est2.method().asInstanceOf[ferrodl.optim.Adam].learningRate, 0.0)
    assertEquals("the loaded estimator trains to the same model", a, column[Vector](est2.fit(df).transform(df), "p"))

    val plain = tmp()
    NNModel(mlp(), Array(4)).save(plain)
    try {
      NNClassifierModel.load(plain)
      fail("an NNModel is not an NNClassifierModel")
    } catch { case e: IllegalArgumentException => assertTrue(e.getMessage, e.getMessage.contains("NNModel")) }
  }

  @Test def newerFormatVersionsAreRefused(): Unit = {
    val path = tmp()
    NNModel(mlp(), Array(4)).save(path)
    val meta = java.nio.file.Paths.get(path, "metadata", "part-00000")
    val json = new String(Files.readAllBytes(meta), "UTF-8")
    assertTrue(json, json.contains("\"ferrodlFormatVersion\":1"))
    Files.deleteIfExists(java.nio.file.Paths.get(path, "metadata", ".part-00000.crc"))
    Files.write(meta, json.replace("\"ferrodlFormatVersion\":1", "\"ferrodlFormatVersion\":99").getBytes("UTF-8"))
    try {
      NNModel.load(path)
      fail("version 99 must be refused")
    } catch { case e: IllegalArgumentException => assertTrue(e.getMessage, e.getMessage.contains("version 99")) }
  }

  @Test def pipelineWithSparkFeatureStagesFitsSavesAndLoads(): Unit = {
    import org.apache.spark.ml.feature.{StandardScaler, StringIndexer}
    val train = blobs(240, 6)
    val test = blobs(90, 7)
    val pipeline = new Pipeline().setStages(
      Array(
        new StringIndexer().setInputCol("kind").setOutputCol("target").setStringOrderType("alphabetAsc"),
        new StringIndexer().setInputCol("colour").setOutputCol("colourIndex"),
        new VectorAssembler().setInputCols(Array("f1", "f2", "f3", "f4", "colourIndex")).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("scaled"),
        NNClassifier(mlp(5), ClassNLLCriterion(), Array(5))
          .setFeaturesCol("scaled")
          .setLabelCol("target")
          .setMaxEpoch(8)
          .setLearningRate(0.2)
          .setBatchSize(24)
      )
    )
    val fitted = pipeline.fit(train)
    val out = fitted.transform(test)
    val acc = new MulticlassClassificationEvaluator().setLabelCol("target").setMetricName("accuracy").evaluate(out)
    assertTrue(s"accuracy $acc", acc > 0.95)
    val path = tmp()
    fitted.write.overwrite().save(path)
    val loaded = PipelineModel.load(path)
    assertTrue(loaded.stages.last.isInstanceOf[NNClassifierModel])
    assertEquals(column[Vector](out, "probability"), column[Vector](loaded.transform(test), "probability"))
    val pPath = tmp()
    pipeline.write.overwrite().save(pPath)
    val reloaded = Pipeline.load(pPath).getStages.last.asInstanceOf[NNClassifier]
    assertEquals("scaled", reloaded.getFeaturesCol)
    assertEquals(8, reloaded.getMaxEpoch)
  }
}
