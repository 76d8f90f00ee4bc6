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
