package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Normalises each of `nOutput` features of `[batch, nOutput]` by batch statistics in training and
 * by running statistics in evaluation, as BigDL's `BatchNormalization`. The running statistics
 * are the module's buffers; distributed training averages them across partitions every iteration.
 * Weight (γ) initialises uniformly in [0, 1), bias (β) to 0.
 */
class BatchNormalization(
    val nOutput: Int,
    val eps: Double = 1e-5,
    val momentum: Double = 0.1,
    val affine: Boolean = true
) extends AbstractModule {
  require(nOutput > 0 && eps > 0 && momentum >= 0 && momentum <= 1, s"$kind: nOutput > 0, eps > 0, momentum in [0, 1]")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nOutput" -> SpecAttr.int(nOutput),
    "eps" -> SpecAttr.floats(Seq(eps)),
    "momentum" -> SpecAttr.floats(Seq(momentum)),
    "affine" -> SpecAttr.bool(affine)
  )
}

object BatchNormalization {
  def apply(nOutput: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Boolean = true): BatchNormalization =
    new BatchNormalization(nOutput, eps, momentum, affine)
}

/** BatchNormalization over the channels of `[batch, nOutput, H, W]` images. */
class SpatialBatchNormalization(nOutput: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Boolean = true)
    extends BatchNormalization(nOutput, eps, momentum, affine)

object SpatialBatchNormalization {
  def apply(
      nOutput: Int,
      eps: Double = 1e-5,
      momentum: Double = 0.1,
      affine: Boolean = true
  ): SpatialBatchNormalization =
    new SpatialBatchNormalization(nOutput, eps, momentum, affine)
}
