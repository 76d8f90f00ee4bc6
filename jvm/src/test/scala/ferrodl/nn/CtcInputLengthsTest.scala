package ferrodl.nn

import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/**
 * CTCCriterion(inputLengths = true) through the Scala API: a sample's loss over its first steps
 * is the loss of the input cut to those steps, and the later steps get no gradient. (PyTorch's
 * ctc_loss with varying input_lengths is checked in native/core/tests/ctc_input_lengths.rs.)
 */
class CtcInputLengthsTest {
  private val (time, classes) = (5, 4)

  /** Log-softmax rows of fixed numbers, `[1, steps, classes]`. */
  private def logProbs(steps: Int): Tensor = {
    val v = Array.tabulate(steps * classes)(i => math.sin(i * 1.3).toFloat)
    val out = v.grouped(classes).flatMap { row =>
      val lse = math.log(row.map(x => math.exp(x.toDouble)).sum)
      row.map(x => (x - lse).toFloat)
    }
    Tensor(out.toArray, Array(1, steps, classes))
  }

  @Test def onlyTheFirstInputLengthStepsCount(): Unit = {
    val full = logProbs(time)
    val withLength = CTCCriterion(sizeAverage = false, inputLengths = true)
    val lossLen = withLength.forward(full, Tensor(Array(3f, 2f, 3f), Array(1, 3)))
    val cut = Tensor(full.storage.take(3 * classes), Array(1, 3, classes))
    val lossCut = CTCCriterion(sizeAverage = false).forward(cut, Tensor(Array(2f, 3f), Array(1, 2)))
    assertEquals(lossCut, lossLen, 1e-6f)
    val g = withLength.backward(full, Tensor(Array(3f, 2f, 3f), Array(1, 3))).storage
    assertTrue(g.take(3 * classes).exists(_ != 0f))
    assertTrue("no gradient past the length", g.drop(3 * classes).forall(_ == 0f))
    val err = assertThrows(
      classOf[IllegalArgumentException],
      () => withLength.forward(full, Tensor(Array(6f, 2f, 3f), Array(1, 3)))
    )
    assertTrue(err.getMessage, err.getMessage.contains("input length"))
  }
}
