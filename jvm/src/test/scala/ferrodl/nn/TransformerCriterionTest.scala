package ferrodl.nn

import ferrodl.feature.Sample
import ferrodl.optim.{LocalOptimizer, SGD, Trigger}
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/**
 * TransformerCriterion with BigDL's semantics: the transformers run with their own current
 * weights, which are no part of the model's parameters, so training leaves them unchanged.
 */
class TransformerCriterionTest {
  private def transformer(): Linear = {
    val l = Linear(2, 2)
    l.setWeightsArray(Array(2f, 0f, 1f, -1f, 0.5f, 0f)) // W = [[2, 0], [1, -1]], b = [0.5, 0]
    l
  }

  @Test def theTransformerRunsWithItsWeights(): Unit = {
    val x = Tensor(Array(1f, 3f), Array(1, 2))
    val t = Tensor(Array(2f, -1f), Array(1, 2))
    val c = TransformerCriterion(MSECriterion(sizeAverage = false), inputTransformer = transformer())
    // y = (2.5, -2): (0.5)^2 + 1^2.
    assertEquals(1.25f, c.forward(x, t), 1e-6f)
    // Through W: W^T (2 (y - t)) = W^T (1, -2) = (0, 2).
    assertArrayEquals(Array(0f, 2f), c.backward(x, t).storage, 1e-6f)
  }

  @Test def trainingLeavesTheTransformerUnchanged(): Unit = {
    val r = new scala.util.Random(4)
    val data = Array.fill(64) {
      val f = Array.fill(2)(r.nextGaussian().toFloat)
      Sample(Tensor(f, Array(2)), Tensor(Array(f(0) + f(1), f(0) - f(1)), Array(2)))
    }
    val model = Sequential().add(Linear(2, 2))
    val tr = transformer()
    val before = tr.getWeightsArray()
    val crit = TransformerCriterion(MSECriterion(), inputTransformer = tr)
    new LocalOptimizer(model, data, crit, 16, threads = 2)
      .setOptimMethod(new SGD(learningRate = 0.05))
      .setEndWhen(Trigger.maxEpoch(3))
      .optimize()
    assertEquals("the model's parameters are its own", 6, model.numParameters())
    assertArrayEquals(before, tr.getWeightsArray(), 0f)
    assertArrayEquals(before, crit.inputTransformer.getWeightsArray(), 0f)
  }
}
