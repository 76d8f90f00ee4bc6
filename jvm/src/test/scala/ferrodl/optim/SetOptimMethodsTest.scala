package ferrodl.optim

import java.nio.file.Files

import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, Tanh}
import org.junit.Assert._
import org.junit.Test

/** `setOptimMethods`: one method per named submodule, each updating its own parameters. */
class SetOptimMethodsTest {

  private val data = LocalSparkTrainingTest.blobs(300, 51).toArray

  private def model(): Sequential =
    Sequential().add(Linear(4, 8).setName("l1")).add(Tanh()).add(Linear(8, 3).setName("l2")).add(LogSoftMax())

  private def optimizer(m: Sequential): Optimizer = new LocalOptimizer(m, data, ClassNLLCriterion(), 30, threads = 2)

  @Test def eachMethodUpdatesItsSubmodule(): Unit = {
    val m = model()
    val before = m.getWeightsArray()
    optimizer(m)
      .setOptimMethods(Map("l1" -> new SGD(learningRate = 0.0), "l2" -> new SGD(learningRate = 0.5)))
      .setEndWhen(Trigger.maxEpoch(2))
      .optimize()
    val after = m.getWeightsArray()
    assertArrayEquals("l1 (40 parameters) has learning rate 0", before.take(40), after.take(40), 0f)
    assertFalse("l2 moved", before.drop(40).sameElements(after.drop(40)))
  }

  @Test def sgdAndAdamTogetherTrainAndResumeExactly(): Unit = {
    def methods() = Map("l1" -> new SGD(learningRate = 0.2, momentum = 0.9), "l2" -> new Adam(learningRate = 0.01))
    val init = model().getWeightsArray()
    val full = model().setWeightsArray(init)
    optimizer(full).setOptimMethods(methods()).setEndWhen(Trigger.maxEpoch(4)).optimize()
    val acc = Evaluator.evaluateLocal(full, data, Array(new Top1Accuracy), 100)(0)._1.result()._1
    assertTrue(s"accuracy $acc", acc > 0.95)

    val dir = Files.createTempDirectory("ferrodl-methods").toString
    val first = model().setWeightsArray(init)
    optimizer(first)
      .setOptimMethods(methods())
      .setCheckpoint(dir, Trigger.everyEpoch)
      .setEndWhen(Trigger.maxEpoch(2))
      .optimize()
    assertTrue(new java.io.File(dir, "optimMethod-l2.20").exists())
    val resumed = model()
    optimizer(resumed).setOptimMethods(methods()).resume(dir).setEndWhen(Trigger.maxEpoch(4)).optimize()
    assertArrayEquals("Adam's and momentum's states came back", full.getWeightsArray(), resumed.getWeightsArray(), 0f)
  }

  @Test def methodsMustNameSubmodulesAndCoverEveryParameter(): Unit = {
    val unknown = assertThrows(
      classOf[IllegalArgumentException],
      () => optimizer(model()).setOptimMethods(Map("l3" -> new SGD())).setEndWhen(Trigger.maxIteration(1)).optimize()
    )
    assertTrue(unknown.getMessage, unknown.getMessage.contains("no submodule named l3"))
    val partial = assertThrows(
      classOf[IllegalArgumentException],
      () => optimizer(model()).setOptimMethods(Map("l1" -> new SGD())).setEndWhen(Trigger.maxIteration(1)).optimize()
    )
    assertTrue(partial.getMessage, partial.getMessage.contains("cover 40 of the model's 67 parameters"))
  }
}
