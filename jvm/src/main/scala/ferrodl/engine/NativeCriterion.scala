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

  /** The loss on a tensor or table input and target. */
  def forwardActivity(input: ferrodl.nn.abstractnn.Activity, target: ferrodl.nn.abstractnn.Activity): Double =
    withHandle { h =>
      val ((xd, xl), (td, tl)) = (ActivityCodec.encode(input), ActivityCodec.encode(target))
      Native.criterionForwardTable(h, xd, xl, td, tl)
    }

  /** The input gradient for a tensor or table input; it has the structure of `input`. */
  def backwardActivity(
      input: ferrodl.nn.abstractnn.Activity,
      target: ferrodl.nn.abstractnn.Activity
  ): ferrodl.nn.abstractnn.Activity =
    withHandle { h =>
      val ((xd, xl), (td, tl)) = (ActivityCodec.encode(input), ActivityCodec.encode(target))
      ActivityCodec.decode(Native.criterionBackwardTable(h, xd, xl, td, tl), xl)
    }
}
