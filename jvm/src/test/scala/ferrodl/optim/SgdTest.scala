package ferrodl.optim

import org.junit.Assert._
import org.junit.Test

class SgdTest {

  @Test def learningRateDecaysAsBigDL(): Unit = {
    val sgd = new SGD(learningRate = 0.1, learningRateDecay = 0.5)
    val o = sgd.createNative()
    try {
      val w = Array(1.0f, -2.0f)
      val g = Array(0.5f, 1.0f)
      assertEquals(0.1, o.currentRate(), 1e-12)
      o.step(w, g)
      assertArrayEquals(Array(0.95f, -2.1f), w, 1e-7f)
      assertEquals(0.1 / 1.5, o.currentRate(), 1e-12)
      o.step(w, g)
      val lr = (0.1 / 1.5).toFloat
      assertArrayEquals(Array(0.95f - lr * 0.5f, -2.1f - lr), w, 1e-7f)
      sgd.state = o.getState()
    } finally o.close()
    val resumed = sgd.createNative()
    try assertEquals(0.1 / 2.0, resumed.currentRate(), 1e-12)
    finally resumed.close()
  }
}

class OptimMethodsTest {

  @Test def schedulesClippingAndStateThroughTheNativeMethod(): Unit = {
    val sgd = new SGD(learningRate = 0.1, learningRateSchedule = SGD.Step(stepSize = 2, gamma = 0.1))
    val clip =
      Seq("clipMin" -> ferrodl.nn.SpecAttr.floats(Seq(-0.5)), "clipMax" -> ferrodl.nn.SpecAttr.floats(Seq(0.5)))
    val o = sgd.createNative(clip)
    try {
      val w = Array(1f, 1f)
      val rates = (1 to 3).map { _ =>
        val r = o.currentRate()
        o.step(w, Array(2f, -0.25f))
        r
      }
      assertEquals(Seq(0.1, 0.1, 0.01), rates.map(r => math.round(r * 1e6) / 1e6))
      assertArrayEquals(Array(1f - 0.5f * 0.21f, 1f + 0.25f * 0.21f), w, 1e-6f)
    } finally o.close()
    val epochs = new SGD(learningRate = 1.0).setLearningRateSchedule(SGD.EpochStep(2, 0.5)).createNative()
    try assertEquals(0.25, epochs.currentRate(epoch = 5), 1e-12)
    finally epochs.close()
  }

  @Test def adaptiveMethodsBuildWithBigDLDefaults(): Unit = {
    for (m <- Seq(new Adam(), new AdamW(), new Adamax(), new Adagrad(), new RMSprop(), new Adadelta())) {
      val o = m.createNative()
      try {
        val w = Array(1f, -1f)
        o.step(w, Array(0.5f, -0.5f))
        assertTrue(s"$m moved the weights against the gradient: ${w.toSeq}", w(0) < 1f && w(1) > -1f)
      } finally o.close()
    }
    assertEquals(0.002, new Adamax().createNative().currentRate(), 1e-15)
  }
}
