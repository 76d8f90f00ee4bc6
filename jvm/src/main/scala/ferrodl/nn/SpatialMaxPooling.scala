package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Max pooling over 2-D windows of every plane, as BigDL's `SpatialMaxPooling(kW, kH, dW, dH,
 * padW, padH)`; `ceil()` switches the output size to ceiling mode, `floor()` back.
 */
class SpatialMaxPooling(
    val kW: Int,
    val kH: Int,
    val dW: Int = 1,
    val dH: Int = 1,
    val padW: Int = 0,
    val padH: Int = 0
) extends AbstractModule {
  require(Seq(kW, kH, dW, dH).forall(_ > 0), s"SpatialMaxPooling: kernel and stride must be positive")
  private var ceilMode = false

  def ceil(): this.type = { ceilMode = true; invalidate(); this }

  def floor(): this.type = { ceilMode = false; invalidate(); this }

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "ceilMode" -> SpecAttr.bool(ceilMode)
  )

  override def describe(): String = s"SpatialMaxPooling($kW x $kH, $dW, $dH${if (ceilMode) ", ceil" else ""})"
}

object SpatialMaxPooling {
  def apply(kW: Int, kH: Int, dW: Int = 1, dH: Int = 1, padW: Int = 0, padH: Int = 0): SpatialMaxPooling =
    new SpatialMaxPooling(kW, kH, dW, dH, padW, padH)
}
