package ferrodl.optim

import java.nio.file.{Files, Path}

import ferrodl.nn.{ClassNLLCriterion, Dropout, Linear, LogSoftMax, ModelFile, Module, Reshape, Sequential, Tanh}
import ferrodl.utils.CorruptDataException
import org.apache.spark.SparkContext
import org.junit.Assert._
import org.junit.{AfterClass, BeforeClass, Test}

object CheckpointAndRecoveryTest {
  var sc: SparkContext = _

  /** `local[2,3]`: two cores, and a task may fail twice before its job fails. */
  @BeforeClass def start(): Unit = {
    sc = ferrodl.testing.LocalSpark.start("ferrodl-recovery", master = "local[2,3]")
  }

  /** Stopping the SparkContext frees the native workers its tasks cached in this JVM. */
  @AfterClass def stop(): Unit = if (sc != null) {
    assertTrue("tasks cached workers", ferrodl.engine.WorkerPool.idle > 0)
    sc.stop()
    assertEquals(0, ferrodl.engine.WorkerPool.idle)
  }

  def model(): Sequential =
    Sequential().add(Linear(4, 16)).add(Dropout(0.2)).add(Tanh()).add(Linear(16, 3)).add(LogSoftMax())

  def withProps[A](props: (String, String)*)(f: => A): A = {
    props.foreach { case (k, v) => System.setProperty(k, v) }
    try f
    finally props.foreach { case (k, _) => System.clearProperty(k) }
  }
}

class CheckpointAndRecoveryTest {
  import CheckpointAndRecoveryTest._

  private lazy val data = sc.parallelize(LocalSparkTrainingTest.blobs(300, 21), 2)
  private val initial = { val m = model(); Array.tabulate(m.numParameters())(i => math.cos(i * 0.7).toFloat * 0.3f) }

  private def optimizer(m: Sequential): Optimizer =
    Optimizer(model = m, sampleRDD = data, criterion = ClassNLLCriterion(), batchSize = 32)
      .setOptimMethod(new Adam(learningRate = 0.01))
      .setSeed(17)

  /** 3 epochs of 300 records at 32 = 30 iterations, without interruption. */
  private lazy val uninterrupted: Array[Float] = {
    val m = model().setWeightsArray(initial)
    optimizer(m).setEndWhen(Trigger.maxEpoch(3)).optimize()
    m.getWeightsArray()
  }

  private def tmp(): Path = Files.createTempDirectory("ferrodl-ckpt")

  @Test def resumingFromACheckpointGivesTheWeightsOfAnUninterruptedRun(): Unit = {
    val dir = tmp().toString
    val first = model().setWeightsArray(initial)
    optimizer(first).setCheckpoint(dir, Trigger.everyEpoch).setEndWhen(Trigger.maxEpoch(2)).optimize()
    assertEquals(Some(20), Checkpoint.latest(dir).map(_.iteration))
    assertTrue(Files.exists(Path.of(dir, "model.10")))
    val resumed = model()
    val opt = optimizer(resumed).setSeed(999).resume(dir).setEndWhen(Trigger.maxEpoch(3))
    opt.optimize()
    assertEquals("10 iterations after the checkpoint", 10, opt.timings.length)
    assertArrayEquals(uninterrupted, resumed.getWeightsArray(), 0f)
  }

  @Test def aModelReadBackFromItsFileHasTheSameStructure(): Unit = {
    // Reshape's attributes (size, batchMode) are not in key order; the model file keeps them by key.
    val m = Sequential().add(Reshape(Array(4))).add(Linear(4, 3)).add(LogSoftMax())
    val (spec, _) = ModelFile.decode(ModelFile.encode(m.toSpec, m.getState()), "round trip")
    assertArrayEquals(Checkpoint.structure(m.toSpec), Checkpoint.structure(spec))
  }

  @Test def overWriteKeepsOnlyTheLatestCheckpointAndAnotherModelIsRefused(): Unit = {
    val dir = tmp()
    optimizer(model().setWeightsArray(initial))
      .setCheckpoint(dir.toString, Trigger.severalIteration(4))
      .overWriteCheckpoint()
      .setEndWhen(Trigger.maxIteration(13))
      .optimize()
    val names = dir.toFile.list().toSet
    assertEquals(Set("model.12", "optimMethod.12"), names)
    val other = Sequential().add(Linear(4, 3)).add(LogSoftMax())
    val e = assertThrows(classOf[IllegalArgumentException], () => optimizer(other).resume(dir.toString))
    assertTrue(e.getMessage, e.getMessage.contains("holds another model"))
  }

  @Test def savedModelsAndMethodsLoadBackAndBrokenFilesAreRefusedClearly(): Unit = {
    val dir = tmp()
    val m = model().setWeightsArray(initial)
    val adam = new Adam(learningRate = 0.01)
    optimizer(m).setOptimMethod(adam).setEndWhen(Trigger.maxIteration(3)).optimize()
    val path = dir.resolve("m.fdl").toString
    m.saveModule(path)
    val loaded = Module.loadModule(path)
    assertArrayEquals(m.getWeightsArray(), loaded.getWeightsArray(), 0f)
    val x = ferrodl.tensor.Tensor(Array.tabulate(8)(i => i * 0.1f), Array(2, 4))
    m.evaluate(); loaded.evaluate()
    assertArrayEquals(m.forward(x).storage, loaded.forward(x).storage, 0f)
    assertThrows(classOf[java.io.IOException], () => m.saveModule(path))
    m.saveModule(path, overWrite = true)

    val bytes = Files.readAllBytes(Path.of(path))
    val truncated = dir.resolve("truncated.fdl")
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2))
    val t = assertThrows(classOf[CorruptDataException], () => Module.loadModule(truncated.toString))
    assertTrue(t.getMessage, t.getMessage.contains("truncated"))
    val flipped = bytes.clone()
    flipped(bytes.length - 10) = (flipped(bytes.length - 10) ^ 0x40).toByte
    Files.write(truncated, flipped)
    val c = assertThrows(classOf[CorruptDataException], () => Module.loadModule(truncated.toString))
    assertTrue(c.getMessage, c.getMessage.contains("checksum mismatch"))
    Files.write(truncated, "not a model".getBytes)
    val n = assertThrows(classOf[CorruptDataException], () => Module.loadModule(truncated.toString))
    assertTrue(n.getMessage, n.getMessage.contains("not a ferrodl model file"))

    val methodPath = dir.resolve("adam.fdl").toString
    adam.save(methodPath)
    val back = OptimMethod.load(methodPath)
    assertEquals(adam.describe(), back.describe())
    assertArrayEquals(adam.state, back.state)
    assertEquals("NaN scores too", adam.progress.toString, back.progress.toString)
    assertEquals(4, back.progress.iteration)
  }

  @Test def tasksThatFailTheirFirstAttemptsAreRetriedBySpark(): Unit = {
    val m = model().setWeightsArray(initial)
    val opt = optimizer(m).setEndWhen(Trigger.maxEpoch(3))
    withProps("spark.ferrodl.test.failIteration" -> "7", "spark.ferrodl.test.failAttempts" -> "2")(opt.optimize())
    assertEquals("Spark retried the tasks; the job did not fail", 0, opt.retries)
    assertArrayEquals(uninterrupted, m.getWeightsArray(), 0f)
  }

  @Test def aJobThatFailsEveryAttemptIsRetriedFromTheLatestCheckpoint(): Unit = {
    val dir = tmp().toString
    val m = model().setWeightsArray(initial)
    val opt = optimizer(m).setCheckpoint(dir, Trigger.severalIteration(5)).setEndWhen(Trigger.maxEpoch(3))
    withProps("spark.ferrodl.test.failIteration" -> "13")(opt.optimize())
    assertEquals("one reload", 1, opt.retries)
    assertArrayEquals(uninterrupted, m.getWeightsArray(), 0f)
  }

  @Test def retriesStopAfterRetryTimes(): Unit = {
    val m = model().setWeightsArray(initial)
    val opt = optimizer(m).setEndWhen(Trigger.maxIteration(4))
    withProps("spark.ferrodl.test.failIteration" -> "2", "ferrodl.failure.retryTimes" -> "0") {
      val e = assertThrows(classOf[org.apache.spark.SparkException], () => opt.optimize())
      assertTrue(e.getMessage, e.getMessage.contains("injected failure"))
    }
  }

  @Test def nativeObjectsDoNotGrowWithIterationsModelsOrRuns(): Unit = {
    import ferrodl.engine.{Native, WorkerPool}
    val m = model().setWeightsArray(initial)
    optimizer(m).setEndWhen(Trigger.maxIteration(3)).optimize()
    val afterFirst = Native.liveHandles()
    optimizer(m).setEndWhen(Trigger.maxIteration(60)).optimize()
    assertTrue(
      s"${Native.liveHandles()} live after 60 iterations, $afterFirst after 3",
      Native.liveHandles() <= afterFirst
    )
    val local =
      new LocalOptimizer(m, LocalSparkTrainingTest.blobs(100, 3).toArray, ClassNLLCriterion(), 20, threads = 2)
    local.setEndWhen(Trigger.maxIteration(10)).optimize()
    assertTrue("LocalOptimizer frees its replicas", Native.liveHandles() <= afterFirst)
    for (hidden <- 5 to 12) {
      val other = Sequential().add(Linear(4, hidden)).add(Tanh()).add(Linear(hidden, 3)).add(LogSoftMax())
      optimizer(other).setEndWhen(Trigger.maxIteration(2)).optimize()
      other.release()
    }
    assertTrue(s"${WorkerPool.idle} idle workers for 8 models", WorkerPool.idle <= WorkerPool.MaxKeys * 2)
  }

  @Test def runsWithManyPartitionsGiveIdenticalWeights(): Unit = {
    def run(partitions: Int): Array[Float] = withProps("spark.ferrodl.partitions" -> partitions.toString) {
      val m = model().setWeightsArray(initial)
      optimizer(m).setEndWhen(Trigger.maxIteration(15)).optimize()
      m.getWeightsArray()
    }
    assertArrayEquals("9 partitions: summed in a fixed tree", run(9), run(9), 0f)
    assertArrayEquals("5 partitions: summed on the driver in order", run(5), run(5), 0f)
  }
}
