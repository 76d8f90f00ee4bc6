package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion
import ferrodl.tensor.Tensor

// Hinge and soft-margin criterions on class scores, with BigDL's names and defaults. They run
// natively: native/core/src/criterion/margin.rs and elementwise.rs.

/**
 * Multi-class hinge loss of 1-based class targets: per sample `Σ_{d ≠ y} w(y)·max(0, margin - x(y) + x(d))^p / nClasses`,
 * averaged over the batch when `sizeAverage`. Input `[batch, nClasses]` or `[nClasses]`, target `[batch]`; `p` is 1 or 2,
 * `weights` (optional) has one value per class.
 */
class MultiMarginCriterion(
    val p: Int = 1,
    val weights: Tensor = null,
    val margin: Double = 1.0,
    val sizeAverage: Boolean = true
) extends AbstractCriterion {
  require(p == 1 || p == 2, s"MultiMarginCriterion: only p = 1 and p = 2 are supported, got p = $p")
  require(weights == null || weights.dim() == 1, "MultiMarginCriterion: weights must be a 1-D tensor")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq(
      "p" -> SpecAttr.int(p),
      "margin" -> SpecAttr.floats(Seq(margin)),
      "sizeAverage" -> SpecAttr.bool(sizeAverage)
    ) ++ Option(weights).map(w => "weights" -> SpecAttr.floats(w.storage.map(_.toDouble).toSeq)).toSeq
}

object MultiMarginCriterion {
  def apply(
      p: Int = 1,
      weights: Tensor = null,
      margin: Double = 1.0,
      sizeAverage: Boolean = true
  ): MultiMarginCriterion = new MultiMarginCriterion(p, weights, margin, sizeAverage)
}

/**
 * Multi-class multi-label hinge loss. Each target row lists 1-based target classes, ended by the first 0; per sample
 * `Σ_{j target} Σ_{d not target} max(0, 1 - (x(j) - x(d))) / nClasses`, averaged over the batch when `sizeAverage`.
 * Input `[batch, nClasses]` or `[nClasses]`, target of the same shape.
 */
class MultiLabelMarginCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object MultiLabelMarginCriterion {
  def apply(sizeAverage: Boolean = true): MultiLabelMarginCriterion = new MultiLabelMarginCriterion(sizeAverage)
}

/**
 * Multi-label loss on scores through a sigmoid: `-w·(t·log σ(x) + (1 - t)·log(1 - σ(x)))` per element, targets in
 * {0, 1}, optional `weights` per class, averaged over all elements when `sizeAverage`. Target has the input's elements.
 */
class MultiLabelSoftMarginCriterion(val weights: Tensor = null, val sizeAverage: Boolean = true)
    extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage)) ++
      Option(weights).map(w => "weights" -> SpecAttr.floats(w.storage.map(_.toDouble).toSeq)).toSeq
}

object MultiLabelSoftMarginCriterion {
  def apply(weights: Tensor = null, sizeAverage: Boolean = true): MultiLabelSoftMarginCriterion =
    new MultiLabelSoftMarginCriterion(weights, sizeAverage)
}

/**
 * Hinge embedding loss: `x` where the target is 1, `max(0, margin - x)` where it is -1, averaged over all elements
 * when `sizeAverage`. Input of any shape (e.g. distances), target of the same number of elements.
 */
class HingeEmbeddingCriterion(val margin: Double = 1, val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("margin" -> SpecAttr.floats(Seq(margin)), "sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object HingeEmbeddingCriterion {
  def apply(margin: Double = 1, sizeAverage: Boolean = true): HingeEmbeddingCriterion =
    new HingeEmbeddingCriterion(margin, sizeAverage)
}
