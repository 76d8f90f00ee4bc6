package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Normalises the last dimension, `y = (x - mean) / √(var + 1e-6) · weight + bias`, as BigDL's
 * `LayerNormalization`. Input `[..., hiddenSize]`; weight `[hiddenSize]` (initialised to 1) then bias
 * `[hiddenSize]` (initialised to 0).
 */
class LayerNormalization(val hiddenSize: Int) extends AbstractModule {
  require(hiddenSize > 0, s"LayerNormalization: hiddenSize must be positive, got $hiddenSize")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("hiddenSize" -> SpecAttr.int(hiddenSize))

  override def describe(): String = s"LayerNormalization($hiddenSize)"
}

object LayerNormalization {
  def apply(hiddenSize: Int): LayerNormalization = new LayerNormalization(hiddenSize)
}

/**
 * Scales vectors to unit L_p norm, `y = x / (Σ|x|^p + eps)^(1/p)`, as BigDL's `Normalize`: over the features
 * of `[n]` and `[batch, n]` input, over the channels of `[batch, C, H, W]` input.
 */
class Normalize(val p: Double, val eps: Double = 1e-10) extends AbstractModule {
  require(!p.isInfinite && p >= 1, s"Normalize: p must be finite and >= 1, got $p")
  require(eps >= 0 && !eps.isInfinite, s"Normalize: eps must be >= 0, got $eps")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("p" -> SpecAttr.floats(Seq(p)), "eps" -> SpecAttr.floats(Seq(eps)))

  override def describe(): String = s"Normalize($p, $eps)"
}

object Normalize {
  def apply(p: Double, eps: Double = 1e-10): Normalize = new Normalize(p, eps)
}

/**
 * Local response normalisation across channels, `y_c = x_c · (k + alpha/size · Σ x_c'^2)^(-beta)` over the
 * `size` channels centred on `c`, as BigDL's `SpatialCrossMapLRN`. Input `[batch, C, H, W]` or `[C, H, W]`;
 * `size` must be odd; only `format = "NCHW"`.
 */
class SpatialCrossMapLRN(
    val size: Int = 5,
    val alpha: Double = 1.0,
    val beta: Double = 0.75,
    val k: Double = 1.0,
    val format: String = "NCHW"
) extends AbstractModule {
  require(size > 0 && size % 2 == 1, s"SpatialCrossMapLRN: size must be odd, got $size")
  require(k > 0, s"SpatialCrossMapLRN: k must be positive, got $k")
  require(format == "NCHW", s"SpatialCrossMapLRN: only format NCHW is supported, got $format")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "size" -> SpecAttr.int(size),
    "alpha" -> SpecAttr.floats(Seq(alpha)),
    "beta" -> SpecAttr.floats(Seq(beta)),
    "k" -> SpecAttr.floats(Seq(k))
  )

  override def describe(): String = s"SpatialCrossMapLRN($size, $alpha, $beta, $k)"
}

object SpatialCrossMapLRN {
  def apply(
      size: Int = 5,
      alpha: Double = 1.0,
      beta: Double = 0.75,
      k: Double = 1.0,
      format: String = "NCHW"
  ): SpatialCrossMapLRN = new SpatialCrossMapLRN(size, alpha, beta, k, format)
}

/**
 * Local response normalisation within each channel, `y = x · (1 + alpha/size² · Σ x'²)^(-beta)` over the
 * `size x size` window centred on the pixel (zero outside the image), as BigDL's `SpatialWithinChannelLRN`.
 * Input `[batch, C, H, W]` or `[C, H, W]`; `size` must be odd.
 */
class SpatialWithinChannelLRN(val size: Int = 5, val alpha: Double = 1.0, val beta: Double = 0.75)
    extends AbstractModule {
  require(size > 0 && size % 2 == 1, s"SpatialWithinChannelLRN: size must be odd, got $size")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "size" -> SpecAttr.int(size),
    "alpha" -> SpecAttr.floats(Seq(alpha)),
    "beta" -> SpecAttr.floats(Seq(beta))
  )

  override def describe(): String = s"SpatialWithinChannelLRN($size, $alpha, $beta)"
}

object SpatialWithinChannelLRN {
  def apply(size: Int = 5, alpha: Double = 1.0, beta: Double = 0.75): SpatialWithinChannelLRN =
    new SpatialWithinChannelLRN(size, alpha, beta)
}

/**
 * Subtracts the local weighted mean over all channels, `y_c = x_c - Σ_c k ⋆ x_c / coef`, as BigDL's (Torch's)
 * `SpatialSubtractiveNormalization`. `kernel` (1-D or 2-D, odd sizes; null: ones of 9x9) is normalised to sum
 * 1/nInputPlane; `coef` is the same sum over an all-ones image, which corrects the borders. Input
 * `[batch, nInputPlane, H, W]` or `[nInputPlane, H, W]`.
 */
class SpatialSubtractiveNormalization(val nInputPlane: Int = 1, val kernel: ferrodl.tensor.Tensor = null)
    extends AbstractModule {
  require(nInputPlane > 0, s"SpatialSubtractiveNormalization: nInputPlane must be positive, got $nInputPlane")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("nInputPlane" -> SpecAttr.int(nInputPlane)) ++ SpatialSubtractiveNormalization.kernelAttrs(
      "SpatialSubtractiveNormalization",
      kernel
    )

  override def describe(): String = s"SpatialSubtractiveNormalization($nInputPlane)"
}

object SpatialSubtractiveNormalization {
  def apply(nInputPlane: Int = 1, kernel: ferrodl.tensor.Tensor = null): SpatialSubtractiveNormalization =
    new SpatialSubtractiveNormalization(nInputPlane, kernel)

  /** The averaging kernel of the subtractive and divisive normalisations, as description attributes. */
  private[nn] def kernelAttrs(layer: String, kernel: ferrodl.tensor.Tensor): Seq[(String, SpecAttr)] =
    if (kernel == null) Nil
    else {
      val dims = kernel.size()
      require(
        (dims.length == 1 || dims.length == 2) && dims.forall(d => d > 0 && d % 2 == 1),
        s"$layer: the kernel must be 1-D or 2-D with odd sizes, got ${dims.mkString("x")}"
      )
      Seq(
        "kernel" -> SpecAttr.floats(kernel.storage.take(dims.product).map(_.toDouble).toSeq),
        "kernelDims" -> SpecAttr.ints(dims.toSeq)
      )
    }
}

/**
 * Divides by the local weighted standard deviation over all channels, `y_c = x_c / t` with
 * `s = √(Σ_c k ⋆ x_c²) / coef` and `t = s` where `s > threshold`, else `thresval`, as BigDL's (Torch's)
 * `SpatialDivisiveNormalization`. `kernel` and `coef` as in `SpatialSubtractiveNormalization`.
 */
class SpatialDivisiveNormalization(
    val nInputPlane: Int = 1,
    val kernel: ferrodl.tensor.Tensor = null,
    val threshold: Double = 1e-4,
    val thresval: Double = 1e-4
) extends AbstractModule {
  require(nInputPlane > 0, s"SpatialDivisiveNormalization: nInputPlane must be positive, got $nInputPlane")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq(
      "nInputPlane" -> SpecAttr.int(nInputPlane),
      "threshold" -> SpecAttr.floats(Seq(threshold)),
      "thresval" -> SpecAttr.floats(Seq(thresval))
    ) ++ SpatialSubtractiveNormalization.kernelAttrs("SpatialDivisiveNormalization", kernel)

  override def describe(): String = s"SpatialDivisiveNormalization($nInputPlane, $threshold, $thresval)"
}

object SpatialDivisiveNormalization {
  def apply(
      nInputPlane: Int = 1,
      kernel: ferrodl.tensor.Tensor = null,
      threshold: Double = 1e-4,
      thresval: Double = 1e-4
  ): SpatialDivisiveNormalization = new SpatialDivisiveNormalization(nInputPlane, kernel, threshold, thresval)
}
