package ferrodl.nn

import ferrodl.engine.{NativeCriterion, NativeModel}
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.{L1L2Regularizer, L2Regularizer, Regularizer}
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/**
 * `wRegularizer` / `bRegularizer` of Maxout, LocallyConnected1D/2D, SpatialSeparableConvolution,
 * CMul and CAdd reach the engine and land on the right parameters: trained against its own output
 * (zero loss gradient), a layer's gradient is the penalty's alone, `l2 · w` times the batch's
 * normaliser on the regularised tensor and zero elsewhere.
 */
class LayerRegularizerTest {
  private def penaltyGrads(layer: AbstractModule, inputShape: Array[Int]): (Array[Float], Array[Float]) = {
    val model = new NativeModel(layer.toSpec.encode(), 7L)
    val crit = new NativeCriterion(MSECriterion().toSpec.encode())
    try {
      val rng = new scala.util.Random(3)
      model.setWeights(Array.fill(model.numParams)(rng.nextGaussian().toFloat)) // zero-initialised biases too
      val x = Tensor(Array.fill(inputShape.product)(rng.nextGaussian().toFloat), inputShape)
      val y = model.forward(x)
      val grads = new Array[Float](model.numParams)
      model.trainBatch(crit, x, Tensor(y.storage.clone(), y.size()), grads)
      (model.getWeights(), grads)
    } finally { model.close(); crit.close() }
  }

  /** Checks grads = c · w on [from, until) for one c > 0, and zero elsewhere. */
  private def assertPenaltyOn(what: String, w: Array[Float], g: Array[Float], from: Int, until: Int): Unit = {
    val ratios = (from until until).filter(i => math.abs(w(i)) > 1e-3).map(i => g(i) / w(i))
    assertTrue(s"$what: some regularised weights", ratios.nonEmpty)
    ratios.foreach(r => assertEquals(s"$what: penalty proportional to the weight", ratios.head, r, 1e-3f * ratios.head))
    assertTrue(s"$what: penalty positive", ratios.head > 0)
    g.indices.filterNot(i => i >= from && i < until).foreach(i => assertEquals(s"$what: grad[$i]", 0f, g(i), 0f))
  }

  private def check(
      name: String,
      make: (Regularizer, Regularizer) => AbstractModule,
      shape: Array[Int],
      biasLen: Int
  ): Unit = {
    val l2 = new L2Regularizer(0.5)
    val (w0, g0) = penaltyGrads(make(null, null), shape)
    g0.foreach(v => assertEquals(s"$name without regularisers", 0f, v, 0f))
    val (w1, g1) = penaltyGrads(make(l2, null), shape)
    assertPenaltyOn(s"$name wRegularizer", w1, g1, 0, w1.length - biasLen)
    if (biasLen > 0) {
      val (w2, g2) = penaltyGrads(make(null, l2), shape)
      assertPenaltyOn(s"$name bRegularizer", w2, g2, w2.length - biasLen, w2.length)
    }
    assertEquals(w0.length, w1.length)
  }

  @Test def maxout(): Unit =
    check("Maxout", (w, b) => Maxout(4, 3, 2, wRegularizer = w, bRegularizer = b), Array(5, 4), 6)

  @Test def locallyConnected(): Unit = {
    check(
      "LocallyConnected1D",
      (w, b) => LocallyConnected1D(6, 2, 3, 2, wRegularizer = w, bRegularizer = b),
      Array(2, 6, 2),
      5 * 3
    )
    check(
      "LocallyConnected2D",
      (w, b) => LocallyConnected2D(2, 4, 3, 2, 2, 2, wRegularizer = w, bRegularizer = b),
      Array(2, 2, 3, 4),
      2 * 3 * 2
    )
  }

  @Test def separableConvolution(): Unit = {
    check(
      "SpatialSeparableConvolution",
      (w, b) => SpatialSeparableConvolution(2, 3, 2, 2, 2, wRegularizer = w, bRegularizer = b, pRegularizer = w),
      Array(2, 2, 4, 4),
      3
    )
    try {
      SpatialSeparableConvolution(2, 3, 2, 2, 2, wRegularizer = new L2Regularizer(0.1))
      fail("different depth and point regularisers are refused")
    } catch { case e: IllegalArgumentException => assertTrue(e.getMessage, e.getMessage.contains("pRegularizer")) }
    SpatialSeparableConvolution(
      2,
      3,
      2,
      2,
      2,
      wRegularizer = new L1L2Regularizer(0, 0.1),
      pRegularizer = new L2Regularizer(0.1)
    )
  }

  @Test def cmulAndCAdd(): Unit = {
    check("CMul", (w, _) => CMul(Array(1, 3), wRegularizer = w), Array(4, 3), 0)
    val l2 = new L2Regularizer(0.5)
    val (w, g) = penaltyGrads(CAdd(Array(1, 3), bRegularizer = l2), Array(4, 3))
    assertPenaltyOn("CAdd bRegularizer", w, g, 0, w.length)
  }
}
