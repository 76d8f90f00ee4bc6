package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion
import ferrodl.tensor.Tensor

// Criterions that compare input and target element by element, with BigDL's names and defaults.
// Each runs natively as `ElementwiseCriterion` (native/core/src/criterion/elementwise.rs).

/** Mean squared error `(x - t)²`, averaged over all elements when `sizeAverage`. Input and target have the same number of elements. */
class MSECriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object MSECriterion {
  def apply(sizeAverage: Boolean = true): MSECriterion = new MSECriterion(sizeAverage)
}

/** Mean absolute error `|x - t|`. Input and target have the same number of elements. */
class AbsCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object AbsCriterion {
  def apply(sizeAverage: Boolean = true): AbsCriterion = new AbsCriterion(sizeAverage)
}

/** Huber loss with threshold 1: `0.5·d²` where `|d| < 1`, else `|d| - 0.5`. Input and target have the same number of elements. */
class SmoothL1Criterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object SmoothL1Criterion {
  def apply(sizeAverage: Boolean = true): SmoothL1Criterion = new SmoothL1Criterion(sizeAverage)
}

/** Two-class logistic loss `log(1 + exp(-t·x))`, targets in {-1, 1}. Input and target have the same number of elements. */
class SoftMarginCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object SoftMarginCriterion {
  def apply(sizeAverage: Boolean = true): SoftMarginCriterion = new SoftMarginCriterion(sizeAverage)
}

/** Kullback-Leibler divergence `t·(log t - x)` of target probabilities from log-probabilities `x`. Input and target have the same number of elements. */
class DistKLDivCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object DistKLDivCriterion {
  def apply(sizeAverage: Boolean = true): DistKLDivCriterion = new DistKLDivCriterion(sizeAverage)
}

/** `100·|t - x| / max(|t|, 1e-7)`, averaged. Input and target have the same number of elements. */
class MeanAbsolutePercentageCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object MeanAbsolutePercentageCriterion {
  def apply(sizeAverage: Boolean = true): MeanAbsolutePercentageCriterion = new MeanAbsolutePercentageCriterion(
    sizeAverage
  )
}

/** `(log(max(x, 1e-7) + 1) - log(max(t, 1e-7) + 1))²`, averaged. Input and target have the same number of elements. */
class MeanSquaredLogarithmicCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object MeanSquaredLogarithmicCriterion {
  def apply(sizeAverage: Boolean = true): MeanSquaredLogarithmicCriterion = new MeanSquaredLogarithmicCriterion(
    sizeAverage
  )
}

/** Poisson negative log-likelihood `x - t·log(x + 1e-7)`, averaged. Input and target have the same number of elements. */
class PoissonCriterion(val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("sizeAverage" -> SpecAttr.bool(sizeAverage))
}

object PoissonCriterion {
  def apply(sizeAverage: Boolean = true): PoissonCriterion = new PoissonCriterion(sizeAverage)
}

/** Binary cross-entropy on probabilities in (0, 1), with optional weights per element of a row. */
class BCECriterion(val weights: Tensor = null, val sizeAverage: Boolean = true) extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage)) ++
      Option(weights).map(w => "weights" -> SpecAttr.floats(w.storage.map(_.toDouble).toSeq)).toSeq
}

object BCECriterion {
  def apply(weights: Tensor = null, sizeAverage: Boolean = true): BCECriterion = new BCECriterion(weights, sizeAverage)
}

/** Hinge loss `max(0, margin - x·t)` (squared when `squared`), targets in {-1, 1}. */
class MarginCriterion(val margin: Double = 1.0, val sizeAverage: Boolean = true, val squared: Boolean = false)
    extends AbstractCriterion {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "margin" -> SpecAttr.floats(Seq(margin)),
    "sizeAverage" -> SpecAttr.bool(sizeAverage),
    "squared" -> SpecAttr.bool(squared)
  )
}

object MarginCriterion {
  def apply(margin: Double = 1.0, sizeAverage: Boolean = true, squared: Boolean = false): MarginCriterion =
    new MarginCriterion(margin, sizeAverage, squared)
}
