package ferrodl.optim

import ferrodl.nn.{SpecAttr, SpecNode}

/**
 * Stochastic gradient descent, as BigDL's `SGD`. By default the learning rate at step t (from 0)
 * is `learningRate / (1 + t * learningRateDecay)`; `learningRateSchedule` replaces that.
 * `dampening` defaults to `momentum`.
 */
class SGD(
    var learningRate: Double = 1e-3,
    var learningRateDecay: Double = 0.0,
    var weightDecay: Double = 0.0,
    var momentum: Double = 0.0,
    var dampening: Double = Double.MaxValue,
    var nesterov: Boolean = false,
    learningRateSchedule: LearningRateSchedule = null
) extends OptimMethod {
  if (learningRateSchedule != null) setLearningRateSchedule(learningRateSchedule)

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "learningRate" -> SpecAttr.floats(Seq(learningRate)),
    "learningRateDecay" -> SpecAttr.floats(Seq(learningRateDecay)),
    "weightDecay" -> SpecAttr.floats(Seq(weightDecay)),
    "momentum" -> SpecAttr.floats(Seq(momentum)),
    "dampening" -> SpecAttr.floats(Seq(if (dampening == Double.MaxValue) momentum else dampening)),
    "nesterov" -> SpecAttr.bool(nesterov)
  )
}

/** BigDL's learning-rate schedules (usable with every method). */
object SGD {
  private def node(kind: String, attrs: (String, SpecAttr)*): SpecNode = SpecNode(kind, "", attrs, Nil)
  private def f(v: Double): SpecAttr = SpecAttr.floats(Seq(v))

  /** `lr / (1 + t * learningRateDecay)`. */
  case class Default() extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Default")
  }

  /** `lr * gamma ^ floor(t / stepSize)`. */
  case class Step(stepSize: Int, gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Step", "stepSize" -> SpecAttr.int(stepSize), "gamma" -> f(gamma))
  }

  /** `lr * gamma ^ (number of stepSizes <= t)`. */
  case class MultiStep(stepSizes: Array[Int], gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("MultiStep", "stepSizes" -> SpecAttr.ints(stepSizes), "gamma" -> f(gamma))
  }

  /** `lr * (1 - t / maxIteration) ^ power`, 0 afterwards. */
  case class Poly(power: Double, maxIteration: Int) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Poly", "power" -> f(power), "maxIteration" -> SpecAttr.int(maxIteration))
  }

  /** `lr * decayRate ^ (t / decayStep)`, the exponent floored when `stairCase`. */
  case class Exponential(decayStep: Int, decayRate: Double, stairCase: Boolean = false) extends LearningRateSchedule {
    override def toSpec: SpecNode = node(
      "Exponential",
      "decayStep" -> SpecAttr.int(decayStep),
      "decayRate" -> f(decayRate),
      "stairCase" -> SpecAttr.bool(stairCase)
    )
  }

  /** `lr * exp(-gamma * floor(t / decay_step))`. */
  case class NaturalExp(decay_step: Int, gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("NaturalExp", "decay_step" -> SpecAttr.int(decay_step), "gamma" -> f(gamma))
  }

  /** `lr + delta * t`. */
  case class Warmup(delta: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("Warmup", "delta" -> f(delta))
  }

  /** `lr * gamma ^ floor(epoch / stepSize)`, by (1-based) epoch. */
  case class EpochStep(stepSize: Int, gamma: Double) extends LearningRateSchedule {
    override def toSpec: SpecNode = node("EpochStep", "stepSize" -> SpecAttr.int(stepSize), "gamma" -> f(gamma))
  }
}
