package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion
import ferrodl.tensor.Tensor

/**
 * Negative log-likelihood of 1-based class labels, on log-probabilities (e.g. after
 * LogSoftMax). Optional per-class `weights`; averaged over the batch when `sizeAverage`.
 */
class ClassNLLCriterion(val weights: Tensor = null, val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage)) ++
      Option(weights).map(w => "weights" -> SpecAttr.floats(w.storage.map(_.toDouble).toSeq)).toSeq
}

object ClassNLLCriterion {
  def apply(weights: Tensor = null, sizeAverage: Boolean = true): ClassNLLCriterion =
    new ClassNLLCriterion(weights, sizeAverage)
}
