package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import org.apache.spark.rdd.RDD
import org.apache.spark.storage.StorageLevel
import org.slf4j.LoggerFactory

/** What one partition sends back for one iteration; partial results add up in `treeReduce`. */
final class GradPart(
    val grads: Array[Float],
    val buffers: Array[Float],
    var parts: Int,
    var lossSum: Double,
    var norm: Double,
    var count: Long,
    var fetchNanos: Long,
    var computeNanos: Long
) extends Serializable {

  def merge(o: GradPart): GradPart = {
    var i = 0
    while (i < grads.length) { grads(i) += o.grads(i); i += 1 }
    i = 0
    while (i < buffers.length) { buffers(i) += o.buffers(i); i += 1 }
    parts += o.parts
    lossSum += o.lossSum
    norm += o.norm
    count += o.count
    fetchNanos = math.max(fetchNanos, o.fetchNanos)
    computeNanos = math.max(computeNanos, o.computeNanos)
    this
  }
}

/** Where one iteration's time went, in milliseconds. */
final case class IterationTiming(broadcastMs: Double, computeMs: Double, aggregateMs: Double, totalMs: Double)

/**
 * Synchronous data-parallel SGD on Spark. Per iteration: the driver broadcasts the flat weights,
 * every partition runs forward and backward natively on its share of the global batch, the
 * gradient sums come back by `treeReduce`, and the driver applies the optimisation method.
 */
class DistriOptimizer(model: AbstractModule, dataset: RDD[Sample], criterion: AbstractCriterion, batchSize: Int)
    extends Optimizer(model, criterion, batchSize) {

  private val log = LoggerFactory.getLogger(classOf[DistriOptimizer])

  /** Timings of every iteration of the last `optimize()`. */
  @volatile var timings: Vector[IterationTiming] = Vector.empty

  override def optimize(): AbstractModule = {
    val sc = dataset.sparkContext
    val partitions = math.max(1, sc.defaultParallelism)
    val modelSpec = model.toSpec.encode()
    val critSpec = criterion.toSpec.encode()
    val key = Batching.key(modelSpec, critSpec)
    val shuffleSeed = seed
    // Always shuffle once: besides balancing, it cuts the lineage, so iteration tasks never carry
    // the source partitions (a parallelized collection would ship its data with every task).
    val data = dataset
      .repartition(partitions)
      .mapPartitions(it => Iterator.single(DataBlock.pack(it)))
      .setName("ferrodl training data")
    data.persist(StorageLevel.MEMORY_AND_DISK)
    val optim = optimMethod.createNative(clipping)
    try {
      sc.setJobDescription("ferrodl: caching training data")
      val numSamples = data.map(_.count.toLong).sum().toLong
      require(numSamples > 0, "the training RDD is empty")
      val start0 = model.getState()
      val weights = start0.weights
      var buffers = start0.buffers
      log.info(
        s"Training ${model.getName()} (${weights.length} parameters) on $numSamples records in $partitions partitions, " +
          s"batch $batchSize, ${optimMethod.describe()}, until $endWhen" +
          (if (clipping.isEmpty) "" else s", clipping ${clipping.map(a => s"${a._1}=${a._2}").mkString(", ")}")
      )
      var epoch = 1
      var iteration = 1
      var recordsThisEpoch = 0L
      var state = TrainingState(epoch, iteration, Double.NaN, epochFinished = false)
      val start = System.nanoTime()
      var epochStart = start
      timings = Vector.empty
      while (!endWhen(state)) {
        val t0 = System.nanoTime()
        val bc = sc.broadcast(ModelState(weights, buffers))
        val t1 = System.nanoTime()
        val it0 = (iteration - 1).toLong
        val global = batchSize
        sc.setJobDescription(s"ferrodl: epoch $epoch iteration $iteration")
        val part = data
          .mapPartitionsWithIndex { (pid, blocks) =>
            val block = blocks.next()
            val b = math.min(Executors.perPartition(global, partitions, pid), Int.MaxValue)
            if (b == 0 || block.count == 0) Iterator.empty
            else {
              val f0 = System.nanoTime()
              val state = bc.value
              val f1 = System.nanoTime()
              val (x, y) = block.batchAt(it0, b, shuffleSeed * 7919L + pid)
              val grads = new Array[Float](state.weights.length)
              var newBuffers: Array[Float] = Array.emptyFloatArray
              val (loss, norm) = Executors.withWorker(key, modelSpec, Some(critSpec)) { worker =>
                worker.model.setState(state)
                val r =
                  worker.model.trainBatch(worker.criterion.get, x, y, grads, (shuffleSeed * 31 + it0) * 8191 + pid)
                newBuffers = worker.model.getBuffers()
                r
              }
              Iterator.single(new GradPart(grads, newBuffers, 1, loss, norm, b, f1 - f0, System.nanoTime() - f1))
            }
          }
          .treeReduce((a, b) => a.merge(b))
        val t2 = System.nanoTime()
        bc.destroy()
        if (part.norm > 0) {
          val scale = (1.0 / part.norm).toFloat
          var i = 0
          while (i < part.grads.length) { part.grads(i) *= scale; i += 1 }
        }
        if (buffers.nonEmpty) buffers = part.buffers.map(_ / part.parts)
        val rate = optim.currentRate(epoch)
        optim.step(weights, part.grads, epoch)
        val t3 = System.nanoTime()
        val loss = if (part.norm > 0) part.lossSum / part.norm else part.lossSum
        val timing = IterationTiming(
          (t1 - t0 + part.fetchNanos) / 1e6,
          part.computeNanos / 1e6,
          math.max(0L, t2 - t1 - part.fetchNanos - part.computeNanos) / 1e6,
          (t3 - t0) / 1e6
        )
        timings = timings :+ timing
        recordsThisEpoch += part.count
        val epochDone = recordsThisEpoch >= numSamples
        log.info(
          f"[Epoch $epoch $recordsThisEpoch/$numSamples][Iteration $iteration][Wall Clock ${(t3 - start) / 1e9}%.3fs] " +
            f"Trained ${part.count} records in ${(t3 - t0) / 1e9}%.4f seconds. Throughput is ${part.count / ((t3 - t0) / 1e9)}%.1f records/second. " +
            f"Loss is $loss%.5f. Learning rate $rate%.5g. (broadcast ${timing.broadcastMs}%.1f ms, compute ${timing.computeMs}%.1f ms, " +
            f"aggregate ${timing.aggregateMs}%.1f ms)"
        )
        if (!java.lang.Double.isFinite(loss)) {
          throw new IllegalStateException(
            s"loss became $loss at epoch $epoch iteration $iteration; lower the learning rate"
          )
        }
        iteration += 1
        if (epochDone) { epoch += 1; recordsThisEpoch = 0 }
        state = TrainingState(epoch, iteration, loss, epochDone, state.score)
        if (epochDone) {
          val seconds = (System.nanoTime() - epochStart) / 1e9
          log.info(f"Epoch ${epoch - 1} done in $seconds%.1f s (${numSamples / seconds}%.0f records/s), loss $loss%.5f")
          epochStart = System.nanoTime()
        }
        validation.foreach { case (trigger, vData, methods, vBatch) =>
          if (trigger(state)) {
            model.setState(ModelState(weights, buffers))
            val results = model.evaluate(vData, methods, Some(vBatch))
            results.foreach { case (r, m) => log.info(s"${m.format()} is $r") }
            state = state.copy(score = results.head._1.result()._1.toDouble)
          }
        }
      }
      model.setState(ModelState(weights, buffers))
      optimMethod.state = optim.getState()
      model
    } finally {
      optim.close()
      data.unpersist(blocking = false)
      sc.setJobDescription(null)
    }
  }
}
