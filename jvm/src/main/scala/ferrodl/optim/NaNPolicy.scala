package ferrodl.optim

import ferrodl.engine.Native
import ferrodl.nn.abstractnn.AbstractModule

/**
 * What training does when a NaN or an infinity appears in an iteration's loss, gradients or
 * updated weights (`Optimizer.setNaNPolicy`, or the `ferrodl.nanPolicy` system property or
 * Spark configuration key, default `fail`):
 *  - `fail` stops training with an `IllegalArgumentException` that names the iteration and the
 *    layer (for gradients and weights, the first layer whose slice holds the value);
 *  - `skip` drops that iteration's update (weights, buffers and the method's state stay as they
 *    were), logs a warning with the same text and counts it in `Optimizer.skippedBatches`.
 *
 * NaN or infinity in the training data itself is found per row before training starts (an error
 * naming the partition and row, or `setDropInvalidSamples(true)` to leave such rows out).
 */
private[optim] object NaNPolicy extends ChoiceSetting("ferrodl.nanPolicy", Seq("fail", "skip"), "fail") {
  val Fail = "fail"
  val Skip = "skip"

  /** The policy in force: the optimizer's own, else `ferrodl.nanPolicy`, else `fail`. */
  def current(opt: Optimizer): String = resolve(opt.nanPolicy, opt)

  /** The engine's "... non-finite value ..." errors (its `NonFinite` error). */
  def isNonFinite(e: Throwable): Boolean =
    e.isInstanceOf[IllegalArgumentException] && Option(e.getMessage).exists(_.contains("non-finite value"))

  private val FlatIndex = """(?s).*gradient contains a non-finite value.* at flat index (\d+).*""".r

  /**
   * A replica's result for a batch whose forward or backward met a non-finite value: no gradient,
   * the engine's message (with the layer that owns a gradient's flat index) for the driver.
   */
  def failedPart(e: Throwable, where: String, numWeights: Int, numBuffers: Int, count: Long): GradPart = {
    val part = new GradPart(new Array[Float](numWeights), new Array[Float](numBuffers), 1, 0.0, 0.0, count, 0L, 0L)
    part.nonFinite = s"$where: ${e.getMessage}"
    part
  }

  /** The innermost layer whose slice of the flat buffer holds `index`. */
  def layerAt(model: AbstractModule, index: Int): String =
    model.parameterRanges
      .filter { case (_, o, n) => index >= o && index < o + n }
      .lastOption
      .map { case (m, o, _) => s"layer ${m.getName()} (its parameter ${index - o})" }
      .getOrElse(s"flat index $index")

  /** The index of the first non-finite value of `values`, or -1 (a vectorised native pass). */
  def firstNonFinite(values: Array[Float]): Int = Native.firstNonFinite(values)

  /**
   * What is wrong with an iteration's summed result, if anything: a replica's engine error, the
   * loss, or the gradient (`badGradient`: the index of its first non-finite value, or -1); each
   * names the layer where it can.
   */
  def problemOf(part: GradPart, model: AbstractModule, loss: Double, badGradient: Int): Option[String] =
    Option(part.nonFinite)
      .map { m =>
        m match {
          case FlatIndex(i) => s"$m (${layerAt(model, i.toInt)})"
          case _ => m
        }
      }
      .orElse(if (java.lang.Double.isFinite(loss)) None else Some(s"the loss is $loss"))
      .orElse {
        if (badGradient < 0) None
        else Some(s"the summed gradient is ${part.grads(badGradient)} in ${layerAt(model, badGradient)}")
      }

  /** What is wrong with the weights after an update, if anything. */
  def problemOfWeights(weights: Array[Float], model: AbstractModule): Option[String] = {
    val i = firstNonFinite(weights)
    if (i < 0) None else Some(s"the update made a weight ${weights(i)} in ${layerAt(model, i)}")
  }
}
