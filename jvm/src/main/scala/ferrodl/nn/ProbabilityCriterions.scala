package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion

// Criterions on probabilities and class embeddings, with BigDL's names and defaults. They run
// natively: native/core/src/criterion/probabilities.rs and class_simplex.rs.

/**
 * Cross-entropy of probabilities against one-hot targets: `CrossEntropyCriterion` on `log(input)`, with each sample's
 * class the position of the largest value of its target row; averaged over the batch. Input `[batch, nClasses]` of
 * positive values, target of the same shape.
 */
class CategoricalCrossEntropy extends AbstractCriterion

object CategoricalCrossEntropy {
  def apply(): CategoricalCrossEntropy = new CategoricalCrossEntropy()
}

/**
 * Kullback-Leibler divergence as Keras computes it: with input and target clipped to `[1e-7, 1]`, `Σ t·log(t / x)`
 * divided by the batch size. Input and target have the same shape, `[batch, ...]`.
 */
class KullbackLeiblerDivergenceCriterion extends AbstractCriterion

object KullbackLeiblerDivergenceCriterion {
  def apply(): KullbackLeiblerDivergenceCriterion = new KullbackLeiblerDivergenceCriterion()
}

/**
 * Embeds each class as a vertex of a regular `(nClasses - 1)`-simplex and takes the mean squared error between the
 * input and the vertex of each sample's 1-based target class. Input `[batch, nClasses]`, target `[batch]`.
 */
class ClassSimplexCriterion(val nClasses: Int) extends AbstractCriterion {
  require(nClasses > 1, s"ClassSimplexCriterion: nClasses must be > 1, got $nClasses")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("nClasses" -> SpecAttr.int(nClasses))
}

object ClassSimplexCriterion {
  def apply(nClasses: Int): ClassSimplexCriterion = new ClassSimplexCriterion(nClasses)
}
