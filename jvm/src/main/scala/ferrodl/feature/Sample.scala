package ferrodl.feature

import ferrodl.tensor.Tensor

/** One training record: a feature tensor and a label tensor (class labels are 1-based). */
case class Sample(feature: Tensor, label: Tensor) {
  override def toString: String = s"Sample($feature, $label)"
}

object Sample {

  /** A sample with a scalar label, e.g. a 1-based class index. */
  def apply(feature: Tensor, label: Float): Sample = new Sample(feature, Tensor(Array(label), Array(1)))
}
