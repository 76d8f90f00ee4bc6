package ferrodl.feature

import ferrodl.tensor.Tensor

/**
 * One training record: one or more feature tensors and one or more label tensors (class labels
 * are 1-based), as BigDL's `Sample`. A model with several inputs gets the features as a table;
 * several labels reach the criterion as a table (e.g. ParallelCriterion).
 */
final class Sample(val features: Array[Tensor], val labels: Array[Tensor]) extends Serializable {
  require(features.nonEmpty, "a Sample needs at least one feature tensor")
  require(labels.nonEmpty, "a Sample needs at least one label tensor")

  /** The (first) feature tensor. */
  def feature: Tensor = features(0)

  /** The (first) label tensor. */
  def label: Tensor = labels(0)

  def numFeature(): Int = features.length

  def numLabel(): Int = labels.length

  override def toString: String =
    if (features.length == 1 && labels.length == 1) s"Sample($feature, $label)"
    else s"Sample(${features.mkString("{", ", ", "}")}, ${labels.mkString("{", ", ", "}")})"
}

object Sample {
  def apply(feature: Tensor, label: Tensor): Sample = new Sample(Array(feature), Array(label))

  /** A sample with a scalar label, e.g. a 1-based class index. */
  def apply(feature: Tensor, label: Float): Sample = apply(feature, Tensor(Array(label), Array(1)))

  /** A sample with several features (for a model with several inputs) and several labels. */
  def apply(features: Array[Tensor], labels: Array[Tensor]): Sample = new Sample(features, labels)

  /** Several features, one label. */
  def apply(features: Array[Tensor], label: Tensor): Sample = new Sample(features, Array(label))
}
