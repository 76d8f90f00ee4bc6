package ferrodl.nn

import java.nio.file.{Files, Paths}

import ferrodl.feature.Sample
import ferrodl.optim.{Optimizer, SGD, Trigger}
import ferrodl.tensor.Tensor
import org.apache.spark.SparkContext
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

import scala.io.Source
import scala.util.Random

object OnnxTest {
  var sc: SparkContext = _

  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-onnx-test", logLevel = "WARN")
  }

  @AfterClass def stop(): Unit = if (sc != null) sc.stop()

  val fixtures = "native/core/tests/fixtures"

  lazy val reference: Map[String, Tensor] = {
    val src = Source.fromFile(s"$fixtures/onnx_torch_reference.txt", "UTF-8")
    try {
      src
        .getLines()
        .filterNot(l => l.startsWith("#") || l.trim.isEmpty)
        .map { line =>
          val Array(head, values) = line.split(": ", 2)
          val Array(name, dims) = head.split(" ", 2)
          name -> Tensor(values.split(" ").map(_.toDouble.toFloat), dims.split(",").map(_.toInt))
        }
        .toMap
    } finally src.close()
  }

  /** Images like gen_onnx_torch.py's: a bright 8x5 block in one of ten places, by the label. */
  def images(n: Int, seed: Int): Seq[Sample] = {
    val r = new Random(seed)
    Seq.tabulate(n) { i =>
      val c = i % 10
      val x = Array.fill(28 * 28)(0.1f * r.nextFloat())
      val (row, col) = (2 + (c / 5) * 12, 2 + (c % 5) * 5)
      for (y <- row until row + 8; z <- col until col + 5) x(y * 28 + z) += 1f
      Sample(Tensor(x, Array(1, 28, 28)), (c + 1).toFloat)
    }
  }
}

/** `Module.loadONNX` (PyTorch's LeNet-5, which then trains on Spark) and `saveONNX`. */
class OnnxTest {
  import OnnxTest._

  private def maxDiff(a: Tensor, b: Tensor): Float = {
    assertArrayEquals(a.size(), b.size())
    a.storage.indices.map(i => math.abs(a.storage(i) - b.storage(i))).max
  }

  /** The mean negative log-likelihood of `model` on `samples` (evaluation mode). */
  private def nll(model: ferrodl.nn.abstractnn.AbstractModule, samples: Seq[Sample]): Double = {
    model.evaluate()
    val x = Tensor(samples.flatMap(_.feature.storage).toArray, Array(samples.length, 1, 28, 28))
    val y = model.forward(x)
    -samples.indices.map(i => y.storage(i * 10 + samples(i).label.storage(0).toInt - 1).toDouble).sum / samples.length
  }

  @Test def pytorchLeNetLoadsMatchesAndTrainsOnSpark(): Unit = {
    val model = Module.loadONNX(s"$fixtures/onnx_lenet.onnx")
    model.evaluate()
    val got = model.forward(reference("lenet_input"))
    val diff = maxDiff(reference("lenet_output"), got)
    assertTrue(s"max difference from PyTorch $diff", diff < 1e-5f)

    val data = images(256, 3)
    val before = nll(model, data)
    model.training()
    Optimizer(model = model, sampleRDD = sc.parallelize(data, 2), criterion = ClassNLLCriterion(), batchSize = 32)
      .setOptimMethod(new SGD(learningRate = 0.05))
      .setEndWhen(Trigger.maxIteration(6))
      .optimize()
    val after = nll(model, data)
    assertTrue(s"loss $before -> $after after 6 iterations on local[2]", after < before)
  }

  @Test def savedOnnxLoadsBackWithTheSameOutputs(): Unit = {
    val dir = Files.createTempDirectory("ferrodl-onnx")
    val path = dir.resolve("m.onnx").toString
    val input = Input()
    val trunk = Linear(4, 6).inputs(input)
    val b1 = Tanh().inputs(Linear(6, 3).inputs(trunk))
    val b2 = Sigmoid().inputs(Linear(6, 3).inputs(trunk))
    val graph = Graph(input, LogSoftMax().inputs(CAddTable().inputs(b1, b2)))
    val lstm = Sequential().add(Recurrent().add(LSTM(4, 5))).add(Select(2, -1)).add(Linear(5, 2))
    val r = new Random(1)
    for ((m, shape) <- Seq(graph -> Array(3, 4), lstm -> Array(3, 7, 4))) {
      m.evaluate()
      val x = Tensor(Array.fill(shape.product)(r.nextGaussian().toFloat), shape)
      m.saveONNX(path, overWrite = true)
      val back = Module.loadONNX(path)
      back.evaluate()
      val diff = maxDiff(m.forward(x), back.forward(x))
      assertTrue(s"max difference $diff", diff < 1e-5f)
    }
    val e = intercept(graph.saveONNX(path))
    assertTrue(e.getMessage, e.getMessage.contains("exists"))
    val bad = Sequential().add(Linear(4, 4)).add(Euclidean(4, 3)).add(Masking())
    val msg = intercept(bad.saveONNX(dir.resolve("bad.onnx").toString, overWrite = true)).getMessage
    assertTrue(msg, msg.contains("no ONNX equivalent") && msg.contains("Euclidean") && msg.contains("Masking"))
    assertFalse(Files.exists(dir.resolve("bad.onnx")))
    Files.write(Paths.get(dir.toString, "broken.onnx"), Array[Byte](0x3a, 0x7f, 1, 2))
    val broken = intercept(Module.loadONNX(dir.resolve("broken.onnx").toString)).getMessage
    assertTrue(broken, broken.contains("truncated"))
  }

  private def intercept(f: => Any): Exception =
    try { f; throw new AssertionError("expected an exception") }
    catch { case e: Exception => e }
}
