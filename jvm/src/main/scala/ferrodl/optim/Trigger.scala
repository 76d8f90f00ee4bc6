package ferrodl.optim

/**
 * Where training stands, as triggers see it (epoch and iteration are 1-based, as in BigDL).
 * `lastSteps` is how many iterations the last update covered: 1, or up to k with local SGD
 * (`Optimizer.setLocalSteps(k)`), where triggers are evaluated once per round of k iterations.
 */
final case class TrainingState(
    epoch: Int,
    iteration: Int,
    loss: Double,
    epochFinished: Boolean,
    score: Double = Double.NaN,
    lastSteps: Int = 1
)

/** A condition on the training state: when to stop, validate or checkpoint. */
trait Trigger extends Serializable {
  def apply(state: TrainingState): Boolean

  /**
   * How much of the way to firing training is, from 0 to 1, when that is known (end triggers on
   * epochs or iterations); `epochFraction` is the share of the current epoch done. For ETAs.
   */
  def fractionDone(state: TrainingState, epochFraction: Double): Option[Double] = None

  /**
   * How many more iterations can run before this trigger may fire, when that is known
   * (iteration-count triggers): local SGD shortens its last round so as not to overshoot.
   */
  def iterationsLeft(state: TrainingState): Option[Int] = None
}

object Trigger {

  /** True once `n` epochs are done. */
  def maxEpoch(n: Int): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.epoch > n
    override def fractionDone(s: TrainingState, f: Double): Option[Double] = Some(math.min(1.0, (s.epoch - 1 + f) / n))
    override def toString: String = s"maxEpoch($n)"
  }

  /** True once `n` iterations are done. */
  def maxIteration(n: Int): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.iteration > n
    override def fractionDone(s: TrainingState, f: Double): Option[Double] = Some(
      math.min(1.0, (s.iteration - 1.0) / n)
    )
    override def iterationsLeft(s: TrainingState): Option[Int] = Some(n - s.iteration + 1)
    override def toString: String = s"maxIteration($n)"
  }

  /** True at the end of every epoch. */
  def everyEpoch: Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.epochFinished
    override def toString: String = "everyEpoch"
  }

  /** True once the last validation score (the first method's) exceeds `max`. */
  def maxScore(max: Float): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = !s.score.isNaN && s.score > max
    override def toString: String = s"maxScore($max)"
  }

  /** True once the training loss falls below `min`. */
  def minLoss(min: Float): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = !s.loss.isNaN && s.loss < min
    override def toString: String = s"minLoss($min)"
  }

  /** True when all of the triggers are. */
  def and(first: Trigger, others: Trigger*): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = (first +: others).forall(_(s))
    override def fractionDone(s: TrainingState, f: Double): Option[Double] =
      (first +: others).flatMap(_.fractionDone(s, f)).reduceOption((a: Double, b: Double) => math.min(a, b))
    override def iterationsLeft(s: TrainingState): Option[Int] =
      (first +: others).flatMap(_.iterationsLeft(s)).reduceOption(math.min)
    override def toString: String = (first +: others).mkString("and(", ", ", ")")
  }

  /** True when any of the triggers is. */
  def or(first: Trigger, others: Trigger*): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = (first +: others).exists(_(s))
    override def fractionDone(s: TrainingState, f: Double): Option[Double] =
      (first +: others).flatMap(_.fractionDone(s, f)).reduceOption((a: Double, b: Double) => math.max(a, b))
    override def iterationsLeft(s: TrainingState): Option[Int] =
      (first +: others).flatMap(_.iterationsLeft(s)).reduceOption(math.min)
    override def toString: String = (first +: others).mkString("or(", ", ", ")")
  }

  /**
   * True every `n` iterations (with local SGD: after the round in which a multiple of `n` was
   * reached).
   */
  def severalIteration(n: Int): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = {
      val done = s.iteration - 1
      done >= 1 && done / n > math.max(0, done - s.lastSteps) / n
    }
    override def toString: String = s"severalIteration($n)"
  }
}
