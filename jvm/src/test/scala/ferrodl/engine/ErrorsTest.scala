package ferrodl.engine

import ferrodl.FerrodlException
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, SpecNode}
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/** Bad input gives a clear exception, and the engine keeps working afterwards. */
class ErrorsTest {

  private def expect[E <: Throwable](cls: Class[E])(body: => Any): E =
    try {
      body
      fail(s"expected ${cls.getSimpleName}"); throw new AssertionError()
    } catch {
      case e: Throwable if cls.isInstance(e) => cls.cast(e)
    }

  @Test def wrongShapeNamesTheLayerAndBothShapesThenTheNextCallWorks(): Unit = {
    val m = Sequential().add(Linear(4, 3)).add(LogSoftMax())
    val e = expect(classOf[IllegalArgumentException])(m.forward(Tensor(Array.fill(10)(1f), Array(2, 5))))
    assertTrue(e.getMessage, e.getMessage.contains("Linear(4 -> 3)"))
    assertTrue(e.getMessage, e.getMessage.contains("[batch, 4]"))
    assertTrue(e.getMessage, e.getMessage.contains("[2, 5]"))
    assertArrayEquals(Array(2, 3), m.forward(Tensor(Array.fill(8)(1f), Array(2, 4))).size())
  }

  @Test def labelsOutOfRangeAndNaNAreRejected(): Unit = {
    val c = ClassNLLCriterion()
    val x = Tensor(Array(-1f, -2f, -0.5f, -0.1f), Array(2, 2))
    val e = expect(classOf[IllegalArgumentException])(c.forward(x, Tensor(Array(1f, 3f), Array(2))))
    assertTrue(e.getMessage, e.getMessage.contains("label 3") && e.getMessage.contains("[1, 2]"))
    expect(classOf[IllegalArgumentException])(c.forward(x, Tensor(Array(0f, 1f), Array(2))))
    val m = Linear(2, 2)
    val nan = expect(classOf[IllegalArgumentException])(m.forward(Tensor(Array(1f, Float.NaN), Array(1, 2))))
    assertTrue(nan.getMessage, nan.getMessage.contains("NaN"))
    assertEquals(0.55, c.forward(x, Tensor(Array(1f, 2f), Array(2))).toDouble, 1e-6)
  }

  @Test def corruptTruncatedAndUnknownDescriptionsAreFerrodlExceptions(): Unit = {
    val good = Sequential().add(Linear(2, 2)).toSpec.encode()
    for (cut <- Seq(0, 3, 6, good.length / 2, good.length - 1)) {
      val e = expect(classOf[FerrodlException])(new NativeModel(good.take(cut), 1L))
      assertTrue(e.getMessage, e.getMessage.contains("corrupt") || e.getMessage.contains("truncated"))
    }
    val unknown = SpecNode("Sequential", "", Nil, Seq(SpecNode("Frobnicate", "", Nil, Nil))).encode()
    val e = expect(classOf[FerrodlException])(new NativeModel(unknown, 1L))
    assertTrue(e.getMessage, e.getMessage.contains("Frobnicate"))
    val ok = new NativeModel(good, 1L)
    try assertEquals(6, ok.numParams)
    finally ok.close()
  }

  @Test def wrongSizedWeightBufferAndClosedHandles(): Unit = {
    val m = new NativeModel(Linear(3, 2).toSpec.encode(), 7L)
    val e = expect(classOf[IllegalArgumentException])(m.setWeights(new Array[Float](5)))
    assertTrue(e.getMessage, e.getMessage.contains("8") && e.getMessage.contains("5"))
    m.setWeights(new Array[Float](8))
    m.close()
    m.close() // idempotent
    assertTrue(m.isClosed)
    expect(classOf[IllegalStateException])(m.getWeights())
  }

  @Test def aPanicArrivesAsAnExceptionWithItsFormattedMessage(): Unit = {
    val e = expect(classOf[FerrodlException])(Native.testPanic("boom 42"))
    assertTrue(e.getMessage, e.getMessage.contains("test panic: boom 42 (len 7)"))
    assertTrue(Native.version().startsWith("ferrodl"))
  }

  @Test def badOptimiserArgumentsAndStateAreRejected(): Unit = {
    expect(classOf[IllegalArgumentException])(new ferrodl.optim.SGD(learningRate = Double.NaN).createNative())
    expect(classOf[IllegalArgumentException])(new ferrodl.optim.Adam(beta1 = 1.5).createNative())
    val o = new ferrodl.optim.SGD(learningRate = 0.1).createNative()
    try {
      expect(classOf[FerrodlException])(o.setState(Array[Byte](1, 2, 3)))
      expect(classOf[IllegalArgumentException])(o.step(new Array[Float](3), new Array[Float](2)))
    } finally o.close()
  }
}
