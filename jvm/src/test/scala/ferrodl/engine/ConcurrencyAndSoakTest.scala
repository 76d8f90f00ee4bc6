package ferrodl.engine

import java.util.concurrent.{CountDownLatch, Executors => JExecutors, TimeUnit}

import ferrodl.nn._
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/**
 * Many threads using the engine at once, as many Spark tasks do in one executor JVM, and a long
 * run in one JVM: no crash, no wrong result, no leaked handle, bounded memory growth.
 */
class ConcurrencyAndSoakTest {

  private def model(): Sequential =
    Sequential()
      .add(Reshape(Array(1, 8, 8)))
      .add(SpatialConvolution(1, 4, 3, 3))
      .add(ReLU())
      .add(SpatialMaxPooling(2, 2, 2, 2))
      .add(Reshape(Array(4 * 3 * 3)))
      .add(Linear(36, 5))
      .add(LogSoftMax())

  private val spec = model().toSpec.encode()
  private val critSpec = ClassNLLCriterion().toSpec.encode()

  private def batch(seed: Int, n: Int = 16): (Tensor, Tensor) = {
    val rng = new java.util.SplittableRandom(seed)
    (
      Tensor(Array.fill(n * 64)(rng.nextDouble().toFloat - 0.5f), Array(n, 64)),
      Tensor(Array.tabulate(n)(i => (i % 5 + 1).toFloat), Array(n))
    )
  }

  /** Create, train a few steps, forward, close: returns the final outputs. */
  private def session(seed: Int, steps: Int): Array[Float] = {
    val m = new NativeModel(spec, 42L)
    val c = new NativeCriterion(critSpec)
    try {
      val grads = new Array[Float](m.numParams)
      val w = m.getWeights()
      for (s <- 0 until steps) {
        val (x, y) = batch(seed * 1000 + s)
        m.trainBatch(c, x, y, grads, s.toLong)
        var i = 0
        while (i < w.length) { w(i) -= 0.1f * grads(i); i += 1 }
        m.setWeights(w)
      }
      m.setTraining(false)
      m.forward(batch(seed)._1).storage
    } finally {
      c.close()
      m.close()
    }
  }

  @Test def sixteenThreadsInterleaveCreateTrainAndCloseSafely(): Unit = {
    val before = Native.liveHandles()
    val rounds = 6
    // What each (thread, round) computes alone, on this thread.
    val expected = Array.tabulate(16, rounds)((t, r) => session(t * 31 + r, 5))
    val pool = JExecutors.newFixedThreadPool(16)
    val start = new CountDownLatch(1)
    try {
      val futures = (0 until 16).map { t =>
        pool.submit(new java.util.concurrent.Callable[Seq[String]] {
          override def call(): Seq[String] = {
            start.await()
            (0 until rounds).flatMap { r =>
              val got = session(t * 31 + r, 5)
              if (got.sameElements(expected(t)(r))) None else Some(s"thread $t round $r: different result")
            }
          }
        })
      }
      start.countDown()
      val problems = futures.flatMap(_.get(5, TimeUnit.MINUTES))
      assertTrue(problems.mkString("\n"), problems.isEmpty)
    } finally pool.shutdownNow()
    // Other tests' models may be freed by their Cleaners meanwhile, so the count may only fall.
    val after = Native.liveHandles()
    assertTrue(s"every handle was freed: $before live before, $after after", after <= before)
  }

  private def rssKb(): Long = {
    val status = scala.io.Source.fromFile("/proc/self/status")
    try status.getLines().collectFirst { case l if l.startsWith("VmRSS:") => l.split("\\s+")(1).toLong }.getOrElse(0L)
    finally status.close()
  }

  @Test def soak5000IterationsAnd1000CreateCloseCyclesStayWithinTheMemoryBound(): Unit = {
    val before = Native.liveHandles()
    val m = new NativeModel(spec, 7L)
    val c = new NativeCriterion(critSpec)
    val grads = new Array[Float](m.numParams)
    val (x, y) = batch(3, 32)
    def train(n: Int): Unit = for (s <- 0 until n) m.trainBatch(c, x, y, grads, s.toLong)
    def cycles(n: Int): Unit = for (i <- 0 until n) {
      val k = new NativeModel(spec, i.toLong)
      k.forward(x)
      k.close()
    }
    try {
      train(500) // warm up: allocator pools, JIT, buffers
      cycles(100)
      System.gc()
      val start = rssKb()
      train(4500)
      cycles(900)
      System.gc()
      val growthKb = rssKb() - start
      println(s"soak: 5000 iterations + 1000 create/close cycles, RSS growth ${growthKb / 1024.0} MB")
      assertTrue(
        s"RSS grew by $growthKb kB (bound ${ConcurrencyAndSoakTest.BoundKb} kB)",
        growthKb < ConcurrencyAndSoakTest.BoundKb
      )
    } finally {
      c.close()
      m.close()
    }
    val after = Native.liveHandles()
    assertTrue(s"every handle was freed: $before live before, $after after", after <= before)
  }
}

object ConcurrencyAndSoakTest {

  /** The stated bound on RSS growth over the soak run (native and JVM heap together). */
  val BoundKb: Long = 32L * 1024
}
