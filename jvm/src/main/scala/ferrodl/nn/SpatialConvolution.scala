package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * 2-D convolution over `[batch, nInputPlane, H, W]` (or `[nInputPlane, H, W]`) images, as BigDL's
 * `SpatialConvolution`. `padW = padH = -1` means SAME padding. Weights
 * `[nGroup, nOutputPlane/nGroup, nInputPlane/nGroup, kernelH, kernelW]` then bias `[nOutputPlane]`,
 * initialised uniformly in ±1/√(kernelW·kernelH·nInputPlane).
 */
class SpatialConvolution(
    val nInputPlane: Int,
    val nOutputPlane: Int,
    val kernelW: Int,
    val kernelH: Int,
    val strideW: Int = 1,
    val strideH: Int = 1,
    val padW: Int = 0,
    val padH: Int = 0,
    val nGroup: Int = 1,
    val propagateBack: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null,
    val withBias: Boolean = true
) extends AbstractModule {
  require(
    Seq(nInputPlane, nOutputPlane, kernelW, kernelH, strideW, strideH, nGroup).forall(_ > 0),
    s"SpatialConvolution: planes, kernel, stride and nGroup must be positive"
  )
  require(nInputPlane % nGroup == 0 && nOutputPlane % nGroup == 0, s"nGroup $nGroup must divide both plane counts")
  require((padW == -1 && padH == -1) || (padW >= 0 && padH >= 0), s"padding must be >= 0, or -1 for SAME")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputPlane" -> SpecAttr.int(nInputPlane),
    "nOutputPlane" -> SpecAttr.int(nOutputPlane),
    "kernelW" -> SpecAttr.int(kernelW),
    "kernelH" -> SpecAttr.int(kernelH),
    "strideW" -> SpecAttr.int(strideW),
    "strideH" -> SpecAttr.int(strideH),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "nGroup" -> SpecAttr.int(nGroup),
    "propagateBack" -> SpecAttr.bool(propagateBack),
    "withBias" -> SpecAttr.bool(withBias)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"SpatialConvolution($nInputPlane -> $nOutputPlane, $kernelW x $kernelH, $strideW, $strideH, $padW, $padH)"
}

object SpatialConvolution {
  def apply(
      nInputPlane: Int,
      nOutputPlane: Int,
      kernelW: Int,
      kernelH: Int,
      strideW: Int = 1,
      strideH: Int = 1,
      padW: Int = 0,
      padH: Int = 0,
      nGroup: Int = 1,
      propagateBack: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null,
      withBias: Boolean = true
  ): SpatialConvolution =
    new SpatialConvolution(
      nInputPlane,
      nOutputPlane,
      kernelW,
      kernelH,
      strideW,
      strideH,
      padW,
      padH,
      nGroup,
      propagateBack,
      wRegularizer,
      bRegularizer,
      withBias
    )
}
