package ferrodl.optim

import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, ReLU, Sequential}
import org.apache.spark.SparkContext
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

object LocalSgdTest {
  var sc: SparkContext = _

  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-local-sgd")
  }

  @AfterClass def stop(): Unit = if (sc != null) sc.stop()

  def model(): Sequential =
    Sequential().add(Linear(4, 32)).add(ReLU()).add(Linear(32, 3)).add(LogSoftMax())

  private val init = model().getState()

  /** Trains from `init` on 400 blobs at batch 40 (10 iterations an epoch) with momentum SGD. */
  def train(steps: Int, iterations: Int, partitions: Int = 2, lr: Double = 0.1): (Sequential, Optimizer) = {
    val m = model()
    m.setState(init)
    val opt = Optimizer(m, sc.parallelize(LocalSparkTrainingTest.blobs(400, 5), partitions), ClassNLLCriterion(), 40)
      .setSeed(3L)
      .setOptimMethod(new SGD(learningRate = lr, momentum = 0.9))
      .setLocalSteps(steps)
      .setEndWhen(Trigger.maxIteration(iterations))
    val old = sys.props.get("spark.ferrodl.partitions")
    sys.props("spark.ferrodl.partitions") = partitions.toString
    try opt.optimize()
    finally restore("spark.ferrodl.partitions", old)
    (m, opt)
  }

  def restore(key: String, old: Option[String]): Unit = old match {
    case Some(v) => System.setProperty(key, v)
    case None => System.clearProperty(key)
  }

  def distance(a: Array[Float], b: Array[Float]): Double =
    math.sqrt(a.zip(b).map { case (p, q) => (p - q).toDouble * (p - q) }.sum)
}

class LocalSgdTest {
  import LocalSgdTest._

  @Test def withOnePartitionLocalStepsAreSynchronousSgd(): Unit = {
    // One replica stepping its own copy of the method is the driver stepping it: same batches,
    // gradients, momentum. Only the round trip through the displacement rounds differently.
    val (sync, syncOpt) = train(steps = 1, iterations = 12, partitions = 1)
    val (local, localOpt) = train(steps = 5, iterations = 12, partitions = 1)
    assertEquals(Seq(5, 5, 2), localOpt.timings.map(_.iterations))
    assertEquals(12, syncOpt.timings.length)
    val (a, b) = (sync.getState().weights, local.getState().weights)
    val d = distance(a, b)
    val norm = math.sqrt(a.map(x => x.toDouble * x).sum)
    assertTrue(s"weights differ by $d of $norm", d < 1e-5 * norm)
    // The method's state (momentum) came back from the replica and was kept.
    val (s0, s1) = (syncOpt.getOptimMethod.state, localOpt.getOptimMethod.state)
    assertEquals(s0.length, s1.length)
    assertTrue("the momentum buffers are close", distance(floats(s0), floats(s1)) < 1e-5 * norm)
  }

  /** The float32 values of an encoded state's buffers (past its 20-byte header), for distances. */
  private def floats(state: Array[Byte]): Array[Float] = {
    val b = java.nio.ByteBuffer.wrap(state).order(java.nio.ByteOrder.LITTLE_ENDIAN)
    b.position(4 + 8 + 4 + 8)
    Array.fill((state.length - b.position() - 8) / 4)(b.getFloat)
  }

  @Test def theDriverTakesTheMeanDisplacementAndTheMeanState(): Unit = {
    val w0 = Array(1f, -2f, 0.5f, 3f)
    val grads = Seq(Array(0.4f, 0.2f, -1f, 0f), Array(-0.2f, 0.6f, 3f, 1f), Array(0.1f, 0.1f, 0.1f, 0.1f))
    val method = new SGD(learningRate = 0.5, momentum = 0.9)
    // Each replica takes one momentum step from w0 on its own gradient.
    val parts = grads.map { g =>
      val optim = method.createNative()
      try {
        val w = w0.clone()
        optim.step(w, g.clone())
        val p = new GradPart(w0.zip(w).map { case (a, b) => a - b }, Array.emptyFloatArray, 1, 0.1, 1.0, 40, 0L, 0L)
        p.methodState = optim.getState()
        p
      } finally optim.close()
    }
    val sum = parts.reduce(_ merge _)
    val w = w0.clone()
    val state = LocalSgd.average(sum, w)
    // One step on the mean gradient gives the same weights and momentum (the step is linear in it).
    val mean = Array.tabulate(4)(i => grads.map(_(i)).sum / 3)
    val reference = method.createNative()
    try {
      val expected = w0.clone()
      reference.step(expected, mean)
      for (i <- 0 until 4) assertEquals(s"weight $i", expected(i), w(i), 1e-6f)
      val (got, want) = (floats(state), floats(reference.getState()))
      for (i <- 0 until 4) assertEquals(s"momentum $i", want(i), got(i), 1e-6f)
    } finally reference.close()
  }

  @Test def roundsStopAtEpochEndsAndTrainToTheSameAccuracy(): Unit = {
    val (sync, _) = train(steps = 1, iterations = 30)
    val (local, opt) = train(steps = 4, iterations = 30)
    // 10 iterations an epoch: rounds of 4, 4 and the 2 left, three times.
    assertEquals(Seq.fill(3)(Seq(4, 4, 2)).flatten, opt.timings.map(_.iterations))
    val (a, b) = (sync.getState().weights, local.getState().weights)
    assertTrue("two partitions averaging every 4 steps take another path", distance(a, b) > 1e-3)
    val test = sc.parallelize(LocalSparkTrainingTest.blobs(300, 9), 2)
    for ((m, name) <- Seq(sync -> "synchronous", local -> "local")) {
      val acc = m.evaluate(test, Array(new Top1Accuracy()))(0)._1.result()._1
      assertTrue(s"$name accuracy $acc", acc > 0.95)
    }
  }

  @Test def validationAndCheckpointTriggersFireAfterTheirRound(): Unit = {
    val dir = java.nio.file.Files.createTempDirectory("ferrodl-local-sgd").toString
    val m = model()
    val opt = Optimizer(m, sc.parallelize(LocalSparkTrainingTest.blobs(400, 5), 2), ClassNLLCriterion(), 40)
      .setLocalSteps(3)
      .setValidation(
        Trigger.severalIteration(5),
        sc.parallelize(LocalSparkTrainingTest.blobs(90, 8), 2),
        Array(new Top1Accuracy()),
        30
      )
      .setCheckpoint(dir, Trigger.severalIteration(5))
      .setEndWhen(Trigger.maxIteration(10))
    opt.optimize()
    // Rounds 1-3, 4-6 (passes 5), 7-9, 10: checkpoints after iterations 6 and 10.
    assertEquals(Seq(3, 3, 3, 1), opt.timings.map(_.iterations))
    val saved = new java.io.File(dir).listFiles().map(_.getName).filter(_.startsWith("model.")).sorted.toSeq
    assertEquals(Seq("model.10", "model.6"), saved)
  }

  @Test def methodsWithoutAnAverageAndBadCountsAreRefused(): Unit = {
    val rdd = sc.parallelize(LocalSparkTrainingTest.blobs(40, 5), 2)
    assertThrows(
      classOf[IllegalArgumentException],
      () => Optimizer(model(), rdd, ClassNLLCriterion(), 20).setLocalSteps(0)
    )
    val lbfgs = Optimizer(model(), rdd, ClassNLLCriterion(), 20).setOptimMethod(new LBFGS()).setLocalSteps(2)
    val e = assertThrows(classOf[IllegalArgumentException], () => lbfgs.optimize())
    assertTrue(e.getMessage, e.getMessage.contains("LBFGS"))
    val old = sys.props.get(LocalSgd.Key)
    sys.props(LocalSgd.Key) = "several"
    try {
      val bad = Optimizer(model(), rdd, ClassNLLCriterion(), 20)
      val e2 = assertThrows(classOf[IllegalArgumentException], () => bad.optimize())
      assertTrue(e2.getMessage, e2.getMessage.contains("ferrodl.localSteps must be an integer"))
    } finally restore(LocalSgd.Key, old)
  }

  @Test def aDivergingRoundFailsNamingItsIterations(): Unit = {
    val e = assertThrows(classOf[IllegalArgumentException], () => train(steps = 4, iterations = 8, lr = 1e30))
    assertTrue(e.getMessage, e.getMessage.contains("NaN or infinity at epoch 1 iterations"))
  }
}
