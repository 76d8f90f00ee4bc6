package ferrodl.nnframes

import ferrodl.nn.ClassNLLCriterion
import org.apache.spark.ml.linalg.Vector
import org.junit.Assert._
import org.junit.{AfterClass, Test}

object NNBaggingTest {
  @AfterClass def stop(): Unit = FrameFixtures.stop()
}

class NNBaggingTest {
  import FrameFixtures._

  @Test def stratifiedSampleKeepsTheRequestedShareOfEachClass(): Unit = {
    val df = blobs(600, 21, classes = 2)
    val s = NNBagging.stratifiedSample(df, "label", Map(0.0 -> 0.2, 1.0 -> 1.0), withReplacement = false, seed = 4)
    val counts = s.groupBy("label").count().collect().map(r => r.getDouble(0) -> r.getLong(1)).toMap
    assertEquals(300L, counts(1.0))
    assertTrue(counts.toString, counts(0.0) > 40 && counts(0.0) < 80)
    val again = NNBagging.stratifiedSample(df, "label", Map(0.0 -> 0.2, 1.0 -> 1.0), withReplacement = false, seed = 4)
    assertEquals("seeded", s.orderBy("id").collect().toSeq, again.orderBy("id").collect().toSeq)
    val boot = NNBagging.stratifiedSample(df, "label", Map(1.0 -> 2.0), withReplacement = true, seed = 4)
    assertTrue(boot.count() > 500 && boot.filter("label = 0").count() == 0)
  }

  @Test def baggedProbabilityIsTheMeanOfTheModelsAndSavesAndLoads(): Unit = {
    val df = blobs(120, 22)
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setMaxEpoch(2).setLearningRate(0.2).setBatchSize(20)
    val members = (0 until 3).map(i =>
      clf
        .copy(org.apache.spark.ml.param.ParamMap.empty)
        .fit(
          NNBagging.stratifiedSample(
            df,
            "label",
            Map(0.0 -> 1.0, 1.0 -> 1.0, 2.0 -> 1.0),
            withReplacement = true,
            seed = 7 + i
          )
        )
    )
    val bagged = NNBagging.fit(clf, df, 3, Map(0.0 -> 1.0, 1.0 -> 1.0, 2.0 -> 1.0), seed = 7)
    def probs(m: NNClassifierModel) =
      m.transform(df).orderBy("id").select("probability").collect().map(_.getAs[Vector](0))
    val each = members.map(probs)
    val mean = probs(bagged)
    mean.indices.foreach { r =>
      (0 until 3).foreach { c =>
        assertEquals(each.map(_(r)(c)).sum / 3, mean(r)(c), 1e-5)
      }
    }
    assertTrue("the members differ", each(0).zip(each(1)).exists { case (a, b) => a != b })
    val path = java.nio.file.Files.createTempDirectory("nnbag").resolve("m").toString
    bagged.save(path)
    assertEquals(mean.toSeq, probs(NNClassifierModel.load(path)).toSeq)
  }
}
