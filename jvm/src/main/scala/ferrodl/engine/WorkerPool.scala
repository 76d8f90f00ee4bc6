package ferrodl.engine

import java.util.concurrent.{ConcurrentHashMap, ConcurrentLinkedQueue}
import java.util.concurrent.atomic.AtomicLong

import scala.collection.JavaConverters._

/** A native model and criterion a Spark task trains with. */
final class Worker(val model: NativeModel, val criterion: Option[NativeCriterion]) extends AutoCloseable {
  override def close(): Unit = {
    model.close()
    criterion.foreach(_.close())
  }
}

/**
 * Native models cached per executor JVM, so that tasks do not rebuild them every iteration.
 * Tasks running at the same time each borrow their own worker; a task returns it when it ends
 * (in `finally`). Keyed by the model description, so a new model never reuses a stale worker.
 * At most `MaxKeys` models are cached: borrowing for another one frees the idle workers of the
 * least recently used. `evictAll` (called when the SparkContext stops) frees every idle worker.
 */
object WorkerPool {
  val MaxIdlePerKey = 64
  val MaxKeys = 4
  private val pools = new ConcurrentHashMap[String, ConcurrentLinkedQueue[Worker]]()
  private val lastUse = new ConcurrentHashMap[String, java.lang.Long]()
  private val clock = new AtomicLong()

  private def pool(key: String) = {
    lastUse.put(key, clock.incrementAndGet())
    pools.computeIfAbsent(key, _ => new ConcurrentLinkedQueue[Worker]())
  }

  def borrow(key: String, modelSpec: Array[Byte], criterionSpec: Option[Array[Byte]]): Worker = {
    val cached = pool(key).poll()
    if (cached != null) cached
    else {
      trim(key)
      val model = new NativeModel(modelSpec, 0L)
      try new Worker(model, criterionSpec.map(s => new NativeCriterion(s)))
      catch { case e: Throwable => model.close(); throw e }
    }
  }

  def release(key: String, worker: Worker): Unit = {
    val p = pool(key)
    if (p.size() < MaxIdlePerKey) p.offer(worker) else worker.close()
  }

  /** Frees the idle workers of the least recently used models beyond `MaxKeys`, never `keep`'s. */
  private def trim(keep: String): Unit = synchronized {
    val byAge = lastUse.asScala.toSeq.sortBy(_._2.longValue).map(_._1).filter(_ != keep)
    byAge.take(math.max(0, lastUse.size - MaxKeys)).foreach(evict)
  }

  /** Closes and forgets every idle worker of `key`. */
  def evict(key: String): Unit = {
    lastUse.remove(key)
    val p = pools.remove(key)
    if (p != null) {
      var w = p.poll()
      while (w != null) { w.close(); w = p.poll() }
    }
  }

  /** Closes every idle worker. */
  def evictAll(): Unit = pools.keySet().asScala.toList.foreach(evict)

  /** The number of idle workers (for tests). */
  def idle: Int = pools.values().asScala.map(_.size()).sum
}
