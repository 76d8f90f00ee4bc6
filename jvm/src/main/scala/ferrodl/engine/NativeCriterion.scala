package ferrodl.engine

import ferrodl.tensor.Tensor

/** A native loss function. */
final class NativeCriterion(spec: Array[Byte])
    extends NativeHandle("NativeCriterion", Native.createCriterion(spec), h => Native.freeCriterion(h)) {

  private[engine] def withCriterion[A](f: Long => A): A = withHandle(f)

  def forward(input: Tensor, target: Tensor): Double =
    withHandle(h => Native.criterionForward(h, input.storage, input.size, target.storage, target.size))

  def backward(input: Tensor, target: Tensor): Tensor =
    withHandle(h =>
      Tensor(Native.criterionBackward(h, input.storage, input.size, target.storage, target.size), input.size.clone())
    )
}
