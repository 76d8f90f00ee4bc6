package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion
import ferrodl.tensor.Tensor

/**
 * Negative log-likelihood of 1-based class labels, on log-probabilities (e.g. after LogSoftMax),
 * or on probabilities when `logProbAsInput` is false. Optional per-class `weights`; averaged over
 * the batch when `sizeAverage`; targets equal to `paddingValue` are skipped.
 */
class ClassNLLCriterion(
    val weights: Tensor = null,
    val sizeAverage: Boolean = true,
    val logProbAsInput: Boolean = true,
    val paddingValue: Int = -1
) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq(
      "sizeAverage" -> SpecAttr.bool(sizeAverage),
      "logProbAsInput" -> SpecAttr.bool(logProbAsInput),
      "paddingValue" -> SpecAttr.floats(Seq(paddingValue.toDouble))
    ) ++
      Option(weights).map(w => "weights" -> SpecAttr.floats(w.storage.map(_.toDouble).toSeq)).toSeq
}

object ClassNLLCriterion {
  def apply(
      weights: Tensor = null,
      sizeAverage: Boolean = true,
      logProbAsInput: Boolean = true,
      paddingValue: Int = -1
  ): ClassNLLCriterion = new ClassNLLCriterion(weights, sizeAverage, logProbAsInput, paddingValue)
}
