package ferrodl.optim

import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/** Triggers and validation methods on hand-made states and predictions. */
class TriggersAndMetricsTest {
  private def st(epoch: Int, it: Int, loss: Double = 1.0, done: Boolean = false, score: Double = Double.NaN) =
    TrainingState(epoch, it, loss, done, score)

  @Test def triggers(): Unit = {
    assertFalse(Trigger.maxEpoch(2)(st(2, 10)))
    assertTrue(Trigger.maxEpoch(2)(st(3, 10)))
    assertFalse(Trigger.maxIteration(5)(st(1, 5)))
    assertTrue(Trigger.maxIteration(5)(st(1, 6)))
    assertTrue(Trigger.everyEpoch(st(2, 7, done = true)))
    assertFalse(Trigger.everyEpoch(st(2, 7)))
    assertTrue(Trigger.severalIteration(3)(st(1, 4)))
    assertFalse(Trigger.severalIteration(3)(st(1, 5)))
    assertFalse(Trigger.maxScore(0.9f)(st(1, 1)))
    assertTrue(Trigger.maxScore(0.9f)(st(1, 1, score = 0.95)))
    assertTrue(Trigger.minLoss(0.1f)(st(1, 1, loss = 0.05)))
    assertFalse(Trigger.minLoss(0.1f)(st(1, 1, loss = 0.5)))
    val both = Trigger.and(Trigger.maxEpoch(1), Trigger.minLoss(0.1f))
    assertFalse(both(st(2, 1, loss = 0.5)))
    assertTrue(both(st(2, 1, loss = 0.05)))
    assertTrue(Trigger.or(Trigger.maxEpoch(5), Trigger.minLoss(0.1f))(st(1, 1, loss = 0.05)))
  }

  @Test def triggersAfterRoundsOfLocalSteps(): Unit = {
    def round(it: Int, steps: Int) = TrainingState(1, it, 1.0, epochFinished = false, lastSteps = steps)
    // A round of 4 that ran iterations 3-6 passed 5; the next, 7-10, passed 10; 11-14 passed none.
    assertTrue(Trigger.severalIteration(5)(round(7, 4)))
    assertTrue(Trigger.severalIteration(5)(round(11, 4)))
    assertFalse(Trigger.severalIteration(5)(round(15, 4)))
    assertTrue(Trigger.severalIteration(5)(round(16, 1)))
    assertFalse(Trigger.severalIteration(5)(round(1, 4)))
    // Iteration-count end triggers say how far a round may go; others do not know.
    assertEquals(Some(5), Trigger.maxIteration(10).iterationsLeft(round(6, 1)))
    assertEquals(None, Trigger.maxEpoch(3).iterationsLeft(round(6, 1)))
    val either = Trigger.or(Trigger.maxEpoch(3), Trigger.maxIteration(10), Trigger.maxIteration(8))
    assertEquals(Some(3), either.iterationsLeft(round(6, 1)))
    val progress = TrainingProgress(1, 6, 120L, 1L)
    // 200 records at batch 20 leave 4 iterations in the epoch; maxIteration(7) leaves 2.
    assertEquals(4, LocalSgd.roundSteps(8, progress, 200L, 20, Trigger.maxEpoch(2)))
    assertEquals(2, LocalSgd.roundSteps(8, progress, 200L, 20, Trigger.maxIteration(7)))
    assertEquals(3, LocalSgd.roundSteps(3, progress, 200L, 20, Trigger.maxEpoch(2)))
    assertEquals(1, LocalSgd.roundSteps(3, progress, 200L, 20, Trigger.maxIteration(3)))
  }

  @Test def metricsOnHandMadePredictions(): Unit = {
    val out = Tensor(Array(0.1f, 0.7f, 0.2f, 0.0f, 0.0f, 0.0f, 0.3f, 0.1f, 0.6f, 0.0f, 0.0f, 0.0f), Array(2, 6))
    val target = Tensor(Array(2f, 1f), Array(2))
    val top1 = new Top1Accuracy()(out, target).result()
    assertEquals((0.5f, 2), top1)
    assertEquals((1.0f, 2), new Top5Accuracy()(out, target).result())
    assertEquals((0.5f, 2), new TopKAccuracy(1)(out, target).result())
    val mae = new MAE()(Tensor(Array(1f, 2f, 3f, 4f), Array(2, 2)), Tensor(Array(1.5f, 2f, 2f, 4f), Array(2, 2)))
    assertEquals(0.375f, mae.result()._1, 1e-6f)
    assertEquals(4, mae.result()._2)
    val logp = Tensor(
      Array(math.log(0.5).toFloat, math.log(0.5).toFloat, math.log(0.9).toFloat, math.log(0.1).toFloat),
      Array(2, 2)
    )
    val loss = new Loss()(logp, Tensor(Array(1f, 1f), Array(2)))
    assertEquals(-(math.log(0.5) + math.log(0.9)) / 2, loss.result()._1, 1e-6)
    assertEquals(2, (loss + loss).result()._2 / 2)
  }
}
