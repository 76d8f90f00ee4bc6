package ferrodl.engine

/** A native optimisation method with its schedule, clipping and state (step count, buffers). */
final class NativeOptim(handle: Long) extends NativeHandle("NativeOptim", handle, h => Native.freeOptim(h)) {

  /** Clips `grads` and updates `weights` in place, in `epoch` (1-based). */
  def step(weights: Array[Float], grads: Array[Float], epoch: Int = 1): Unit =
    withHandle(h => Native.optimStep(h, weights, grads, epoch))

  /** The learning rate the next step uses in `epoch`. */
  def currentRate(epoch: Int = 1): Double = withHandle(h => Native.optimRate(h, epoch))

  /** Reports the value a `Plateau` schedule monitors (validation score or training loss). */
  def observe(value: Double): Unit = withHandle(h => Native.optimObserve(h, value))

  def getState(): Array[Byte] = withHandle(Native.getOptimState)

  def setState(state: Array[Byte]): Unit = withHandle(h => Native.setOptimState(h, state))
}
