package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Average pooling over 2-D windows of every plane, as BigDL's `SpatialAveragePooling`.
 * `globalPooling` pools each plane to 1x1; `countIncludePad` divides by the window size within
 * the padded input; `divide = false` keeps sums. `ceil()` switches to ceiling mode.
 */
class SpatialAveragePooling(
    val kW: Int,
    val kH: Int,
    val dW: Int = 1,
    val dH: Int = 1,
    val padW: Int = 0,
    val padH: Int = 0,
    val globalPooling: Boolean = false,
    private var ceilMode: Boolean = false,
    val countIncludePad: Boolean = true,
    val divide: Boolean = true
) extends AbstractModule {
  require(globalPooling || (kW > 0 && kH > 0), "SpatialAveragePooling: kernel must be positive")
  require(dW > 0 && dH > 0 && padW >= 0 && padH >= 0, "SpatialAveragePooling: stride > 0 and padding >= 0")

  def ceil(): this.type = { ceilMode = true; invalidate(); this }

  def floor(): this.type = { ceilMode = false; invalidate(); this }

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "kW" -> SpecAttr.int(math.max(kW, 1)),
    "kH" -> SpecAttr.int(math.max(kH, 1)),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "globalPooling" -> SpecAttr.bool(globalPooling),
    "ceilMode" -> SpecAttr.bool(ceilMode),
    "countIncludePad" -> SpecAttr.bool(countIncludePad),
    "divide" -> SpecAttr.bool(divide)
  )
}

object SpatialAveragePooling {
  def apply(
      kW: Int,
      kH: Int,
      dW: Int = 1,
      dH: Int = 1,
      padW: Int = 0,
      padH: Int = 0,
      globalPooling: Boolean = false,
      ceilMode: Boolean = false,
      countIncludePad: Boolean = true,
      divide: Boolean = true
  ): SpatialAveragePooling =
    new SpatialAveragePooling(kW, kH, dW, dH, padW, padH, globalPooling, ceilMode, countIncludePad, divide)
}
