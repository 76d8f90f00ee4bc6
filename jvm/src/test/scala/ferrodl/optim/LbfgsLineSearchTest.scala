package ferrodl.optim

import java.util.concurrent.atomic.AtomicInteger

import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, Tanh}
import org.apache.spark.scheduler.{SparkListener, SparkListenerJobStart}
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

object LbfgsLineSearchTest {
  @BeforeClass def start(): Unit = LocalSparkTrainingTest.start()
  @AfterClass def stop(): Unit = LocalSparkTrainingTest.stop()
}

/**
 * LBFGS with the strong Wolfe line search (`lineSearch = Some(new lswolfe)`): every training
 * iteration runs BigDL's `optimize` on its mini-batch, evaluating the loss at each trial point
 * with a full data-parallel pass (one Spark job each). The search itself is checked against
 * PyTorch in native/core/tests/optim_lbfgs_wolfe.rs; here, that training uses it end to end.
 */
class LbfgsLineSearchTest {
  private val data: Array[Sample] = LocalSparkTrainingTest.blobs(240, 7).toArray
  private val init: Array[Float] = model().getWeightsArray()

  private def model(): Sequential = Sequential().add(Linear(4, 6)).add(Tanh()).add(Linear(6, 3)).add(LogSoftMax())

  private def loss(m: Sequential): Double =
    Evaluator.evaluateLocal(m, data, Array(new Loss(ClassNLLCriterion())), 240)(0)._1.result()._1

  private def withSearch(): LBFGS =
    new LBFGS(maxIter = 5, lineSearch = Some(new lswolfe), lineSearchOptions = Some(Map("c2" -> 0.9, "maxIter" -> 10)))

  /** Full-batch training for `iterations` from the shared initial weights. */
  private def local(method: OptimMethod, iterations: Int): (Sequential, Optimizer) = {
    val m = model().setWeightsArray(init)
    val opt = new LocalOptimizer(m, data, ClassNLLCriterion(), batchSize = 240, threads = 2)
      .setOptimMethod(method)
      .setEndWhen(Trigger.maxIteration(iterations))
    opt.optimize()
    (m, opt)
  }

  @Test def lineSearchTrainsToALowerLossThanFixedStepsLocally(): Unit = {
    val start = loss(model().setWeightsArray(init))
    val (fixed, _) = local(new LBFGS(learningRate = 0.5), 4)
    val (searched, _) = local(withSearch(), 4)
    val (lf, ls) = (loss(fixed), loss(searched))
    assertTrue(s"fixed steps: $start -> $lf", lf < start)
    assertTrue(s"line search $ls should beat fixed steps $lf", ls < 0.5 * lf)
  }

  @Test def distributedRunsOneJobPerEvaluationAndMatchesLocal(): Unit = {
    val sc = LocalSparkTrainingTest.sc
    val jobs = new AtomicInteger()
    val listener = new SparkListener {
      override def onJobStart(e: SparkListenerJobStart): Unit =
        if (
          Option(e.properties)
            .exists(p => String.valueOf(p.getProperty("spark.job.description")).contains("line search"))
        )
          jobs.incrementAndGet()
    }
    sc.addSparkListener(listener)
    try {
      val m = model().setWeightsArray(init)
      val method = withSearch()
      Optimizer(model = m, sampleRDD = sc.parallelize(data.toSeq, 2), criterion = ClassNLLCriterion(), batchSize = 240)
        .setOptimMethod(method)
        .setEndWhen(Trigger.maxIteration(3))
        .optimize()
      val deadline = System.nanoTime() + 10000000000L
      while (jobs.get < 3 && System.nanoTime() < deadline) Thread.sleep(50)
      assertTrue(s"${jobs.get} line-search jobs for 3 iterations of up to 5 L-BFGS iterations", jobs.get >= 3)
      val (l, _) = local(withSearch(), 3)
      assertArrayEquals("local[2] computes what two threads compute", l.getWeightsArray(), m.getWeightsArray(), 1e-4f)
      assertTrue(s"distributed loss ${loss(m)}", loss(m) < 0.5 * loss(model().setWeightsArray(init)))
      // The history (and the step count: one per training iteration) is in the saved state.
      val path = java.nio.file.Files.createTempDirectory("ferrodl-lbfgs").resolve("method").toString
      method.save(path)
      val back = OptimMethod.load(path)
      assertTrue(back.searches)
      assertArrayEquals(method.state, back.state)
    } finally sc.removeSparkListener(listener)
  }

  @Test def misuseIsRefusedClearly(): Unit = {
    val unknown = assertThrows(
      classOf[IllegalArgumentException],
      () => new LBFGS(lineSearch = Some(new lswolfe), lineSearchOptions = Some(Map("c3" -> 1.0)))
    )
    assertTrue(unknown.getMessage, unknown.getMessage.contains("c3"))
    val bad = assertThrows(
      classOf[IllegalArgumentException],
      () => new LBFGS(lineSearch = Some(new lswolfe), lineSearchOptions = Some(Map("c1" -> 0.95))).createNative()
    )
    assertTrue(bad.getMessage, bad.getMessage.contains("c1 < c2"))
    val m = Sequential().add(Linear(4, 6).setName("a")).add(Tanh()).add(Linear(6, 3).setName("b")).add(LogSoftMax())
    val shared = assertThrows(
      classOf[IllegalArgumentException],
      () =>
        new LocalOptimizer(m, data, ClassNLLCriterion(), 60, threads = 2)
          .setOptimMethods(Map("a" -> withSearch(), "b" -> new SGD()))
          .setEndWhen(Trigger.maxIteration(1))
          .optimize()
    )
    assertTrue(shared.getMessage, shared.getMessage.contains("line search"))
  }
}
