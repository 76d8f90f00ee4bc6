package ferrodl.engine

/** A native optimisation method with its schedule, clipping and state (step count, buffers). */
final class NativeOptim(handle: Long) extends NativeHandle("NativeOptim", handle, h => Native.freeOptim(h)) {

  /** Clips `grads` and updates `weights` in place, in `epoch` (1-based). */
  def step(weights: Array[Float], grads: Array[Float], epoch: Int = 1): Unit =
    withHandle(h => Native.optimStep(h, weights, grads, epoch))

  /**
   * A step that evaluates the loss several times (LBFGS with a line search): `evaluate(w)` gives
   * the loss and gradient at `w`. Starts at `weights` (loss `loss`, gradient `grads`, which are
   * clipped in place) and writes the step's result into `weights`; `weights` keep their value if
   * an evaluation throws. Returns the number of evaluations after the first.
   */
  def searchStep(
      weights: Array[Float],
      grads: Array[Float],
      loss: Double,
      epoch: Int
  )(evaluate: Array[Float] => (Double, Array[Float])): Int = {
    val trial = weights.clone()
    var more = withHandle(h => Native.optimBeginSearch(h, trial, grads, loss, epoch))
    var evaluations = 0
    while (more) {
      val (f, g) = evaluate(trial.clone())
      evaluations += 1
      more = withHandle(h => Native.optimFeedSearch(h, trial, g, f))
    }
    System.arraycopy(trial, 0, weights, 0, weights.length)
    evaluations
  }

  /** The learning rate the next step uses in `epoch`. */
  def currentRate(epoch: Int = 1): Double = withHandle(h => Native.optimRate(h, epoch))

  /** Reports the value a `Plateau` schedule monitors (validation score or training loss). */
  def observe(value: Double): Unit = withHandle(h => Native.optimObserve(h, value))

  def getState(): Array[Byte] = withHandle(Native.getOptimState)

  def setState(state: Array[Byte]): Unit = withHandle(h => Native.setOptimState(h, state))
}
