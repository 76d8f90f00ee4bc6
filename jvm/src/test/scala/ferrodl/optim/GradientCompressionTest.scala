package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, ReLU, Sequential}
import org.apache.spark.SparkContext
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

object GradientCompressionTest {
  var sc: SparkContext = _

  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-gradient-compression")
  }

  @AfterClass def stop(): Unit = if (sc != null) sc.stop()

  /** bfloat16 by round to nearest even, written independently of the engine. */
  def bf16(v: Float): Float = {
    val bits = java.lang.Float.floatToRawIntBits(v)
    if (v.isNaN) v
    else {
      val rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000
      java.lang.Float.intBitsToFloat(rounded)
    }
  }

  def model(): Sequential =
    Sequential().add(Linear(4, 64)).add(ReLU()).add(Linear(64, 3)).add(LogSoftMax())

  def rows(): Seq[Sample] = LocalSparkTrainingTest.blobs(400, 5)
}

class GradientCompressionTest {
  import GradientCompressionTest._

  @Test def packedPartsAddUpInFloatsAsBfloat16Values(): Unit = {
    val n = 10007
    val a = Array.tabulate(n)(i => ((i * 37) % 1001 - 500) * 0.00173f)
    val b = Array.tabulate(n)(i => ((i * 11) % 997 - 498) * 1.7e-5f)
    a(3) = Float.NaN
    a(5) = Float.NegativeInfinity
    def part(g: Array[Float]) = new GradPart(g.clone(), Array(1f), 1, 0.5, 2.0, 4, 0L, 0L)
    val pa = part(a).pack()
    assertEquals(0, pa.grads.length)
    assertEquals(n, pa.packed.length)
    // Packed + float, packed + packed, float + packed: every mix adds bfloat16 values in floats.
    val cases = Seq(
      (pa, part(b), (i: Int) => bf16(a(i)) + b(i)),
      (part(a).pack(), part(b).pack(), (i: Int) => bf16(a(i)) + bf16(b(i))),
      (part(b), part(a).pack(), (i: Int) => b(i) + bf16(a(i)))
    )
    for (((x, y, want), k) <- cases.zipWithIndex) {
      val sum = x.merge(y).unpacked()
      assertEquals(null, sum.packed)
      assertEquals(2, sum.parts)
      assertEquals(8L, sum.count)
      assertEquals(2f, sum.buffers(0), 0f)
      for (i <- 0 until n) {
        if (i == 3) assertTrue(s"case $k: NaN kept", sum.grads(i).isNaN)
        else assertEquals(s"case $k element $i", want(i), sum.grads(i), 0f)
      }
    }
    // bfloat16 is coarser than float: the packed sum differs somewhere.
    assertTrue((0 until n).exists(i => i != 3 && bf16(a(i)) + bf16(b(i)) != a(i) + b(i)))
  }

  @Test def packedPartsSerialiseToHalfTheBytes(): Unit = {
    val n = 100000
    val part = new GradPart(Array.tabulate(n)(_ * 0.001f), Array.emptyFloatArray, 1, 0.5, 2.0, 4, 0L, 0L)
    val ser = org.apache.spark.SparkEnv.get.serializer.newInstance()
    val plain = ser.serialize(part).limit()
    val packed = ser.serialize(part.pack()).limit()
    assertTrue(s"plain $plain bytes for $n parameters", plain >= 4 * n)
    assertTrue(s"packed $packed bytes for $n parameters", packed >= 2 * n && packed < 2 * n + 2048)
  }

  @Test def bfloat16GradientsTrainOnSparkCloseToFloatOnes(): Unit = {
    val init = model().getState()
    def train(kind: String): (Array[Float], Double) = {
      val m = model()
      m.setState(init) // both runs start from the same weights
      val opt = Optimizer(m, sc.parallelize(rows(), 2), ClassNLLCriterion(), 40)
        .setSeed(3L)
        .setGradientCompression(kind)
        .setOptimMethod(new SGD(learningRate = 0.2))
        .setEndWhen(Trigger.maxIteration(30))
      opt.optimize()
      (m.getState().weights, opt.timings.size.toDouble)
    }
    val (plain, _) = train("none")
    val (packed, iterations) = train("BF16")
    assertEquals(30.0, iterations, 0.0)
    val diff = math.sqrt(plain.zip(packed).map { case (p, q) => (p - q).toDouble * (p - q) }.sum)
    val norm = math.sqrt(plain.map(p => p.toDouble * p).sum)
    // Different weights show the gradients really went packed; close ones that it still trains.
    assertTrue(s"the weights differ ($diff of $norm)", diff > 0)
    assertTrue(s"the weights stay close ($diff of $norm)", diff < 0.02 * norm)
  }

  @Test def unknownCompressionIsRefused(): Unit = {
    val opt = Optimizer(model(), sc.parallelize(rows(), 2), ClassNLLCriterion(), 40)
    val e = assertThrows(classOf[IllegalArgumentException], () => opt.setGradientCompression("fp8"))
    assertTrue(e.getMessage, e.getMessage.contains("none, bf16"))
  }
}
