package ferrodl.nn

import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/** Forward and backward through JNI against plain Scala references on small inputs. */
class ForwardBackwardTest {
  private val tol = 1e-5

  private def assertClose(expected: Array[Double], actual: Array[Float], what: String): Unit = {
    assertEquals(s"$what length", expected.length, actual.length)
    expected.indices.foreach { i =>
      assertEquals(s"$what[$i]", expected(i), actual(i).toDouble, tol * math.max(1.0, math.abs(expected(i))))
    }
  }

  @Test def linearMatchesReference(): Unit = {
    val (in, out, batch) = (3, 2, 4)
    val layer = Linear(in, out)
    val w = layer.getWeightsArray()
    assertEquals(in * out + out, w.length)
    val bound = 1 / math.sqrt(in)
    assertTrue("BigDL's uniform init", w.forall(v => math.abs(v) <= bound))
    val x = Array.tabulate(batch * in)(i => (i % 5 - 2) * 0.3f)
    val y = layer.forward(Tensor(x, Array(batch, in)))
    assertArrayEquals(Array(batch, out), y.size())
    def W(o: Int, i: Int) = w(o * in + i).toDouble
    def b(o: Int) = w(in * out + o).toDouble
    val ref = Array.tabulate(batch, out)((n, o) => b(o) + (0 until in).map(i => W(o, i) * x(n * in + i)).sum).flatten
    assertClose(ref, y.storage, "output")

    val gy = Array.tabulate(batch * out)(i => 0.1f * (i + 1))
    layer.zeroGradParameters()
    val gx = layer.backward(Tensor(x, Array(batch, in)), Tensor(gy, Array(batch, out)))
    val refGx = Array.tabulate(batch, in)((n, i) => (0 until out).map(o => gy(n * out + o) * W(o, i)).sum).flatten
    assertClose(refGx, gx.storage, "gradInput")
    val g = layer.getParameters()._2.storage
    val refGw =
      Array.tabulate(out, in)((o, i) => (0 until batch).map(n => gy(n * out + o).toDouble * x(n * in + i)).sum).flatten
    val refGb = Array.tabulate(out)(o => (0 until batch).map(n => gy(n * out + o).toDouble).sum)
    assertClose(refGw ++ refGb, g, "gradWeight ++ gradBias")
  }

  @Test def tanhAndLogSoftMaxMatchReference(): Unit = {
    val x = Array(0.5f, -1.0f, 2.0f, 0.0f, 0.1f, -0.3f)
    val t = Tensor(x, Array(2, 3))
    val tanh = Tanh()
    assertClose(x.map(v => math.tanh(v)), tanh.forward(t).storage, "tanh")
    val gy = Array(1f, 2f, 3f, -1f, 0.5f, 0.25f)
    val gx = tanh.backward(t, Tensor(gy, Array(2, 3)))
    assertClose(x.indices.map(i => gy(i) * (1 - math.pow(math.tanh(x(i)), 2))).toArray, gx.storage, "tanh grad")

    val lsm = LogSoftMax()
    val y = lsm.forward(t).storage
    val ref = (0 until 2).flatMap { r =>
      val row = x.slice(r * 3, r * 3 + 3).map(_.toDouble)
      val lse = math.log(row.map(math.exp).sum)
      row.map(_ - lse)
    }.toArray
    assertClose(ref, y, "logsoftmax")
    val lgx = lsm.backward(t, Tensor(gy, Array(2, 3))).storage
    val refG = (0 until 2).flatMap { r =>
      val s = (0 until 3).map(j => gy(r * 3 + j).toDouble).sum
      (0 until 3).map(j => gy(r * 3 + j) - math.exp(ref(r * 3 + j)) * s)
    }.toArray
    assertClose(refG, lgx, "logsoftmax grad")
  }

  @Test def classNllMatchesReference(): Unit = {
    val x = Tensor(Array(-1.2f, -0.4f, -2.0f, -0.1f, -3.0f, -0.7f), Array(2, 3))
    val target = Tensor(Array(2f, 3f), Array(2))
    val c = ClassNLLCriterion()
    assertEquals((0.4 + 0.7) / 2, c.forward(x, target).toDouble, 1e-6)
    assertClose(Array(0, -0.5, 0, 0, 0, -0.5), c.backward(x, target).storage, "nll grad")
    val summed = ClassNLLCriterion(sizeAverage = false)
    assertEquals(0.4 + 0.7, summed.forward(x, target).toDouble, 1e-6)
  }

  @Test def sequentialComposesAndDescribes(): Unit = {
    val m = Sequential().add(Reshape(Array(4))).add(Linear(4, 3)).add(Tanh()).add(Linear(3, 2)).add(LogSoftMax())
    val y = m.forward(Tensor(Array.fill(8)(0.5f), Array(2, 2, 2)))
    assertArrayEquals(Array(2, 2), y.size())
    y.argmaxRows().foreach(c => assertTrue(c == 1 || c == 2))
    assertEquals(4 * 3 + 3 + 3 * 2 + 2, m.numParameters())
    assertTrue(m.toString, m.toString.contains("Linear(4 -> 3)"))
  }

  @Test def setInitMethodReplacesTheDefaults(): Unit = {
    val layer = Linear(10, 4).setInitMethod(ConstInitMethod(0.25), Zeros)
    val w = layer.getWeightsArray()
    assertTrue(w.take(40).forall(_ == 0.25f) && w.drop(40).forall(_ == 0f))
    val conv = SpatialConvolution(2, 3, 3, 3).setInitMethod(Xavier, Ones)
    val cw = conv.getWeightsArray()
    val bound = math.sqrt(6.0 / (2 * 9 + 3 * 9))
    assertTrue(cw.take(54).forall(v => math.abs(v) <= bound) && cw.drop(54).forall(_ == 1f))
    val e =
      try { Tanh().setInitMethod(Zeros).getWeightsArray(); null }
      catch { case e: IllegalArgumentException => e }
    assertNotNull("Tanh has no weight to initialise", e)
  }
}
