package ferrodl.optim

import java.nio.file.Files

import ferrodl.engine.NativeOptim
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Sequential, SpecAttr, Tanh}
import ferrodl.tensor.Tensor
import ferrodl.visualization.TrainSummary
import org.junit.Assert._
import org.junit.Test

/**
 * Ftrl, LarsSGD, LBFGS, SGD's per-parameter rates and BigDL's epoch, sequential and plateau
 * schedules through the Scala API and the native engine (trajectories against PyTorch and
 * BigDL's formulas are in native/core/tests/optim_trajectories.rs).
 */
class MoreOptimMethodsTest {

  private def using[A](o: NativeOptim)(f: NativeOptim => A): A = try f(o)
  finally o.close()

  private def rounded(r: Double): Double = math.round(r * 1e9) / 1e9

  private def fails[E <: Throwable](cls: Class[E], contains: String)(body: => Any): Unit = {
    val e =
      try { body; null }
      catch { case t: Throwable => t }
    assertNotNull(s"expected ${cls.getSimpleName} mentioning '$contains'", e)
    assertTrue(s"$e", cls.isInstance(e) && e.getMessage.contains(contains))
  }

  @Test def newMethodsBuildWithBigDLDefaultsAndDescend(): Unit = {
    for (m <- Seq(new Ftrl(), new LarsSGD(lrScheduleOwner = true), new LBFGS())) {
      using(m.createNative()) { o =>
        val w = Array(1f, -1f)
        o.step(w, Array(0.5f, -0.5f))
        assertTrue(s"$m moved the weights against the gradient: ${w.toSeq}", w(0) < 1f && w(1) > -1f)
      }
    }
    // LBFGS's first step: min(1, 1/Σ|g|) · learningRate along -g.
    using(new LBFGS().createNative()) { o =>
      val w = Array(1f, -1f)
      o.step(w, Array(0.5f, -0.5f))
      assertArrayEquals(Array(0.5f, -0.5f), w, 1e-7f)
    }
    assertEquals(1e-3 / 1.02, stepRate(new LarsSGD(true), 2), 1e-15)
    fails(classOf[IllegalArgumentException], "line search")(new LBFGS(lineSearch = Some(new LineSearch {})))
    fails(classOf[IllegalArgumentException], "trust")(new LarsSGD(true, trust = 1.5))
  }

  /** The rate of step `n` (0-based) of a fresh method. */
  private def stepRate(m: OptimMethod, n: Int): Double = using(m.createNative()) { o =>
    (0 until n).foreach(_ => o.step(Array(1f), Array(0.1f)))
    o.currentRate()
  }

  @Test def sgdTakesPerParameterRatesAndDecays(): Unit = {
    val sgd = new SGD(
      learningRate = 0.1,
      learningRates = Tensor(Array(1f, 2f), Array(2)),
      weightDecays = Tensor(Array(0.5f, 0f), Array(2))
    )
    using(sgd.createNative()) { o =>
      val w = Array(1f, 1f)
      o.step(w, Array(1f, 1f))
      assertArrayEquals(Array(1f - 0.1f * 1.5f, 1f - 0.2f), w, 1e-7f)
      fails(classOf[IllegalArgumentException], "SGD: weightDecays buffer has 2 elements, the model needs 3") {
        o.step(Array(1f, 1f, 1f), Array(1f, 1f, 1f))
      }
    }
    assertTrue(sgd.describe(), sgd.describe().contains("learningRates=1.0,2.0"))
    val long = new SGD(learningRates = Tensor(Array.fill(100)(1f), Array(100)))
    assertTrue(long.describe(), long.describe().contains("learningRates=<100 values>"))
  }

  @Test def epochSchedulesThroughTheEngine(): Unit = {
    import SGD._
    val regimes = EpochSchedule(
      Array(
        Regime(1, 2, Map("learningRate" -> 0.1)),
        Regime(3, 4, Map("learningRate" -> 0.05, "weightDecay" -> 0.01))
      )
    )
    using(new SGD(learningRate = 0.3).setLearningRateSchedule(regimes).createNative()) { o =>
      assertEquals(Seq(0.1, 0.1, 0.05, 0.05, 0.05), (1 to 5).map(e => rounded(o.currentRate(e))))
      // The regime's weight decay: w -= 0.05 · (0 + 0.01 · w) in epoch 3.
      val w = Array(1f)
      o.step(w, Array(0f), epoch = 3)
      assertEquals(1f - 0.05f * 0.01f, w(0), 1e-8f)
    }
    fails(classOf[IllegalArgumentException], "momentum")(Regime(1, 2, Map("momentum" -> 0.9)))

    val decay = EpochDecay(e => if (e >= 3) 1.0 else 0.0)
    using(new SGD(learningRate = 0.2).setLearningRateSchedule(decay).createNative()) { o =>
      assertEquals(Seq(0.2, 0.2, 0.02, 0.02), Seq(1, 2, 3, 50000).map(e => rounded(o.currentRate(e))))
    }
    // Tabulated for epochs 1..10000 and sent as its two breakpoints.
    val table = decay.toSpec.attrs.toMap
    assertEquals(Some(SpecAttr.Ints(Seq(1L, 3L))), table.get("epochs"))
    assertEquals(Some(SpecAttr.Floats(Seq(0.0, 1.0))), table.get("exponents"))

    val warm = EpochDecayWithWarmUp(2, 0.1, e => e - 1.0)
    val rates = using(new SGD(learningRate = 0.1).setLearningRateSchedule(warm).createNative()) { o =>
      Seq(1, 1, 1, 2).map { e =>
        val r = o.currentRate(e); o.step(Array(1f), Array(0f), e); rounded(r)
      }
    }
    assertEquals(Seq(0.1, 0.2, 0.3, 0.03), rates)
  }

  @Test def sequentialAndPlateauSchedulesThroughTheEngine(): Unit = {
    import SGD._
    val seq = SequentialSchedule(2).add(Warmup(0.1), 2).add(Step(1, 0.5), 10)
    val rates = using(new SGD(learningRate = 0.1).setLearningRateSchedule(seq).createNative()) { o =>
      (0 until 5).map { _ =>
        val r = o.currentRate(); o.step(Array(1f), Array(0f)); rounded(r)
      }
    }
    // Warmup for t = 0, 1, 2; then Step from 0.3 on its own iterations 1, 2.
    assertEquals(Seq(0.1, 0.2, 0.3, 0.15, 0.075), rates)
    fails(classOf[IllegalArgumentException], "maxIteration")(SequentialSchedule(2).add(Warmup(0.1), 0))

    val plateau = Plateau("score", factor = 0.5f, patience = 0, mode = "max")
    using(new SGD(learningRate = 1.0).setLearningRateSchedule(plateau).createNative()) { o =>
      o.step(Array(1f), Array(0f), epoch = 1)
      fails(classOf[IllegalArgumentException], "setValidation")(o.currentRate(epoch = 2))
      o.observe(0.5)
      assertEquals(1.0, o.currentRate(epoch = 2), 0.0)
      o.step(Array(1f), Array(0f), epoch = 2)
      o.observe(0.4)
      assertEquals(0.5, o.currentRate(epoch = 3), 1e-9)
    }
    fails(classOf[IllegalArgumentException], "mode")(Plateau(mode = "up"))
    assertEquals(
      Some("Loss"),
      new SGD().setLearningRateSchedule(SequentialSchedule(1).add(Plateau("Loss"), 5)).plateauMonitor
    )
    assertEquals(None, new SGD().plateauMonitor)
  }

  @Test def aMethodSavedMidwayAndLoadedContinuesLikeAnUninterruptedRun(): Unit = {
    import SGD._
    val dir = Files.createTempDirectory("ferrodl-optim")
    def grad(w: Array[Float]): Array[Float] = w.map(x => 2f * x - 1f)
    def methods(): Seq[OptimMethod] = Seq(
      new LBFGS(learningRate = 0.3, nCorrection = 2),
      new SGD(learningRate = 0.1, momentum = 0.5)
        .setLearningRateSchedule(SequentialSchedule(2).add(Warmup(0.05), 3).add(Plateau("score", 0.5f, 0, "max"), 100)),
      new Ftrl(learningRate = 0.5, l1RegularizationStrength = 0.01),
      new LarsSGD(true, 0.9, 0.2).setBlocks(Array(1, 2))
    )
    // Two steps per epoch; a score after each epoch.
    def run(o: NativeOptim, w: Array[Float], steps: Range): Unit = steps.foreach { k =>
      o.step(w, grad(w), 1 + k / 2)
      if (k % 2 == 1) o.observe(Seq(0.5, 0.4, 0.6, 0.6, 0.3, 0.7)(k / 2))
    }
    for ((straightMethod, i) <- methods().zipWithIndex) {
      val straight = Array(0.5f, -1f, 2f)
      using(straightMethod.createNative())(o => run(o, straight, 0 until 12))
      val m = methods()(i)
      val w = Array(0.5f, -1f, 2f)
      using(m.createNative()) { o => run(o, w, 0 until 5); m.state = o.getState() }
      val path = dir.resolve(s"method$i").toString
      m.save(path)
      val loaded = OptimMethod.load(path)
      using(loaded.createNative())(o => run(o, w, 5 until 12))
      assertArrayEquals(s"${m.describe()} resumed", straight, w, 0f)
      assertFalse(s"${m.describe()} trained", java.util.Arrays.equals(straight, Array(0.5f, -1f, 2f)))
    }
  }

  @Test def larsBlocksArePerLayer(): Unit = {
    val model = Sequential().add(Linear(3, 4)).add(Tanh()).add(Linear(4, 2))
    assertArrayEquals(Array(16, 10), LarsSGD.layerSizes(model))
    val lars = LarsSGD.perLayer(model, trust = 0.8, learningRate = 0.1)
    assertArrayEquals(Array(16, 10), lars.getBlocks)
    using(lars.createNative()) { o =>
      o.step(Array.fill(26)(1f), Array.fill(26)(0.1f))
      fails(classOf[IllegalArgumentException], "LarsSGD")(o.step(Array.fill(25)(1f), Array.fill(25)(0.1f)))
    }
  }

  private def mlp(): Sequential = Sequential().add(Linear(4, 8)).add(Tanh()).add(Linear(8, 3)).add(LogSoftMax())

  /** The distinct learning rates of a LocalOptimizer run, in order, from its TrainSummary. */
  private def trainedRates(method: OptimMethod, epochs: Int, validate: Boolean): Seq[Double] = {
    val train = LocalSparkTrainingTest.blobs(300, 41).toArray
    val summary = TrainSummary(Files.createTempDirectory("ferrodl-plateau").toString, "plateau")
    val opt = new LocalOptimizer(mlp(), train, ClassNLLCriterion(), batchSize = 50, threads = 2)
      .setOptimMethod(method)
      .setEndWhen(Trigger.maxEpoch(epochs))
      .setTrainSummary(summary)
    if (validate) opt.setLocalValidation(Trigger.everyEpoch, train.take(90), Array(new Top1Accuracy), 30)
    try {
      opt.optimize()
      summary.readScalar("LearningRate").map(r => rounded(r._2.toDouble)).toSeq
    } finally summary.close()
  }

  @Test def plateauFollowsTheLossOrTheValidationScoreDuringTraining(): Unit = {
    import SGD._
    // epsilon 100: no value improves on the first one by that much, so from epoch 3 on every
    // epoch halves the rate (patience 0); the first value is read at the start of epoch 2.
    val byLoss = trainedRates(
      new SGD(learningRate = 0.2)
        .setLearningRateSchedule(Plateau("Loss", 0.5f, patience = 0, mode = "max", epsilon = 100f)),
      epochs = 4,
      validate = false
    )
    assertEquals(Seq.fill(12)(0.2) ++ Seq.fill(6)(0.1) ++ Seq.fill(6)(0.05), byLoss.map(r => math.round(r * 1e6) / 1e6))
    val byScore = trainedRates(
      new SGD(learningRate = 0.2)
        .setLearningRateSchedule(Plateau("score", 0.5f, patience = 0, mode = "min", epsilon = 100f)),
      epochs = 3,
      validate = true
    )
    assertEquals(Seq.fill(12)(0.2) ++ Seq.fill(6)(0.1), byScore.map(r => math.round(r * 1e6) / 1e6))
    fails(classOf[IllegalArgumentException], "setValidation") {
      trainedRates(new SGD().setLearningRateSchedule(Plateau("score")), epochs = 2, validate = false)
    }
  }
}
