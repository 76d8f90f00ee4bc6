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

  /**
   * The gradient as bfloat16 bits when this part was packed for the trip to the driver (see
   * [[GradientCompression]]); `grads` is then empty. Null when the gradient is in `grads`.
   */
  var packed: Array[Short] = null

  /**
   * With local SGD ([[LocalSgd]]): the sum of the replicas' encoded optimiser states, whose
   * average the driver takes; `grads` then holds the weights' displacement. Null otherwise.
   */
  var methodState: Array[Byte] = null

  /** This result with `g` as its gradient sum (local training adds its replicas' natively). */
  def withGrads(g: Array[Float]): GradPart = {
    val p = new GradPart(g, buffers, parts, lossSum, norm, count, fetchNanos, computeNanos, broadcastNanos)
    p.nonFinite = nonFinite
    p.methodState = methodState
    p
  }

  /** This result with its gradient packed into bfloat16 (half the bytes), natively. */
  def pack(): GradPart =
    if (packed != null) this
    else {
      val bits = new Array[Short](grads.length)
      ferrodl.engine.Native.packBf16(grads, bits)
      val p = withGrads(Array.emptyFloatArray)
      p.packed = bits
      p
    }

  /** This result with its gradient in `grads` (unpacked if it was packed). */
  def unpacked(): GradPart =
    if (packed == null) this
    else {
      val g = new Array[Float](packed.length)
      ferrodl.engine.Native.addBf16(packed, g)
      withGrads(g)
    }

  /** Adds `o` into this result (or, when this one is packed, into an unpacked copy). */
  def merge(o: GradPart): GradPart =
    if (packed != null) unpacked().merge(o)
    else {
      if (o.packed != null) ferrodl.engine.Native.addBf16(o.packed, grads)
      else {
        var i = 0
        while (i < grads.length) { grads(i) += o.grads(i); i += 1 }
      }
      addRest(o)
    }

  private def addRest(o: GradPart): GradPart = {
    var i = 0
    while (i < buffers.length) { buffers(i) += o.buffers(i); i += 1 }
    if (nonFinite == null) nonFinite = o.nonFinite
    if (methodState == null) methodState = o.methodState
    else if (o.methodState != null) methodState = ferrodl.engine.Native.addOptimStates(methodState, o.methodState)
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
 * non-finite checks, normalising and the optimisation method's step). With local SGD one timing
 * covers a round of `iterations` iterations.
 */
final case class IterationTiming(
    broadcastMs: Double,
    computeMs: Double,
    aggregateMs: Double,
    totalMs: Double,
    updateMs: Double = 0.0,
    iterations: Int = 1
)
