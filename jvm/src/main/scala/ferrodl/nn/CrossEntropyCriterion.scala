package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion
import ferrodl.tensor.Tensor

/**
 * LogSoftMax followed by ClassNLLCriterion, on raw scores `[batch, nClasses]`, with 1-based
 * class targets, optional per-class `weights`, averaged over the batch when `sizeAverage`.
 */
class CrossEntropyCriterion(val weights: Tensor = null, val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage)) ++
      Option(weights).map(w => "weights" -> SpecAttr.floats(w.storage.map(_.toDouble).toSeq)).toSeq
}

object CrossEntropyCriterion {
  def apply(weights: Tensor = null, sizeAverage: Boolean = true): CrossEntropyCriterion =
    new CrossEntropyCriterion(weights, sizeAverage)
}
