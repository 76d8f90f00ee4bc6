package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion

// CTC and Caffe's softmax loss, with BigDL's names. They run natively: native/core/src/criterion/ctc.rs and
// softmax_with.rs.

/**
 * Connectionist temporal classification: `-log p(labels | input)` per sample, summed over the batch, divided by the
 * batch size when `sizeAverage`. Input: log-probabilities `[batch, time, classes]` (e.g. after
 * `TimeDistributed(LogSoftMax())`); class 1 is the blank; target `[batch, maxLength]` of 1-based labels in
 * `2..classes`, padded at the end with 0 (the padding gives each sample's target length). A target needing more time
 * steps than the input is an error. With `inputLengths = true`, each target row is `[inputLength, labels..., 0...]`
 * (`[batch, 1 + maxLength]`): only the sample's first `inputLength` steps count, as PyTorch's `input_lengths`, and
 * the later ones get a zero gradient.
 */
class CTCCriterion(val sizeAverage: Boolean = true, val inputLengths: Boolean = false) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage)) ++
      (if (inputLengths) Seq("inputLengths" -> SpecAttr.bool(true)) else Nil)
}

object CTCCriterion {
  def apply(sizeAverage: Boolean = true, inputLengths: Boolean = false): CTCCriterion =
    new CTCCriterion(sizeAverage, inputLengths)
}

/**
 * Caffe's SoftmaxWithLoss: a softmax over dimension 2 of `[batch, classes, h, w]` and the negative log-likelihood of
 * the 1-based labels (`[batch, 1, h, w]`), summed and divided according to `normalizeMode`: "FULL" (every position),
 * "VALID" (positions whose label is not `ignoreLabel`), "BATCH_SIZE" or "NONE".
 */
class SoftmaxWithCriterion(ignore: Option[Int] = None, val normalizeMode: String = "VALID") extends AbstractCriterion {
  // From Python (py4j) a missing ignoreLabel may arrive as null.
  val ignoreLabel: Option[Int] = Option(ignore).flatten
  require(
    Seq("FULL", "VALID", "BATCH_SIZE", "NONE").contains(normalizeMode),
    s"SoftmaxWithCriterion: normalizeMode $normalizeMode is not FULL, VALID, BATCH_SIZE or NONE"
  )

  /** For Java and Python: `ignoreLabel` null for none. */
  def this(ignoreLabel: java.lang.Integer, normalizeMode: String) =
    this(Option(ignoreLabel).map(_.intValue), normalizeMode)

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("normalizeMode" -> SpecAttr.Str(normalizeMode)) ++ ignoreLabel.map(l => "ignoreLabel" -> SpecAttr.int(l)).toSeq
}

object SoftmaxWithCriterion {
  def apply(ignoreLabel: Option[Int] = None, normalizeMode: String = "VALID"): SoftmaxWithCriterion =
    new SoftmaxWithCriterion(ignoreLabel, normalizeMode)
}
