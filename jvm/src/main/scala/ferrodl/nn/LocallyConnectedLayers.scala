package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * A temporal convolution with its own weights at every output frame, as BigDL's `LocallyConnected1D`. Input
 * `[batch, nInputFrame, inputFrameSize]` (or without the batch dimension); `nOutputFrame = (nInputFrame - kernelW)
 * / strideW + 1`. Weight `[nOutputFrame, outputFrameSize, kernelW·inputFrameSize]` then bias
 * `[nOutputFrame, outputFrameSize]`, initialised uniformly in ±1/√(kernelW·inputFrameSize).
 * `wRegularizer` applies to the weight, `bRegularizer` to the bias.
 */
class LocallyConnected1D(
    val nInputFrame: Int,
    val inputFrameSize: Int,
    val outputFrameSize: Int,
    val kernelW: Int,
    val strideW: Int = 1,
    val propagateBack: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(nInputFrame, inputFrameSize, outputFrameSize, kernelW, strideW).forall(_ > 0) && kernelW <= nInputFrame,
    "LocallyConnected1D: sizes must be positive and kernelW at most nInputFrame"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputFrame" -> SpecAttr.int(nInputFrame),
    "inputFrameSize" -> SpecAttr.int(inputFrameSize),
    "outputFrameSize" -> SpecAttr.int(outputFrameSize),
    "kernelW" -> SpecAttr.int(kernelW),
    "strideW" -> SpecAttr.int(strideW),
    "propagateBack" -> SpecAttr.bool(propagateBack)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"LocallyConnected1D($nInputFrame x $inputFrameSize -> $outputFrameSize, $kernelW, $strideW)"
}

object LocallyConnected1D {
  def apply(
      nInputFrame: Int,
      inputFrameSize: Int,
      outputFrameSize: Int,
      kernelW: Int,
      strideW: Int = 1,
      propagateBack: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): LocallyConnected1D =
    new LocallyConnected1D(
      nInputFrame,
      inputFrameSize,
      outputFrameSize,
      kernelW,
      strideW,
      propagateBack,
      wRegularizer,
      bRegularizer
    )
}

/**
 * A 2-D convolution with its own weights at every output pixel, as BigDL's `LocallyConnected2D`, over
 * `[batch, nInputPlane, inputHeight, inputWidth]` images (or without the batch dimension); only
 * `format = "NCHW"`. Weight `[outH·outW, nOutputPlane, nInputPlane·kernelH·kernelW]` then, when `withBias`, bias
 * `[outH·outW, nOutputPlane]`, initialised uniformly in ±1/√(kernelW·kernelH·nInputPlane).
 * `wRegularizer` applies to the weight, `bRegularizer` to the bias.
 */
class LocallyConnected2D(
    val nInputPlane: Int,
    val inputWidth: Int,
    val inputHeight: Int,
    val nOutputPlane: Int,
    val kernelW: Int,
    val kernelH: Int,
    val strideW: Int = 1,
    val strideH: Int = 1,
    val padW: Int = 0,
    val padH: Int = 0,
    val propagateBack: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null,
    val withBias: Boolean = true,
    val format: String = "NCHW"
) extends AbstractModule {
  require(
    Seq(nInputPlane, inputWidth, inputHeight, nOutputPlane, kernelW, kernelH, strideW, strideH).forall(_ > 0),
    "LocallyConnected2D: sizes, kernel and stride must be positive"
  )
  require(padW >= 0 && padH >= 0, s"LocallyConnected2D: padding must be >= 0, got $padW, $padH")
  require(
    inputWidth + 2 * padW >= kernelW && inputHeight + 2 * padH >= kernelH,
    "LocallyConnected2D: the kernel must fit in the padded input"
  )
  require(format == "NCHW", s"LocallyConnected2D: only format NCHW is supported, got $format")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputPlane" -> SpecAttr.int(nInputPlane),
    "inputWidth" -> SpecAttr.int(inputWidth),
    "inputHeight" -> SpecAttr.int(inputHeight),
    "nOutputPlane" -> SpecAttr.int(nOutputPlane),
    "kernelW" -> SpecAttr.int(kernelW),
    "kernelH" -> SpecAttr.int(kernelH),
    "strideW" -> SpecAttr.int(strideW),
    "strideH" -> SpecAttr.int(strideH),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "propagateBack" -> SpecAttr.bool(propagateBack),
    "withBias" -> SpecAttr.bool(withBias),
    "format" -> SpecAttr.Str(format)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"LocallyConnected2D($nInputPlane x $inputHeight x $inputWidth -> $nOutputPlane, $kernelW x $kernelH, " +
      s"$strideW, $strideH, $padW, $padH)"
}

object LocallyConnected2D {
  def apply(
      nInputPlane: Int,
      inputWidth: Int,
      inputHeight: Int,
      nOutputPlane: Int,
      kernelW: Int,
      kernelH: Int,
      strideW: Int = 1,
      strideH: Int = 1,
      padW: Int = 0,
      padH: Int = 0,
      propagateBack: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null,
      withBias: Boolean = true,
      format: String = "NCHW"
  ): LocallyConnected2D =
    new LocallyConnected2D(
      nInputPlane,
      inputWidth,
      inputHeight,
      nOutputPlane,
      kernelW,
      kernelH,
      strideW,
      strideH,
      padW,
      padH,
      propagateBack,
      wRegularizer,
      bRegularizer,
      withBias,
      format
    )
}
