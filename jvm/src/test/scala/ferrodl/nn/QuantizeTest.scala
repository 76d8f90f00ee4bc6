package ferrodl.nn

import java.nio.file.Files

import ferrodl.dataset.Mnist
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.{Adam, LocalOptimizer, Trigger}
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.{BeforeClass, Test}

/**
 * `model.quantize()` on LeNet-5 trained on MNIST: int8 Top1 within 0.5% of float on the 10k test
 * set, save/load of the quantized model, its inference-only error, and an unchanged original.
 */
class QuantizeTest {
  import QuantizeTest._

  @Test def quantizedLeNetKeepsTop1WithinHalfAPercentOfFloat(): Unit = {
    val f = top1(trained)
    val q = top1(quantized)
    println(f"QuantizeTest: LeNet-5 MNIST test Top1 float $f%.4f, int8 $q%.4f")
    assertTrue(s"float LeNet-5 must reach 97% first, got $f", f >= 0.97)
    assertTrue(s"int8 Top1 $q is not within 0.5% of float $f", math.abs(f - q) <= 0.005)
    assertTrue(quantized.describe().contains("QuantizedSpatialConvolution"))
    assertTrue(quantized.describe().contains("QuantizedLinear"))
    assertFalse(trained.describe().contains("Quantized"))
  }

  @Test def quantizedOutputsDifferFromFloatOnlyByQuantizationError(): Unit = {
    val x = batch(0, 200)
    val yf = trained.forward(x).storage.clone()
    val yq = quantized.forward(x).storage.clone()
    val diff = yf.zip(yq).map { case (a, b) => math.abs(a - b) }
    assertTrue("the int8 path must differ from float somewhere", diff.max > 0)
    assertTrue(s"log-probabilities differ by ${diff.max}", diff.max < 0.5)
  }

  @Test def savedQuantizedModelLoadsAndPredictsTheSame(): Unit = {
    val dir = Files.createTempDirectory("ferrodl-quantized")
    val path = dir.resolve("lenet-int8.model").toString
    quantized.saveModule(path, overWrite = true)
    val loaded = Module.loadModule(path).evaluate()
    val x = batch(300, 100)
    assertArrayEquals(quantized.forward(x).storage.clone(), loaded.forward(x).storage.clone(), 0f)
    assertArrayEquals(quantized.getWeightsArray(), loaded.getWeightsArray(), 0f)
  }

  @Test def quantizedModelRefusesBackwardNamingTheLayer(): Unit = {
    val m = quantized.cloneModule()
    val x = batch(0, 4)
    val y = m.forward(x)
    val e =
      try { m.backward(x, Tensor(Array.fill(y.nElement())(0.1f), y.size())); null }
      catch { case e: IllegalStateException => e }
    assertNotNull("backward on a quantized model must fail", e)
    assertTrue(e.getMessage, e.getMessage.contains("QuantizedLinear(100 -> 10)"))
    assertTrue(e.getMessage, e.getMessage.contains("inference-only"))
  }

  @Test def quantizeLeavesTheFloatModelAndItsWeightsAlone(): Unit = {
    val before = trained.getWeightsArray()
    val q = trained.quantize()
    assertArrayEquals(before, trained.getWeightsArray(), 0f)
    // codes (as floats) + one scale per output channel for each of the 4 quantized layers
    assertEquals(before.length + 6 + 12 + 100 + 10, q.getWeightsArray().length)
  }
}

object QuantizeTest {
  private lazy val test: Mnist.Split = Mnist.read(Mnist.locate(None), "t10k")

  def lenet(): Sequential =
    Sequential()
      .add(Reshape(Array(1, 28, 28)))
      .add(SpatialConvolution(1, 6, 5, 5).setName("conv1"))
      .add(Tanh())
      .add(SpatialMaxPooling(2, 2, 2, 2))
      .add(Tanh())
      .add(SpatialConvolution(6, 12, 5, 5).setName("conv2"))
      .add(SpatialMaxPooling(2, 2, 2, 2))
      .add(Reshape(Array(12 * 4 * 4)))
      .add(Linear(12 * 4 * 4, 100).setName("fc1"))
      .add(Tanh())
      .add(Linear(100, 10).setName("score"))
      .add(LogSoftMax())

  private var trained: AbstractModule = _
  private var quantized: AbstractModule = _

  /** Two epochs of Adam on the 60k training images (about 10 s on two threads). */
  @BeforeClass def train(): Unit = {
    val split = Mnist.read(Mnist.locate(None), "train")
    val samples = split.images.indices.map(i => Mnist.toSample(split.images(i), split.labels(i), 28, 28)).toArray
    ferrodl.utils.RandomGenerator.setSeed(42)
    val model = lenet()
    new LocalOptimizer(model, samples, ClassNLLCriterion(), batchSize = 128, threads = 2)
      .setOptimMethod(new Adam(learningRate = 0.002))
      .setEndWhen(Trigger.maxEpoch(2))
      .optimize()
    trained = model.evaluate()
    quantized = model.quantize()
  }

  def batch(from: Int, n: Int): Tensor = {
    val x = new Array[Float](n * 784)
    for (i <- 0 until n) {
      val s = Mnist.toSample(test.images(from + i), test.labels(from + i), 28, 28)
      System.arraycopy(s.feature.storage, 0, x, i * 784, 784)
    }
    Tensor(x, Array(n, 28, 28))
  }

  def top1(m: AbstractModule): Double = {
    val n = test.labels.length
    var correct = 0
    for (from <- 0 until n by 1000) {
      val k = math.min(1000, n - from)
      val pred = m.forward(batch(from, k)).argmaxRows()
      for (i <- 0 until k) if (pred(i) == test.labels(from + i) + 1) correct += 1
    }
    correct.toDouble / n
  }
}
