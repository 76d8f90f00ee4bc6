package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.{Abs, ClassNLLCriterion, Linear, LogSoftMax, Sequential, Sqrt}
import ferrodl.tensor.Tensor
import org.apache.spark.SparkContext
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

object NaNPolicyTest {
  var sc: SparkContext = _

  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-nan-policy")
  }

  @AfterClass def stop(): Unit = if (sc != null) sc.stop()

  /** Three blobs moved to positive features. */
  def good(): Seq[Sample] =
    LocalSparkTrainingTest
      .blobs(200, 3)
      .map(s => Sample(Tensor(s.features.head.storage.map(_ + 6f), Array(4)), s.labels.head))

  /**
   * Finite rows that pass every data check but whose gradient is NaN: an all-zero row makes the
   * bias-free first layer output exactly 0, where `Sqrt`'s derivative is infinite, so its
   * weight gradient is infinity times 0. The loss stays finite; each batch holding such a row
   * has a NaN gradient in layer `fc`, the others train normally.
   */
  def withPoison(): Seq[Sample] = {
    val poison = Seq.tabulate(6)(i => Sample(Tensor(Array(0f, 0f, 0f, 0f), Array(4)), (i % 3 + 1).toFloat))
    val g = good()
    g.take(30) ++ poison.take(3) ++ g.slice(30, 120) ++ poison.drop(3) ++ g.drop(120)
  }

  def model(): Sequential =
    Sequential()
      .add(Linear(4, 3, withBias = false).setName("fc"))
      .add(Abs())
      .add(Sqrt())
      .add(Linear(3, 3).setName("top"))
      .add(LogSoftMax())

  /** The two ways to train: in this JVM with two threads, and on Spark `local[2]`. */
  def optimizers(rows: Seq[Sample], m: Sequential): Seq[(String, Optimizer)] = Seq(
    "LocalOptimizer" -> new LocalOptimizer(m, rows.toArray, ClassNLLCriterion(), 20, threads = 2),
    "DistriOptimizer" -> Optimizer(m, sc.parallelize(rows, 2), ClassNLLCriterion(), 20)
  )

  def finite(a: Array[Float]): Boolean = a.forall(v => !v.isNaN && !v.isInfinite)
}

class NaNPolicyTest {
  import NaNPolicyTest._

  private def messageOf(f: => Any): String =
    try { f; fail("expected an error"); "" }
    catch { case e: IllegalArgumentException => e.getMessage }

  @Test def aNaNGradientFailsNamingTheIterationAndTheLayer(): Unit =
    for ((kind, opt) <- optimizers(withPoison(), model())) {
      val msg = messageOf(opt.setEndWhen(Trigger.maxIteration(20)).optimize())
      assertTrue(s"$kind: $msg", msg.startsWith("NaN or infinity at epoch 1 iteration "))
      assertTrue(s"$kind: $msg", msg.contains("non-finite value"))
      assertTrue(s"$kind: $msg", msg.contains("layer fc"))
      assertTrue(s"$kind: $msg", msg.contains("setNaNPolicy(\"skip\")"))
    }

  @Test def skipDropsTheBadIterationsAndCountsThem(): Unit =
    for ((kind, opt) <- optimizers(withPoison(), model())) {
      val before = opt.model.getState().weights
      val trained = opt.setNaNPolicy("skip").setEndWhen(Trigger.maxIteration(20)).optimize()
      val after = trained.getState().weights
      assertTrue(s"$kind skipped ${opt.skippedBatches}", opt.skippedBatches > 0 && opt.skippedBatches < 20)
      assertTrue(s"$kind: weights stay finite", finite(after))
      assertFalse(s"$kind: the other iterations trained", java.util.Arrays.equals(before, after))
      assertEquals(s"$kind: no rows were dropped", 0L, opt.droppedSamples)
    }

  @Test def theSparkConfigurationKeySetsThePolicy(): Unit = {
    val opt = Optimizer(model(), sc.parallelize(withPoison(), 2), ClassNLLCriterion(), 20)
    sys.props("ferrodl.nanPolicy") = "skip"
    try {
      opt.setEndWhen(Trigger.maxIteration(10)).optimize()
      assertTrue(s"skipped ${opt.skippedBatches}", opt.skippedBatches > 0)
    } finally sys.props.remove("ferrodl.nanPolicy")
    val fresh = Optimizer(model(), sc.parallelize(withPoison(), 2), ClassNLLCriterion(), 20)
    assertTrue(messageOf(fresh.setEndWhen(Trigger.maxIteration(10)).optimize()).contains("layer fc"))
    assertTrue(messageOf(opt.setNaNPolicy("sometimes")).contains("must be one of fail, skip"))
  }

  @Test def anUpdateThatOverflowsTheWeightsFailsOrIsUndone(): Unit = {
    def huge(o: Optimizer) = o.setOptimMethod(new SGD(learningRate = 1e300)).setEndWhen(Trigger.maxIteration(4))
    for ((kind, opt) <- optimizers(good(), model())) {
      val msg = messageOf(huge(opt).optimize())
      assertTrue(s"$kind: $msg", msg.startsWith("NaN or infinity at epoch 1 iteration 1: the update made a weight"))
      assertTrue(s"$kind: $msg", msg.contains("in layer fc (its parameter "))
    }
    for ((kind, opt) <- optimizers(good(), model())) {
      val before = opt.model.getState().weights
      val after = huge(opt).setNaNPolicy("skip").optimize().getState().weights
      assertEquals(s"$kind: every update skipped", 4L, opt.skippedBatches)
      assertArrayEquals(s"$kind: the weights are those before the overflowing steps", before, after, 0f)
    }
  }

  @Test def aNonFiniteLossAloneIsFound(): Unit = {
    val m = model()
    val n = m.getState().weights.length
    val part = new GradPart(new Array[Float](n), Array.emptyFloatArray, 1, Double.PositiveInfinity, 4.0, 4, 0L, 0L)
    def problem(loss: Double) = NaNPolicy.problemOf(part, m, loss, NaNPolicy.firstNonFinite(part.grads))
    assertEquals(Some("the loss is Infinity"), problem(Double.PositiveInfinity))
    part.grads(n - 1) = Float.NaN
    val p = problem(1.0)
    assertTrue(p.toString, p.exists(_.startsWith("the summed gradient is NaN in layer top (its parameter 11)")))
    part.grads(n - 1) = 0f
    assertEquals(None, problem(1.0))
  }

  @Test def theNativeScansFindTheFirstNonFiniteValueAndScale(): Unit = {
    for (n <- Seq(0, 1, 4095, 4096, 4097, 20000); at <- Seq(0, 4095, 4096, n / 2, n - 1) if at >= 0 && at < n) {
      val v = Array.tabulate(n)(i => (i % 13) - 6.5f)
      assertEquals(s"n=$n", -1, NaNPolicy.firstNonFinite(v))
      v(at) = Float.NegativeInfinity
      if (at + 3 < n) v(at + 3) = Float.NaN
      assertEquals(s"n=$n at=$at", at, NaNPolicy.firstNonFinite(v))
      assertEquals(s"n=$n at=$at scaled", at, ferrodl.engine.Native.scaleFirstNonFinite(v, 0.5f))
      val expected = Array.tabulate(n)(i => ((i % 13) - 6.5f) * 0.5f)
      for (i <- 0 until n if i != at && i != at + 3) assertEquals(s"n=$n i=$i", expected(i), v(i), 0f)
    }
  }
}
