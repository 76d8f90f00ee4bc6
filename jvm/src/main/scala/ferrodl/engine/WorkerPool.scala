package ferrodl.engine

import java.util.concurrent.{ConcurrentHashMap, ConcurrentLinkedQueue}

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
 */
object WorkerPool {
  private val MaxIdlePerKey = 64
  private val pools = new ConcurrentHashMap[String, ConcurrentLinkedQueue[Worker]]()

  private def pool(key: String) = pools.computeIfAbsent(key, _ => new ConcurrentLinkedQueue[Worker]())

  def borrow(key: String, modelSpec: Array[Byte], criterionSpec: Option[Array[Byte]]): Worker = {
    val cached = pool(key).poll()
    if (cached != null) cached
    else {
      val model = new NativeModel(modelSpec, 0L)
      try new Worker(model, criterionSpec.map(s => new NativeCriterion(s)))
      catch { case e: Throwable => model.close(); throw e }
    }
  }

  def release(key: String, worker: Worker): Unit = {
    val p = pool(key)
    if (p.size() < MaxIdlePerKey) p.offer(worker) else worker.close()
  }

  /** Closes and forgets every idle worker of `key` (e.g. when training ends on the driver). */
  def evict(key: String): Unit = {
    val p = pools.remove(key)
    if (p != null) {
      var w = p.poll()
      while (w != null) { w.close(); w = p.poll() }
    }
  }
}
