package ferrodl.optim

import java.nio.file.Files

import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, Tanh}
import ferrodl.visualization.{TrainSummary, ValidationSummary}
import org.junit.Assert._
import org.junit.Test

/** LocalOptimizer (no Spark) with validation, checkpoints and TensorBoard summaries. */
class LocalOptimizerAndSummaryTest {

  private def mlp(): Sequential = Sequential().add(Linear(4, 8)).add(Tanh()).add(Linear(8, 3)).add(LogSoftMax())

  @Test def localTrainingValidatesAndWritesSummariesThatReadBack(): Unit = {
    val train = LocalSparkTrainingTest.blobs(600, 31).toArray
    val test = LocalSparkTrainingTest.blobs(300, 32).toArray
    val logDir = Files.createTempDirectory("ferrodl-tb").toString
    val trainSummary = TrainSummary(logDir, "blobs").setSummaryTrigger("Parameters", Trigger.everyEpoch)
    val validationSummary = ValidationSummary(logDir, "blobs")
    val model = mlp()
    val opt = new LocalOptimizer(model, train, ClassNLLCriterion(), batchSize = 50, threads = 2)
      .setOptimMethod(new SGD(learningRate = 0.2))
      .setEndWhen(Trigger.maxEpoch(3))
      .setLocalValidation(Trigger.everyEpoch, test, Array(new Top1Accuracy, new Loss), 64)
      .setTrainSummary(trainSummary)
      .setValidationSummary(validationSummary)
    opt.optimize()
    val acc = Evaluator.evaluateLocal(model, test, Array(new Top1Accuracy), 100)(0)._1.result()._1
    assertTrue(s"accuracy $acc", acc > 0.95)

    val loss = trainSummary.readScalar("Loss")
    assertEquals("one loss per iteration", 36, loss.length)
    assertEquals((1L to 36L).toSeq, loss.map(_._1).toSeq)
    assertTrue("the loss falls", loss.takeRight(5).map(_._2).sum < loss.take(5).map(_._2).sum)
    assertTrue(loss.forall(_._3 > 1.6e9))
    assertEquals(36, trainSummary.readScalar("LearningRate").length)
    assertTrue(trainSummary.readScalar("Throughput").forall(_._2 > 0))
    val top1 = validationSummary.readScalar("Top1Accuracy")
    assertEquals(Seq(12L, 24L, 36L), top1.map(_._1).toSeq)
    assertEquals(acc, top1.last._2, 1e-6f)
    assertEquals(3, validationSummary.readScalar("Loss").length)
    assertTrue(opt.getOptimMethod.progress.bestScore >= opt.getOptimMethod.progress.score)
    trainSummary.close()
    validationSummary.close()
  }

  @Test def aSecondOptimizeContinuesAndStopsAtTheTotalEpochs(): Unit = {
    val train = LocalSparkTrainingTest.blobs(200, 33).toArray
    val sgd = new SGD(learningRate = 0.1)
    val opt = Optimizer(model = mlp(), samples = train, criterion = ClassNLLCriterion(), batchSize = 40)
      .setOptimMethod(sgd)
      .setEndWhen(Trigger.maxEpoch(1))
    opt.optimize()
    val p = sgd.progress
    assertEquals((2, 6, 0L, 1L, true), (p.epoch, p.iteration, p.recordsThisEpoch, p.seed, p.epochFinished))
    opt.setEndWhen(Trigger.maxEpoch(2)).optimize()
    assertEquals("one more epoch", 5, opt.timings.length)
    opt.optimize()
    assertEquals("nothing left to do", 0, opt.timings.length)
    sgd.clearHistory()
    opt.optimize()
    assertEquals("afresh", 10, opt.timings.length)
  }

  @Test def endTriggersEstimateHowFarTrainingIs(): Unit = {
    val s = TrainingState(epoch = 2, iteration = 31, loss = 0.5, epochFinished = false)
    assertEquals(Some(0.375), Trigger.maxEpoch(4).fractionDone(s, 0.5))
    assertEquals(Some(0.3), Trigger.maxIteration(100).fractionDone(s, 0.5))
    assertEquals(Some(0.3), Trigger.and(Trigger.maxEpoch(4), Trigger.maxIteration(100)).fractionDone(s, 0.5))
    assertEquals(Some(0.375), Trigger.or(Trigger.maxEpoch(4), Trigger.maxIteration(100)).fractionDone(s, 0.5))
    assertEquals(None, Trigger.minLoss(0.1f).fractionDone(s, 0.5))
  }
}
