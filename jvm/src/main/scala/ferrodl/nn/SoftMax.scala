package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Normalised exponentials over the feature dimension: the last one of `[n]` and `[batch, n]`, the
 * channel of `[C, H, W]` and `[batch, C, H, W]`.
 */
class SoftMax extends AbstractModule

object SoftMax {
  def apply(): SoftMax = new SoftMax()
}

/** The softmax of `-x`, over the same dimension as `SoftMax`. */
class SoftMin extends AbstractModule

object SoftMin {
  def apply(): SoftMin = new SoftMin()
}
