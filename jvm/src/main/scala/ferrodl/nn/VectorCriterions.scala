package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion

// Criterions comparing each sample's vector with its target vector, with BigDL's names and
// defaults. They run natively: native/core/src/criterion/vector.rs.

/**
 * Cosine distance `1 - cos(x, t)` of each sample, averaged over samples when `sizeAverage`. Input `[batch, n]` or
 * `[n]`, target of the same shape.
 */
class CosineDistanceCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object CosineDistanceCriterion {
  def apply(sizeAverage: Boolean = true): CosineDistanceCriterion = new CosineDistanceCriterion(sizeAverage)
}

/**
 * Negative cosine proximity, as Keras computes it: vectors along the last dimension are L2-normalised and the loss
 * is `-mean(x'·t')` over all elements. Input of any shape, target of the same shape.
 */
class CosineProximityCriterion extends AbstractCriterion

object CosineProximityCriterion {
  def apply(): CosineProximityCriterion = new CosineProximityCriterion()
}

/**
 * The dot product of input and target, divided by the batch size when `sizeAverage`. Input `[batch, n]` or `[n]`,
 * target of the same shape.
 */
class DotProductCriterion(val sizeAverage: Boolean = false) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object DotProductCriterion {
  def apply(sizeAverage: Boolean = false): DotProductCriterion = new DotProductCriterion(sizeAverage)
}

/**
 * Dice loss `1 - (2·Σ x·t + epsilon) / (Σ x + Σ t + epsilon)` of each sample, averaged over samples when
 * `sizeAverage`. Input `[batch, n]` or `[n]`, target of the same shape.
 */
class DiceCoefficientCriterion(val sizeAverage: Boolean = true, val epsilon: Float = 1.0f) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage), "epsilon" -> SpecAttr.floats(Seq(epsilon.toDouble)))
}

object DiceCoefficientCriterion {
  def apply(sizeAverage: Boolean = true, epsilon: Float = 1.0f): DiceCoefficientCriterion =
    new DiceCoefficientCriterion(sizeAverage, epsilon)
}

/** The L1 norm `Σ |x|` of the input (the target is ignored), not averaged. */
class L1Cost extends AbstractCriterion

object L1Cost {
  def apply(): L1Cost = new L1Cost()
}
