package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * 2-D convolution with dilated kernels (atrous) over `[batch, nInputPlane, H, W]` (or
 * `[nInputPlane, H, W]`) images, as BigDL's `SpatialDilatedConvolution`. The output has
 * `outH = (H + 2·padH - dilationH·(kH - 1) - 1) / dH + 1` rows. Weight `[nOutputPlane, nInputPlane, kH, kW]`
 * then bias `[nOutputPlane]`, initialised uniformly in ±1/√(kW·kH·nInputPlane).
 */
class SpatialDilatedConvolution(
    val nInputPlane: Int,
    val nOutputPlane: Int,
    val kW: Int,
    val kH: Int,
    val dW: Int = 1,
    val dH: Int = 1,
    val padW: Int = 0,
    val padH: Int = 0,
    val dilationW: Int = 1,
    val dilationH: Int = 1,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(nInputPlane, nOutputPlane, kW, kH, dW, dH, dilationW, dilationH).forall(_ > 0),
    "SpatialDilatedConvolution: planes, kernel, stride and dilation must be positive"
  )
  require(padW >= 0 && padH >= 0, s"SpatialDilatedConvolution: padding must be >= 0, got $padW, $padH")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputPlane" -> SpecAttr.int(nInputPlane),
    "nOutputPlane" -> SpecAttr.int(nOutputPlane),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "dilationW" -> SpecAttr.int(dilationW),
    "dilationH" -> SpecAttr.int(dilationH)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"SpatialDilatedConvolution($nInputPlane -> $nOutputPlane, $kW x $kH, $dW, $dH, $padW, $padH, " +
      s"$dilationW, $dilationH)"
}

object SpatialDilatedConvolution {
  def apply(
      nInputPlane: Int,
      nOutputPlane: Int,
      kW: Int,
      kH: Int,
      dW: Int = 1,
      dH: Int = 1,
      padW: Int = 0,
      padH: Int = 0,
      dilationW: Int = 1,
      dilationH: Int = 1,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): SpatialDilatedConvolution =
    new SpatialDilatedConvolution(
      nInputPlane,
      nOutputPlane,
      kW,
      kH,
      dW,
      dH,
      padW,
      padH,
      dilationW,
      dilationH,
      wRegularizer,
      bRegularizer
    )
}

/**
 * Transposed 2-D convolution ("deconvolution") over `[batch, nInputPlane, H, W]` (or
 * `[nInputPlane, H, W]`) images, as BigDL's `SpatialFullConvolution`. The output has
 * `outH = (H - 1)·dH - 2·padH + kH + adjH` rows; `adjW < dW`, `adjH < dH`. Weight
 * `[nGroup, nInputPlane/nGroup, nOutputPlane/nGroup, kH, kW]` then, unless `noBias`, bias `[nOutputPlane]`,
 * initialised uniformly in ±1/√(kW·kH·nInputPlane).
 */
class SpatialFullConvolution(
    val nInputPlane: Int,
    val nOutputPlane: Int,
    val kW: Int,
    val kH: Int,
    val dW: Int = 1,
    val dH: Int = 1,
    val padW: Int = 0,
    val padH: Int = 0,
    val adjW: Int = 0,
    val adjH: Int = 0,
    val nGroup: Int = 1,
    val noBias: Boolean = false,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(nInputPlane, nOutputPlane, kW, kH, dW, dH, nGroup).forall(_ > 0),
    "SpatialFullConvolution: planes, kernel, stride and nGroup must be positive"
  )
  require(padW >= 0 && padH >= 0, s"SpatialFullConvolution: padding must be >= 0, got $padW, $padH")
  require(
    adjW >= 0 && adjH >= 0 && adjW < dW && adjH < dH,
    s"SpatialFullConvolution: adjW $adjW and adjH $adjH must be in [0, stride)"
  )
  require(
    nInputPlane % nGroup == 0 && nOutputPlane % nGroup == 0,
    s"SpatialFullConvolution: nGroup $nGroup must divide both plane counts"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputPlane" -> SpecAttr.int(nInputPlane),
    "nOutputPlane" -> SpecAttr.int(nOutputPlane),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "adjW" -> SpecAttr.int(adjW),
    "adjH" -> SpecAttr.int(adjH),
    "nGroup" -> SpecAttr.int(nGroup),
    "noBias" -> SpecAttr.bool(noBias)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"SpatialFullConvolution($nInputPlane -> $nOutputPlane, $kW x $kH, $dW, $dH, $padW, $padH, $adjW, $adjH)"
}

object SpatialFullConvolution {
  def apply(
      nInputPlane: Int,
      nOutputPlane: Int,
      kW: Int,
      kH: Int,
      dW: Int = 1,
      dH: Int = 1,
      padW: Int = 0,
      padH: Int = 0,
      adjW: Int = 0,
      adjH: Int = 0,
      nGroup: Int = 1,
      noBias: Boolean = false,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): SpatialFullConvolution =
    new SpatialFullConvolution(
      nInputPlane,
      nOutputPlane,
      kW,
      kH,
      dW,
      dH,
      padW,
      padH,
      adjW,
      adjH,
      nGroup,
      noBias,
      wRegularizer,
      bRegularizer
    )
}

/**
 * 1-D convolution over the frames of `[batch, nInputFrame, inputFrameSize]` (or
 * `[nInputFrame, inputFrameSize]`) sequences, as BigDL's `TemporalConvolution`:
 * `nOutputFrame = (nInputFrame - kernelW) / strideW + 1`. Weight `[outputFrameSize, kernelW·inputFrameSize]`
 * then bias `[outputFrameSize]`, initialised uniformly in ±1/√(kernelW·inputFrameSize).
 */
class TemporalConvolution(
    val inputFrameSize: Int,
    val outputFrameSize: Int,
    val kernelW: Int,
    val strideW: Int = 1,
    val propagateBack: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(inputFrameSize, outputFrameSize, kernelW, strideW).forall(_ > 0),
    "TemporalConvolution: frame sizes, kernelW and strideW must be positive"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "inputFrameSize" -> SpecAttr.int(inputFrameSize),
    "outputFrameSize" -> SpecAttr.int(outputFrameSize),
    "kernelW" -> SpecAttr.int(kernelW),
    "strideW" -> SpecAttr.int(strideW),
    "propagateBack" -> SpecAttr.bool(propagateBack)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String = s"TemporalConvolution($inputFrameSize -> $outputFrameSize, $kernelW, $strideW)"
}

object TemporalConvolution {
  def apply(
      inputFrameSize: Int,
      outputFrameSize: Int,
      kernelW: Int,
      strideW: Int = 1,
      propagateBack: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): TemporalConvolution =
    new TemporalConvolution(
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
 * BigDL's `SpatialShareConvolution`: a `SpatialConvolution` whose im2col buffers BigDL shares between layers. The
 * math, the parameters (weight `[nGroup, nOutputPlane/nGroup, nInputPlane/nGroup, kernelH, kernelW]` then bias
 * `[nOutputPlane]`) and the default initialisation are SpatialConvolution's. `initWeight`, `initBias`,
 * `initGradWeight` and `initGradBias` are not supported (use `setWeightsArray` or `setInitMethod`).
 */
class SpatialShareConvolution(
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
    val initWeight: ferrodl.tensor.Tensor = null,
    val initBias: ferrodl.tensor.Tensor = null,
    val initGradWeight: ferrodl.tensor.Tensor = null,
    val initGradBias: ferrodl.tensor.Tensor = null,
    val withBias: Boolean = true
) extends AbstractModule {
  require(
    Seq(nInputPlane, nOutputPlane, kernelW, kernelH, strideW, strideH, nGroup).forall(_ > 0),
    "SpatialShareConvolution: planes, kernel, stride and nGroup must be positive"
  )
  require(
    nInputPlane % nGroup == 0 && nOutputPlane % nGroup == 0,
    s"SpatialShareConvolution: nGroup $nGroup must divide both plane counts"
  )
  require(
    (padW == -1 && padH == -1) || (padW >= 0 && padH >= 0),
    "SpatialShareConvolution: padding must be >= 0, or -1 for SAME"
  )
  require(
    Seq(initWeight, initBias, initGradWeight, initGradBias).forall(_ == null),
    "SpatialShareConvolution: initWeight, initBias, initGradWeight and initGradBias are not supported; " +
      "use setWeightsArray or setInitMethod"
  )

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
    s"SpatialShareConvolution($nInputPlane -> $nOutputPlane, $kernelW x $kernelH, $strideW, $strideH, $padW, $padH)"
}

object SpatialShareConvolution {
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
      initWeight: ferrodl.tensor.Tensor = null,
      initBias: ferrodl.tensor.Tensor = null,
      initGradWeight: ferrodl.tensor.Tensor = null,
      initGradBias: ferrodl.tensor.Tensor = null,
      withBias: Boolean = true
  ): SpatialShareConvolution =
    new SpatialShareConvolution(
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
      initWeight,
      initBias,
      initGradWeight,
      initGradBias,
      withBias
    )
}
