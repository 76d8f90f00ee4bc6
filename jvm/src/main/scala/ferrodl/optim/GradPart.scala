package ferrodl.optim

/**
 * What one replica (a partition, or a local thread) sends back for one iteration: the sum of
 * its gradients and buffers, with its loss sum and normaliser. Partial results add up with
 * `merge` (in `treeReduce` on Spark).
 */
final class GradPart(
    val grads: Array[Float],
    val buffers: Array[Float],
    var parts: Int,
    var lossSum: Double,
    var norm: Double,
    var count: Long,
    var fetchNanos: Long,
    var computeNanos: Long,
    var broadcastNanos: Long = 0L
) extends Serializable {

  /** A replica's non-finite error (see [[NaNPolicy]]), or null; the first one met is kept. */
  var nonFinite: String = null

  /** This result with `g` as its gradient sum (local training adds its replicas' natively). */
  def withGrads(g: Array[Float]): GradPart = {
    val p = new GradPart(g, buffers, parts, lossSum, norm, count, fetchNanos, computeNanos, broadcastNanos)
    p.nonFinite = nonFinite
    p
  }

  def merge(o: GradPart): GradPart = {
    var i = 0
    while (i < grads.length) { grads(i) += o.grads(i); i += 1 }
    i = 0
    while (i < buffers.length) { buffers(i) += o.buffers(i); i += 1 }
    if (nonFinite == null) nonFinite = o.nonFinite
    parts += o.parts
    lossSum += o.lossSum
    norm += o.norm
    count += o.count
    fetchNanos = math.max(fetchNanos, o.fetchNanos)
    computeNanos = math.max(computeNanos, o.computeNanos)
    this
  }
}

/**
 * Where one iteration's time went, in milliseconds: sending the weights, the replicas' forward
 * and backward (the slowest one), adding up their results, and the driver's update (the
 * non-finite checks, normalising and the optimisation method's step).
 */
final case class IterationTiming(
    broadcastMs: Double,
    computeMs: Double,
    aggregateMs: Double,
    totalMs: Double,
    updateMs: Double = 0.0
)
