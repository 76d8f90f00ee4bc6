package ferrodl.nnframes

import java.nio.file.Files

import ferrodl.nn.ClassNLLCriterion
import ferrodl.optim.{Top1Accuracy, Trigger}
import ferrodl.visualization.{TrainSummary, ValidationSummary}
import org.apache.spark.ml.linalg.Vector
import org.apache.spark.ml.param.ParamMap
import org.junit.Assert._
import org.junit.{AfterClass, Test}

object NNTrainingOptionsTest {
  @AfterClass def stop(): Unit = FrameFixtures.stop()
}

/** Validation, summaries, checkpoints and gradient clipping reach the Optimizer that `fit` runs. */
class NNTrainingOptionsTest {
  import FrameFixtures._

  private def probabilities(m: NNModel, df: org.apache.spark.sql.DataFrame): Seq[Vector] =
    m.transform(df).orderBy("id").select("probability").collect().map(_.getAs[Vector](0)).toSeq

  @Test def validationSummariesAndCheckpointsAreWritten(): Unit = {
    val df = blobs(90, 31)
    val dir = Files.createTempDirectory("nnopts")
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4))
      .setMaxEpoch(2)
      .setBatchSize(30)
      .setLearningRate(0.1)
      .setValidation(Trigger.everyEpoch, blobs(30, 32), Array(new Top1Accuracy), 10)
      .setTrainSummary(TrainSummary(dir.toString, "app"))
      .setValidationSummary(ValidationSummary(dir.toString, "app"))
      .setCheckpoint(dir.resolve("ckpt").toString, Trigger.everyEpoch, isOverWrite = false)
    clf.fit(df)
    assertEquals("3 iterations per epoch, 2 epochs", 6, clf.getTrainSummary.get.readScalar("Loss").length)
    assertEquals("validated every epoch", 2, clf.getValidationSummary.get.readScalar("Top1Accuracy").length)
    val ckpt = dir.resolve("ckpt").toFile.list().toSet
    assertTrue(ckpt.toString, Set("model.3", "model.6", "optimMethod.3", "optimMethod.6").subsetOf(ckpt))
  }

  @Test def gradientClippingReachesTheOptimizer(): Unit = {
    val df = blobs(60, 33)
    val clf = NNClassifier(mlp(), ClassNLLCriterion(), Array(4)).setMaxEpoch(2).setBatchSize(20).setLearningRate(0.5)
    val untrained = probabilities(NNClassifierModel(mlp(), Array(4)), df)
    def fitWith(f: NNClassifier => NNClassifier) = probabilities(f(clf.copy(ParamMap.empty)).fit(df), df)
    def maxDiff(a: Seq[Vector], b: Seq[Vector]) =
      a.zip(b).map { case (x, y) => x.toArray.zip(y.toArray).map(t => math.abs(t._1 - t._2)).max }.max
    val frozen = maxDiff(untrained, fitWith(_.setConstantGradientClipping(0, 0)))
    assertTrue(s"gradients clipped to 0 leave the model alone: $frozen", frozen < 1e-6)
    val tiny = maxDiff(untrained, fitWith(_.setGradientClippingByl2Norm(1e-6)))
    assertTrue(s"L2 clipping to 1e-6 barely moves: $tiny", tiny < 1e-4)
    val free = maxDiff(untrained, fitWith(identity))
    assertTrue(s"without clipping training moves: $free", free > 1e-2)
    assertFalse(
      clf
        .copy(org.apache.spark.ml.param.ParamMap.empty)
        .setGradientClippingByl2Norm(1)
        .disableGradientClipping()
        .isSet(clf.gradientClippingL2Norm)
    )
  }
}
