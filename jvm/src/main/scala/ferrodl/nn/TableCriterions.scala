package ferrodl.nn

import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}

// Criterions whose input or target is a table, with BigDL's names, parameters and defaults. Call them with
// `forward(input: Activity, target: Activity)` and tables built by `ferrodl.utils.T`. They run natively:
// native/core/src/criterion/pair.rs, gaussian.rs, smooth_l1_weights.rs and transformer.rs.

/**
 * Ranking hinge loss of a pair of score vectors: `Σ max(0, -y·(x1 - x2) + margin)`, divided by n when `sizeAverage`.
 * Input `T(x1, x2)` (n scores each), target `y` (n values, or `T(y)`).
 */
class MarginRankingCriterion(val margin: Double = 1.0, val sizeAverage: Boolean = true) extends AbstractCriterion {
  require(!margin.isNaN && !margin.isInfinite, s"MarginRankingCriterion: margin $margin is not finite")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("margin" -> SpecAttr.floats(Seq(margin)), "sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object MarginRankingCriterion {
  def apply(margin: Double = 1.0, sizeAverage: Boolean = true): MarginRankingCriterion =
    new MarginRankingCriterion(margin, sizeAverage)
}

/**
 * Cosine embedding loss of pairs of rows: `1 - cos(x1, x2)` when y = 1, `max(0, cos(x1, x2) - margin)` when y = -1,
 * averaged over the batch when `sizeAverage`. Input `T(x1, x2)` (`[batch, d]` or `[d]`), target `y` in {1, -1}.
 */
class CosineEmbeddingCriterion(val margin: Double = 0.0, val sizeAverage: Boolean = true) extends AbstractCriterion {
  require(!margin.isNaN && !margin.isInfinite, s"CosineEmbeddingCriterion: margin $margin is not finite")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("margin" -> SpecAttr.floats(Seq(margin)), "sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object CosineEmbeddingCriterion {
  def apply(margin: Double = 0.0, sizeAverage: Boolean = true): CosineEmbeddingCriterion =
    new CosineEmbeddingCriterion(margin, sizeAverage)
}

/**
 * With `d = ‖x1 - x2‖₁`: `d` when y = 1, `max(0, margin - d)` when y = -1 (summed over a batch of pairs). Input
 * `T(x1, x2)` (`[d]` or `[batch, d]`), target `y` in {1, -1}.
 */
class L1HingeEmbeddingCriterion(val margin: Double = 1.0) extends AbstractCriterion {
  require(!margin.isNaN && !margin.isInfinite, s"L1HingeEmbeddingCriterion: margin $margin is not finite")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("margin" -> SpecAttr.floats(Seq(margin)))
}

object L1HingeEmbeddingCriterion {
  def apply(margin: Double = 1.0): L1HingeEmbeddingCriterion = new L1HingeEmbeddingCriterion(margin)
}

/**
 * Negative log-likelihood of the target under a diagonal Gaussian, summed:
 * `Σ ½log(2π) + ½logvar + ½(target - mean)²/exp(logvar)`. Input `T(mean, logVariance)`, target of the same shape.
 */
class GaussianCriterion extends AbstractCriterion

object GaussianCriterion {
  def apply(): GaussianCriterion = new GaussianCriterion()
}

/**
 * KL divergence of a diagonal Gaussian `T(mean, logVariance)` from the standard normal,
 * `-½ Σ (1 + logvar - mean² - exp(logvar))`, divided by the batch size when `sizeAverage`; the target is ignored.
 */
class KLDCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object KLDCriterion {
  def apply(sizeAverage: Boolean = true): KLDCriterion = new KLDCriterion(sizeAverage)
}

/**
 * Fast R-CNN's box-regression loss: with `d = inside ⊙ (input - label)` and `σ² = sigma²`, `Σ outside ⊙ f(d)`,
 * `f(d) = ½σ²d²` where `|d| < 1/σ²`, `|d| - ½/σ²` elsewhere; divided by `num` when `num > 0`. Target
 * `T(label, insideWeights, outsideWeights)` (or the label alone).
 */
class SmoothL1CriterionWithWeights(val sigma: Double, val num: Int = 0) extends AbstractCriterion {
  require(!sigma.isNaN && !sigma.isInfinite && sigma != 0, s"SmoothL1CriterionWithWeights: sigma $sigma")
  require(num >= 0, s"SmoothL1CriterionWithWeights: num must be >= 0, got $num")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sigma" -> SpecAttr.floats(Seq(sigma)), "num" -> SpecAttr.int(num))
}

object SmoothL1CriterionWithWeights {
  def apply(sigma: Double, num: Int = 0): SmoothL1CriterionWithWeights = new SmoothL1CriterionWithWeights(sigma, num)
}

/**
 * `criterion(inputTransformer(input), targetTransformer(target))`, the gradient taken back through
 * `inputTransformer` (either transformer may be null: identity). As in BigDL, the transformers' parameters are not
 * part of the model's parameters: training never changes them. They run natively inside the criterion with the
 * weights the transformer modules have when the criterion is built (`getWeightsArray()`, sent in the description),
 * so set them before training.
 */
class TransformerCriterion(
    val criterion: AbstractCriterion,
    val inputTransformer: AbstractModule = null,
    val targetTransformer: AbstractModule = null
) extends AbstractCriterion {
  require(criterion != null, "TransformerCriterion: criterion must not be null")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq(
      "inputTransformer" -> SpecAttr.bool(inputTransformer != null),
      "targetTransformer" -> SpecAttr.bool(targetTransformer != null)
    )

  override def toSpec: SpecNode =
    SpecNode(
      kind,
      "",
      attrs,
      criterion.toSpec +: Seq(inputTransformer, targetTransformer).filter(_ != null).map(withWeights)
    )

  /** A transformer's description with its current weights, which the engine uses. */
  private def withWeights(m: AbstractModule): SpecNode = {
    val spec = m.toSpec
    if (m.numParameters() == 0) spec
    else spec.copy(attrs = spec.attrs :+ ("transformerWeights" -> SpecAttr.floats(m.getWeightsArray().map(_.toDouble))))
  }

  override def toString: String = s"TransformerCriterion($criterion)"
}

object TransformerCriterion {
  def apply(
      criterion: AbstractCriterion,
      inputTransformer: AbstractModule = null,
      targetTransformer: AbstractModule = null
  ): TransformerCriterion = new TransformerCriterion(criterion, inputTransformer, targetTransformer)
}
