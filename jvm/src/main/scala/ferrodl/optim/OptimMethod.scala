package ferrodl.optim

import ferrodl.engine.{Native, NativeOptim}

/**
 * An optimisation method. The update runs natively on the driver; the method's state (step count,
 * momentum buffers) lives in the native object while training and is kept here between runs.
 */
abstract class OptimMethod extends Serializable {

  /** The serialised state after the last `optimize()`, or null before the first. */
  var state: Array[Byte] = _

  /** Creates the native method, restoring `state` if there is one. */
  private[ferrodl] def createNative(): NativeOptim

  /** A short description for logs. */
  def describe(): String
}

/**
 * Stochastic gradient descent, as BigDL's `SGD`. The learning rate at step t (from 0) is
 * `learningRate / (1 + t * learningRateDecay)`. `dampening` defaults to `momentum`.
 */
class SGD(
    var learningRate: Double = 1e-3,
    var learningRateDecay: Double = 0.0,
    var weightDecay: Double = 0.0,
    var momentum: Double = 0.0,
    var dampening: Double = Double.MaxValue,
    var nesterov: Boolean = false
) extends OptimMethod {

  override private[ferrodl] def createNative(): NativeOptim = {
    val damp = if (dampening == Double.MaxValue) momentum else dampening
    val o = new NativeOptim(Native.createSgd(learningRate, learningRateDecay, weightDecay, momentum, damp, nesterov))
    if (state != null) {
      try o.setState(state)
      catch { case e: Throwable => o.close(); throw e }
    }
    o
  }

  override def describe(): String =
    s"SGD(learningRate=$learningRate, learningRateDecay=$learningRateDecay, weightDecay=$weightDecay, momentum=$momentum)"
}
