package ferrodl.engine

import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, ReLU, Reshape, Sequential, SpatialConvolution}
import ferrodl.optim.{Optimizer, Trigger}
import ferrodl.tensor.Tensor
import org.apache.spark.{SparkConf, SparkContext}
import org.junit.Assert._
import org.junit.{After, Test}

/**
 * `ferrodl.native.memoryLimit`: a layer that takes the engine past the cap fails with an
 * exception naming it and the bytes it needed; afterwards the same JVM (and, on Spark, the same
 * executor) goes on working. The cap is set relative to what the JVM's engine already holds
 * (other tests' cached models), rounded to whole MiB.
 */
class MemoryLimitTest {
  private val MiB = 1L << 20

  def model(): Sequential =
    Sequential()
      .add(Reshape(Array(1, 96, 96)))
      .add(SpatialConvolution(1, 16, 5, 5))
      .add(ReLU())
      .add(Reshape(Array(16 * 92 * 92)))
      .add(Linear(16 * 92 * 92, 2))
      .add(LogSoftMax())

  def batch(n: Int): Tensor = Tensor(Array.tabulate(n * 96 * 96)(i => (i % 13) / 13f), Array(n, 96 * 96))

  /** A cap `extra` MiB above what the engine holds now; returns its text. */
  def capAbove(extraMiB: Long): String = s"${MemoryLimit.inUse / MiB + extraMiB}m"

  @After def removeTheCap(): Unit = MemoryLimit.set("0")

  @Test def aLayerPastTheCapFailsNamingItAndTheNextCallWorks(): Unit = {
    val m = new NativeModel(model().toSpec.encode(), 1L)
    try {
      val cap = capAbove(24)
      assertEquals(cap.stripSuffix("m").toLong * MiB, MemoryLimit.set(cap))
      assertArrayEquals(Array(2, 2), m.forward(batch(2)).size())
      val e =
        try { m.forward(batch(64)); fail("expected the memory limit"); null }
        catch { case e: IllegalStateException => e }
      val msg = e.getMessage
      assertTrue(msg, msg.startsWith(s"native memory limit $cap exceeded by layer SpatialConvolution(1 -> 16"))
      assertTrue(msg, msg.matches("(?s).* needing \\d+ bytes .*"))
      // The engine keeps working: the next call under the cap succeeds.
      assertArrayEquals(Array(3, 2), m.forward(batch(3)).size())
      MemoryLimit.set("0")
      assertArrayEquals(Array(64, 2), m.forward(batch(64)).size())
    } finally m.close()
  }

  @Test def aBadSettingIsRefusedNamingIt(): Unit =
    for (bad <- Seq("lots", "-5m", "1.5g")) {
      val e =
        try { MemoryLimit.set(bad); fail(bad); null }
        catch { case e: IllegalArgumentException => e }
      assertTrue(e.getMessage, e.getMessage.contains("ferrodl.native.memoryLimit"))
      assertTrue(e.getMessage, e.getMessage.contains(s"'$bad' is not a byte count"))
    }

  @Test def theSparkConfigurationCapsTasksAndTheExecutorKeepsWorking(): Unit = {
    val cap = capAbove(48)
    val sc = new SparkContext(
      new SparkConf()
        .setMaster("local[2]")
        .setAppName("ferrodl-memory-limit")
        .set("spark.ui.enabled", "false")
        .set("spark.ferrodl.native.memoryLimit", cap)
        .set("spark.ferrodl.failure.retryTimes", "0")
    )
    sc.setLogLevel("ERROR")
    try {
      val rows = Seq.tabulate(128)(i =>
        Sample(Tensor(Array.tabulate(96 * 96)(j => ((i + j) % 7) / 7f), Array(96 * 96)), (i % 2 + 1).toFloat)
      )
      val data = sc.parallelize(rows, 2)
      def train(batchSize: Int) =
        Optimizer(model(), data, ClassNLLCriterion(), batchSize).setEndWhen(Trigger.maxIteration(2)).optimize()
      val e =
        try { train(128); fail("expected the memory limit"); null }
        catch { case e: Exception => e }
      val chain = Iterator.iterate[Throwable](e)(_.getCause).takeWhile(_ != null).map(_.getMessage).mkString("\n")
      // The cap is per JVM: a task's layer that allocates while another task holds the rest is
      // the one named, so any layer may be.
      assertTrue(chain, chain.contains(s"native memory limit $cap exceeded by layer "))
      assertTrue(chain, chain.matches("(?s).* needing \\d+ bytes .*"))
      // The same executor (this JVM) trains with small batches under the same cap.
      assertEquals(Some(cap), MemoryLimit.configured)
      val trained = train(4)
      assertTrue(trained.getState().weights.forall(v => !v.isNaN))
    } finally sc.stop()
  }
}
