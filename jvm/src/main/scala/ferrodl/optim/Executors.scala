package ferrodl.optim

import ferrodl.engine.{Worker, WorkerPool}
import org.apache.spark.TaskContext

/** How Spark tasks borrow the executor's cached native workers, and always give them back. */
private[ferrodl] object Executors {

  /** Runs `f` with a worker, returning it to the pool afterwards (closing it if `f` failed). */
  def withWorker[A](key: String, model: Array[Byte], criterion: Option[Array[Byte]])(f: Worker => A): A = {
    val w = WorkerPool.borrow(key, model, criterion)
    var ok = false
    try {
      val r = f(w)
      ok = true
      r
    } finally {
      if (ok) WorkerPool.release(key, w) else w.close()
    }
  }

  /** Borrows a worker for the rest of the current task; it is returned when the task completes. */
  def workerForTask(key: String, model: Array[Byte]): Worker = {
    val w = WorkerPool.borrow(key, model, None)
    val ctx = TaskContext.get()
    if (ctx == null) w
    else {
      ctx.addTaskCompletionListener[Unit] { c =>
        if (c.isInterrupted() || c.isFailed()) w.close() else WorkerPool.release(key, w)
      }
      w
    }
  }

  /** How many records each partition's batch gets when a global batch is split across partitions. */
  def perPartition(globalBatch: Int, partitions: Int, index: Int): Int =
    globalBatch / partitions + (if (index < globalBatch % partitions) 1 else 0)
}
