package ferrodl.nn

import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/** `parameters()` gives BigDL's separate weight and bias tensors with their shapes; SReLU's four tensors take their own initialisation methods. */
class ParameterShapesTest {
  private def model(): Sequential =
    Sequential()
      .add(SpatialConvolution(2, 4, 3, 2, nGroup = 2).setName("conv"))
      .add(SpatialBatchNormalization(4).setName("bn"))
      .add(ReLU())
      .add(Reshape(Array(4 * 2 * 1)))
      .add(Linear(8, 3).setName("fc"))

  @Test def linearConvAndBatchNormGiveWeightAndBiasWithTheirShapes(): Unit = {
    val m = model()
    val x = Tensor(Array.tabulate(2 * 2 * 3 * 3)(i => (i % 7) * 0.2f - 0.5f), Array(2, 2, 3, 3))
    m.forward(x)
    m.backward(x, Tensor(Array.tabulate(6)(i => i * 0.1f - 0.2f), Array(2, 3)))
    val (w, g) = m.parameters()
    val shapes = Seq(Seq(2, 2, 1, 2, 3), Seq(4), Seq(4), Seq(4), Seq(3, 8), Seq(3))
    assertEquals(shapes, w.map(_.size().toSeq).toSeq)
    assertEquals(shapes, g.map(_.size().toSeq).toSeq)
    // The tensors are the flat buffer cut in order.
    val flat = m.getParameters()
    assertArrayEquals(flat._1.storage, w.flatMap(_.storage), 0f)
    assertArrayEquals(flat._2.storage, g.flatMap(_.storage), 0f)
    // BatchNormalization's weight starts uniform in [0, 1], its bias at 0 (BigDL's default).
    assertTrue(w(2).storage.forall(v => v >= 0f && v <= 1f))
    assertTrue(w(3).storage.forall(_ == 0f))
    val keys = m.parameterTensorKeys().map(_.toSeq).toSeq
    assertEquals(
      Seq("conv", "conv", "bn", "bn", "fc", "fc").zip(Seq("weight", "bias", "weight", "bias", "weight", "bias")),
      keys.map(k => (k(0), k(1)))
    )
  }

  @Test def sreluTakesOneInitialisationMethodPerTensor(): Unit = {
    val s = SReLU(Array(2, 3))
      .setInitMethod(
        Array[InitializationMethod](
          ConstInitMethod(0.25),
          ConstInitMethod(0.5),
          ConstInitMethod(-2),
          ConstInitMethod(1.5)
        )
      )
    val (w, _) = s.parameters()
    assertEquals(Seq(Seq(2, 3), Seq(2, 3), Seq(2, 3), Seq(2, 3)), w.map(_.size().toSeq).toSeq)
    assertTrue("tLeft", w(0).storage.forall(_ == 0.25f))
    assertTrue("aLeft", w(1).storage.forall(_ == 0.5f))
    assertTrue("tRight = |tRight| + tLeft", w(2).storage.forall(_ == 2.25f))
    assertTrue("aRight", w(3).storage.forall(_ == 1.5f))
    // A null entry keeps BigDL's default (tLeft Zeros, aRight Ones).
    val d = SReLU(Array(2, 3)).setInitMethod(Array[InitializationMethod](null, Zeros, null, null))
    val (dw, _) = d.parameters()
    assertTrue(dw(0).storage.forall(_ == 0f))
    assertTrue(dw(1).storage.forall(_ == 0f))
    assertTrue(dw(3).storage.forall(_ == 1f))
    try { SReLU(Array(2)).setInitMethod(Xavier, Zeros); fail("the two-method form is refused") }
    catch { case _: UnsupportedOperationException => () }
  }
}
