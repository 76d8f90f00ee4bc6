package ferrodl.engine

import java.lang.ref.Cleaner

/**
 * The one owner of one native handle. `close()` is idempotent; a Cleaner frees the handle if the
 * owner is garbage-collected unclosed. Calls on the handle are serialised, and none can run
 * after (or during) the free.
 */
abstract class NativeHandle(kind: String, handle: Long, free: Long => Unit) extends AutoCloseable {
  private val state = new NativeHandle.State(handle, free)
  private val cleanable = NativeHandle.cleaner.register(this, state)

  /** Runs `f` with the live handle; throws IllegalStateException once closed. */
  protected final def withHandle[A](f: Long => A): A = state.synchronized {
    if (state.handle == 0L) throw new IllegalStateException(s"$kind is closed")
    f(state.handle)
  }

  final def isClosed: Boolean = state.synchronized(state.handle == 0L)

  override final def close(): Unit = cleanable.clean()
}

object NativeHandle {
  private val cleaner: Cleaner = Cleaner.create()

  /** The cleaning action; it must not refer to its owner, or the owner could never be collected. */
  private final class State(var handle: Long, free: Long => Unit) extends Runnable {
    override def run(): Unit = synchronized {
      if (handle != 0L) {
        val h = handle
        handle = 0L
        free(h)
      }
    }
  }
}
