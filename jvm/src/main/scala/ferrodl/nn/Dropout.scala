package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Zeroes each element with probability `initP` while training, dividing the kept ones by
 * `1 - initP` when `scale` (BigDL's convention: evaluation is then the identity). In training the
 * masks are drawn from a stream seeded per iteration and partition, so runs are reproducible.
 */
class Dropout(val initP: Double = 0.5, val inplace: Boolean = false, val scale: Boolean = true) extends AbstractModule {
  require(initP >= 0 && initP < 1, s"Dropout: initP must be in [0, 1), got $initP")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("initP" -> SpecAttr.floats(Seq(initP)), "scale" -> SpecAttr.bool(scale))
}

object Dropout {
  def apply(initP: Double = 0.5, inplace: Boolean = false, scale: Boolean = true): Dropout =
    new Dropout(initP, inplace, scale)
}
