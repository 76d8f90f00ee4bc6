package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * A depthwise convolution (`depthMultiplier` kernels per input channel) followed by a 1x1 convolution, as BigDL's
 * `SpatialSeparableConvolution`, over `[batch, nInputChannel, H, W]` images (or without the batch dimension); only
 * `dataFormat = "NCHW"`; `pW = pH = -1` means SAME padding. Parameters: depthwise weight
 * `[nInputChannel·depthMultiplier, 1, kH, kW]`, pointwise weight `[nOutputChannel, nInputChannel·depthMultiplier]`,
 * then, when `hasBias`, bias `[nOutputChannel]`. `wRegularizer` (depthwise weight) and `pRegularizer` (pointwise
 * weight) must be the same regulariser or both null for now (it applies to both weights); `bRegularizer` applies to
 * the bias.
 */
class SpatialSeparableConvolution(
    val nInputChannel: Int,
    val nOutputChannel: Int,
    val depthMultiplier: Int,
    val kW: Int,
    val kH: Int,
    val sW: Int = 1,
    val sH: Int = 1,
    val pW: Int = 0,
    val pH: Int = 0,
    val hasBias: Boolean = true,
    val dataFormat: String = "NCHW",
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null,
    val pRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(nInputChannel, nOutputChannel, depthMultiplier, kW, kH, sW, sH).forall(_ > 0),
    "SpatialSeparableConvolution: channels, depthMultiplier, kernel and stride must be positive"
  )
  require((pW == -1 && pH == -1) || (pW >= 0 && pH >= 0), "padding must be >= 0, or -1 for SAME")
  require(dataFormat == "NCHW", s"SpatialSeparableConvolution: only dataFormat NCHW is supported, got $dataFormat")
  require(
    (wRegularizer == null && pRegularizer == null) ||
      (wRegularizer != null && pRegularizer != null &&
        wRegularizer.l1 == pRegularizer.l1 && wRegularizer.l2 == pRegularizer.l2),
    "SpatialSeparableConvolution: the depth (wRegularizer) and point (pRegularizer) weights take the same " +
      s"regulariser (or none) for now, got $wRegularizer and $pRegularizer"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputChannel" -> SpecAttr.int(nInputChannel),
    "nOutputChannel" -> SpecAttr.int(nOutputChannel),
    "depthMultiplier" -> SpecAttr.int(depthMultiplier),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "sW" -> SpecAttr.int(sW),
    "sH" -> SpecAttr.int(sH),
    "pW" -> SpecAttr.int(pW),
    "pH" -> SpecAttr.int(pH),
    "hasBias" -> SpecAttr.bool(hasBias),
    "dataFormat" -> SpecAttr.Str(dataFormat)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"SpatialSeparableConvolution($nInputChannel -> $nOutputChannel, x$depthMultiplier, $kW x $kH, $sW, $sH, $pW, $pH)"
}

object SpatialSeparableConvolution {
  def apply(
      nInputChannel: Int,
      nOutputChannel: Int,
      depthMultiplier: Int,
      kW: Int,
      kH: Int,
      sW: Int = 1,
      sH: Int = 1,
      pW: Int = 0,
      pH: Int = 0,
      hasBias: Boolean = true,
      dataFormat: String = "NCHW",
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null,
      pRegularizer: ferrodl.optim.Regularizer = null
  ): SpatialSeparableConvolution =
    new SpatialSeparableConvolution(
      nInputChannel,
      nOutputChannel,
      depthMultiplier,
      kW,
      kH,
      sW,
      sH,
      pW,
      pH,
      hasBias,
      dataFormat,
      wRegularizer,
      bRegularizer,
      pRegularizer
    )
}
