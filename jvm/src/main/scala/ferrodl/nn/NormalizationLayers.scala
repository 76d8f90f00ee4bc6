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
