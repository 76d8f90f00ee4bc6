package ferrodl.engine

/**
 * `ferrodl.native.memoryLimit`: caps the native heap of the engine in this JVM (model weights
 * and gradients, activations, convolution workspaces, scratch). Bytes, or with a `k`, `m` or `g`
 * suffix (`512m`); `0` or unset means no cap. A layer whose allocations take the engine past it
 * fails with an `IllegalStateException` ("native memory limit 64m exceeded by layer X needing N
 * bytes"); its buffers are freed and the JVM goes on working.
 *
 * Where it is read: the JVM system property `ferrodl.native.memoryLimit`, else the Spark
 * configuration key `spark.ferrodl.native.memoryLimit` (or `ferrodl.native.memoryLimit`) of the
 * running SparkContext or executor. Training applies it when it starts and in every task; call
 * [[MemoryLimit.set]] to set it directly.
 */
object MemoryLimit {
  private val Key = "ferrodl.native.memoryLimit"
  @volatile private var applied: String = null

  /** Sets the cap ("64m", "2g", bytes; "0" removes it); returns it in bytes. */
  def set(limit: String): Long = synchronized {
    val bytes = Native.setMemoryLimit(limit)
    applied = limit
    bytes
  }

  /** The bytes the engine holds now. */
  def inUse: Long = Native.memoryInUse()

  /** The configured value, if any: the system property, else the Spark configuration. */
  def configured: Option[String] =
    sys.props.get(Key).orElse {
      Option(org.apache.spark.SparkEnv.get).flatMap(env =>
        env.conf.getOption(s"spark.$Key").orElse(env.conf.getOption(Key))
      )
    }

  /** Applies the configured value when it differs from the last one applied. */
  def sync(): Unit = configured.foreach(v => if (v != applied) set(v))
}
