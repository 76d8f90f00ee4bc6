package ferrodl.engine

/** A native optimisation method with its state (step count, momentum buffers). */
final class NativeOptim(handle: Long) extends NativeHandle("NativeOptim", handle, h => Native.freeOptim(h)) {

  /** Updates `weights` in place from `grads`. */
  def step(weights: Array[Float], grads: Array[Float]): Unit = withHandle(h => Native.optimStep(h, weights, grads))

  /** The learning rate the next step uses. */
  def currentRate(): Double = withHandle(Native.optimRate)

  def getState(): Array[Byte] = withHandle(Native.getOptimState)

  def setState(state: Array[Byte]): Unit = withHandle(h => Native.setOptimState(h, state))
}
