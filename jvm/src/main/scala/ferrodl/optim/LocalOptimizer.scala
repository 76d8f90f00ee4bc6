package ferrodl.optim

import java.util.concurrent.{Callable, ExecutorService, Executors => JExecutors, ThreadFactory}

import ferrodl.engine.Worker
import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}

/**
 * Trains in this JVM on in-memory samples, without Spark (BigDL's `LocalOptimizer`). The data is
 * dealt into one shard per thread, as Spark deals it into partitions, and every iteration each
 * thread runs forward and backward natively on its share of the global batch with its own native
 * replica; the gradient sums are added up and the driver loop applies the method. With the same
 * number of threads as partitions, it computes what [[DistriOptimizer]] computes.
 *
 * `threads` defaults to the `ferrodl.local.threads` system property, else the number of cores.
 */
class LocalOptimizer(
    model: AbstractModule,
    samples: Array[Sample],
    criterion: AbstractCriterion,
    batchSize: Int,
    threads: Int = LocalOptimizer.defaultThreads
) extends Optimizer(model, criterion, batchSize) {
  require(threads > 0, s"threads must be positive, got $threads")

  private var shards: Array[DataBlock] = _
  private var workers: Array[Worker] = _
  private var pool: ExecutorService = _
  // The gradient array of the last iteration the training loop handed back: reused, since a
  // fresh multi-megabyte array costs more (allocation, zeroing) than the sum written into it.
  private var spare: Array[Float] = _

  override private[optim] def prepare(): Long = {
    ferrodl.engine.MemoryLimit.sync()
    val sorted = DataBlock.pack(samples.iterator, 0, dropInvalidSamples)
    droppedSamples = sorted.dropped.toLong
    val n = math.min(threads, math.max(1, sorted.count))
    // Deal records round-robin into n shards, as a shuffle would spread them over partitions.
    shards = Array.tabulate(n)(s => sorted.select((s until sorted.count by n).toArray))
    val modelSpec = model.toSpec.encode()
    val critSpec = criterion.toSpec.encode()
    workers = Array.fill(n)(null)
    for (i <- 0 until n) {
      val m = new ferrodl.engine.NativeModel(modelSpec, 0L)
      workers(i) =
        try new Worker(m, Some(new ferrodl.engine.NativeCriterion(critSpec)))
        catch { case e: Throwable => m.close(); throw e }
    }
    pool = JExecutors.newFixedThreadPool(n, LocalOptimizer.daemonThreads)
    samples.length.toLong
  }

  override private[optim] def describeData: String = s"in this JVM with ${shards.length} threads"

  override private[optim] def computeGradients(
      state: ModelState,
      iteration: Long,
      seed: Long,
      label: String
  ): GradPart = {
    val tasks = shards.indices.map { pid =>
      pool.submit(new Callable[Option[(Int, GradPart)]] {
        override def call(): Option[(Int, GradPart)] = {
          val b = Executors.perPartition(batchSize, shards.length, pid)
          val block = shards(pid)
          if (b == 0 || block.count == 0) None
          else {
            val t0 = System.nanoTime()
            val (x, y) = block.batchAt(iteration, b, seed * 7919L + pid)
            val w = workers(pid)
            w.model.setState(state)
            try {
              // The gradients stay in the replica; the driver adds them up natively below.
              val (loss, norm) =
                w.model.trainBatchActivity(w.criterion.get, x, y, null, (seed * 31 + iteration) * 8191 + pid)
              val part =
                new GradPart(Array.emptyFloatArray, w.model.getBuffers(), 1, loss, norm, b, 0L, System.nanoTime() - t0)
              Some((pid, part))
            } catch {
              case e: IllegalArgumentException if NaNPolicy.isNonFinite(e) =>
                Some((-1, NaNPolicy.failedPart(e, s"thread $pid", 0, state.buffers.length, b)))
            }
          }
        }
      })
    }
    val parts =
      try tasks.flatMap(_.get())
      catch { case e: java.util.concurrent.ExecutionException => throw e.getCause }
    val merged = parts.map(_._2).reduce((a, b) => a.merge(b))
    val n = state.weights.length
    val grads = if (spare != null && spare.length == n) spare else new Array[Float](n)
    spare = null
    ferrodl.engine.NativeModel.sumGradients(parts.collect { case (pid, _) if pid >= 0 => workers(pid).model }, grads)
    merged.withGrads(grads)
  }

  /** Keeps `part`'s gradient array (every element is overwritten by the next sum). */
  override private[optim] def recycle(part: GradPart): Unit = spare = part.grads

  override private[optim] def retryable(e: Throwable): Boolean = false

  override private[optim] def cleanup(): Unit = {
    if (pool != null) pool.shutdownNow()
    if (workers != null) workers.foreach(w => if (w != null) w.close())
    pool = null
    workers = null
    shards = null
    spare = null
  }
}

object LocalOptimizer {
  def defaultThreads: Int =
    sys.props.get("ferrodl.local.threads").map(_.trim.toInt).getOrElse(Runtime.getRuntime.availableProcessors())

  private val daemonThreads: ThreadFactory = new ThreadFactory {
    private val n = new java.util.concurrent.atomic.AtomicInteger()
    override def newThread(r: Runnable): Thread = {
      val t = new Thread(r, s"ferrodl-local-${n.incrementAndGet()}")
      t.setDaemon(true)
      t
    }
  }

  def apply(
      model: AbstractModule,
      samples: Array[Sample],
      criterion: AbstractCriterion,
      batchSize: Int
  ): LocalOptimizer =
    new LocalOptimizer(model, samples, criterion, batchSize)
}
