package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import ferrodl.utils.FileIO
import ferrodl.engine.WorkerPool
import org.apache.spark.{SparkContext, SparkException, TaskContext}
import org.apache.spark.scheduler.{SparkListener, SparkListenerApplicationEnd}
import org.apache.spark.rdd.RDD
import org.apache.spark.storage.StorageLevel

/**
 * Synchronous data-parallel SGD on Spark. Per iteration: the driver broadcasts the flat weights,
 * every partition runs forward and backward natively on its share of the global batch, the
 * gradient sums come back through a fixed tree ([[GradientTree]]), and the driver applies the
 * optimisation method
 * ([[TrainingLoop]]). A failed job is retried from the latest checkpoint.
 *
 * The data is split into one partition per core (`spark.ferrodl.partitions` overrides it).
 * For tests, `spark.ferrodl.test.failIteration=N` (Spark configuration or driver system property) makes the tasks of iteration N throw on their
 * first `spark.ferrodl.test.failAttempts` attempts (all attempts by default), once per run.
 */
class DistriOptimizer(model: AbstractModule, dataset: RDD[Sample], criterion: AbstractCriterion, batchSize: Int)
    extends Optimizer(model, criterion, batchSize) {

  private val sc = dataset.sparkContext
  private var partitions = 0
  private var data: RDD[DataBlock] = _
  private var modelSpec: Array[Byte] = _
  private var critSpec: Array[Byte] = _
  private var key: String = _
  private var failureInjected = false
  private var failHook: Option[(Long, Int)] = None

  /** A system property of the driver, else the Spark configuration. */
  override private[optim] def conf(key: String): Option[String] = sys.props.get(key).orElse(sc.getConf.getOption(key))

  override private[optim] def prepare(): Long = {
    ferrodl.engine.MemoryLimit.sync()
    FileIO.useSparkContext(sc)
    DistriOptimizer.releaseWorkersOnStop(sc)
    partitions = conf("spark.ferrodl.partitions").map(_.trim.toInt).getOrElse(math.max(1, sc.defaultParallelism))
    require(partitions > 0, s"spark.ferrodl.partitions must be positive, got $partitions")
    modelSpec = model.toSpec.encode()
    critSpec = criterion.toSpec.encode()
    adviseOnResultSize()
    key = Batching.key(modelSpec, critSpec)
    failureInjected = false
    // Read once per run, not per iteration (SparkContext.getConf copies the configuration).
    failHook = conf("spark.ferrodl.test.failIteration").map { n =>
      (n.trim.toLong, conf("spark.ferrodl.test.failAttempts").map(_.trim.toInt).getOrElse(Int.MaxValue))
    }
    // Always shuffle once: besides balancing, it cuts the lineage, so iteration tasks never carry
    // the source partitions (a parallelized collection would ship its data with every task).
    // Bad rows are found in the caller's partitions, so that errors name the partition and row
    // the caller knows; packing checks again after the shuffle.
    val drop = dropInvalidSamples
    val droppedBefore = sc.longAccumulator("ferrodl: invalid samples dropped")
    data = dataset
      .mapPartitionsWithIndex { (p, it) =>
        val rows = it.toArray
        val kept = DataBlock.validRows(rows, p, drop)
        droppedBefore.add(rows.length - kept.length)
        kept.iterator
      }
      .repartition(partitions)
      .mapPartitionsWithIndex((p, it) => Iterator.single(DataBlock.pack(it, p, drop)))
      .setName("ferrodl training data")
    data.persist(StorageLevel.MEMORY_AND_DISK)
    sc.setJobDescription("ferrodl: caching training data")
    val (count, droppedAfter) =
      data.map(b => (b.count.toLong, b.dropped.toLong)).reduce((a, b) => (a._1 + b._1, a._2 + b._2))
    val dropped = droppedBefore.value + droppedAfter
    droppedSamples = dropped
    if (dropped > 0)
      org.slf4j.LoggerFactory
        .getLogger(getClass)
        .warn(s"dropped $dropped invalid samples of ${count + dropped} (setDropInvalidSamples)")
    count
  }

  /**
   * Warns when a partition's gradient is above the task results Spark sends directly: each then
   * goes through the block manager, which measured about twice as slow (see `Engine`).
   */
  private def adviseOnResultSize(): Unit = {
    val bytes = 4L * model.numParameters()
    val direct = sc.getConf.getSizeAsBytes("spark.task.maxDirectResultSize", "1m")
    if (bytes > direct) {
      org.slf4j.LoggerFactory
        .getLogger(getClass)
        .warn(
          f"each partition's gradient (${bytes / 1048576.0}%.1f MB) is above spark.task.maxDirectResultSize " +
            f"(${direct / 1048576.0}%.1f MB), so it reaches the driver through the block manager; create the " +
            s"SparkContext with ferrodl.utils.Engine.createSparkConf() or pass --conf spark.task.maxDirectResultSize=${ferrodl.utils.Engine.MaxDirectResultSize}"
        )
    }
  }

  override private[optim] def describeData: String = s"in $partitions partitions"

  override private[optim] def computeGradients(
      state: ModelState,
      iteration: Long,
      seed: Long,
      label: String
  ): GradPart = {
    val (spec, crit, k) = (modelSpec, critSpec, key)
    job(state, iteration, label) { (pid, block, b, st) =>
      val (x, y) = block.batchAt(iteration, b, seed * 7919L + pid)
      val grads = new Array[Float](st.weights.length)
      try {
        Executors.withWorker(k, spec, Some(crit)) { worker =>
          worker.model.setState(st)
          val (loss, norm) =
            worker.model.trainBatchActivity(worker.criterion.get, x, y, grads, (seed * 31 + iteration) * 8191 + pid)
          new GradPart(grads, worker.model.getBuffers(), 1, loss, norm, b, 0L, 0L)
        }
      } catch {
        case e: IllegalArgumentException if NaNPolicy.isNonFinite(e) =>
          NaNPolicy.failedPart(e, s"partition $pid", st.weights.length, st.buffers.length, b)
      }
    }
  }

  override private[optim] def supportsLocalSteps: Boolean = true

  override private[optim] def computeLocalRound(
      state: ModelState,
      round: LocalSgd.Round,
      iteration: Long,
      seed: Long,
      label: String
  ): GradPart = {
    val (spec, crit, k) = (modelSpec, critSpec, key)
    job((state, round), iteration, label) { case (pid, block, b, (st, r)) =>
      try {
        Executors.withWorker(k, spec, Some(crit)) { worker =>
          LocalSgd.runPartition(worker, r, st, b.toLong * r.steps, s"partition $pid") { s =>
            val it = iteration + s
            val (x, y) = block.batchAt(it, b, seed * 7919L + pid)
            (x, y, (seed * 31 + it) * 8191 + pid)
          }
        }
      } catch {
        case e: IllegalArgumentException if NaNPolicy.isNonFinite(e) =>
          NaNPolicy.failedPart(e, s"partition $pid", st.weights.length, st.buffers.length, b.toLong * r.steps)
      }
    }
  }

  /**
   * One Spark job: broadcasts `payload`, runs `task(partition, block, its batch, payload)` on
   * every partition with records, and adds the parts up in partition order ([[GradientTree]]),
   * packed for the trip when gradient compression is on. Times the broadcast, each part's fetch
   * of the payload and its task.
   */
  private def job[P: scala.reflect.ClassTag](payload: P, iteration: Long, label: String)(
      task: (Int, DataBlock, Int, P) => GradPart
  ): GradPart = {
    val t0 = System.nanoTime()
    val bc = sc.broadcast(payload)
    val broadcastNanos = System.nanoTime() - t0
    val (global, parts) = (batchSize, partitions)
    val bf16 = GradientCompression.current(this) == GradientCompression.Bf16
    val failAttempts = injectedFailure(iteration)
    sc.setJobDescription(s"ferrodl: $label")
    try {
      val perPartition = data
        .mapPartitionsWithIndex { (pid, blocks) =>
          val block = blocks.next()
          val b = Executors.perPartition(global, parts, pid)
          if (TaskContext.get().attemptNumber() < failAttempts) {
            throw new RuntimeException(s"ferrodl test hook: injected failure of partition $pid in $label")
          }
          if (b == 0 || block.count == 0) Iterator.empty
          else {
            ferrodl.engine.MemoryLimit.sync()
            val f0 = System.nanoTime()
            val value = bc.value
            val f1 = System.nanoTime()
            val part = task(pid, block, b, value)
            part.fetchNanos = f1 - f0
            part.computeNanos = System.nanoTime() - f1
            Iterator.single(pid -> (if (bf16) part.pack() else part))
          }
        }
      val part = GradientTree.sum(perPartition, parts, bf16)
      part.broadcastNanos = broadcastNanos
      part
    } finally bc.destroy()
  }

  /** How many attempts of this iteration's tasks the test hook fails (0 when it is off). */
  private def injectedFailure(iteration: Long): Int =
    failHook match {
      case Some((at, attempts)) if !failureInjected && at == iteration + 1 =>
        failureInjected = true
        attempts
      case _ => 0
    }

  /**
   * Job failures are retried, except those bad input causes, which would fail again: exceptions
   * the engine raises for invalid shapes, labels or values (IllegalArgumentException) or for
   * corrupt descriptions (FerrodlException).
   */
  override private[optim] def retryable(e: Throwable): Boolean = {
    val chain = Iterator.iterate(e)(_.getCause).takeWhile(_ != null).toSeq
    val inputErrors = Seq(classOf[IllegalArgumentException], classOf[ferrodl.FerrodlException])
    chain.exists(_.isInstanceOf[SparkException]) &&
    !chain.exists(c => inputErrors.exists(_.isInstance(c))) &&
    !chain.exists(c => inputErrors.exists(k => Option(c.getMessage).exists(_.contains(k.getName))))
  }

  override private[optim] def cleanup(): Unit = {
    if (data != null) data.unpersist(blocking = false)
    data = null
    sc.setJobDescription(null)
  }
}

object DistriOptimizer {
  private val watched =
    java.util.Collections.newSetFromMap(new java.util.WeakHashMap[SparkContext, java.lang.Boolean]())

  /**
   * Frees the driver JVM's cached native workers when `sc` stops (in local mode, tasks run in
   * the driver JVM; executors of a cluster free theirs when they exit).
   */
  def releaseWorkersOnStop(sc: SparkContext): Unit = watched.synchronized {
    if (watched.add(sc)) {
      sc.addSparkListener(new SparkListener {
        override def onApplicationEnd(end: SparkListenerApplicationEnd): Unit = WorkerPool.evictAll()
      })
    }
  }
}
