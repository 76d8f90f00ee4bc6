package ferrodl.optim

/** Where training stands, as triggers see it (epoch and iteration are 1-based, as in BigDL). */
final case class TrainingState(epoch: Int, iteration: Int, loss: Double, epochFinished: Boolean)

/** A condition on the training state: when to stop, validate or checkpoint. */
trait Trigger extends Serializable {
  def apply(state: TrainingState): Boolean
}

object Trigger {

  /** True once `n` epochs are done. */
  def maxEpoch(n: Int): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.epoch > n
    override def toString: String = s"maxEpoch($n)"
  }

  /** True once `n` iterations are done. */
  def maxIteration(n: Int): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.iteration > n
    override def toString: String = s"maxIteration($n)"
  }

  /** True at the end of every epoch. */
  def everyEpoch: Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.epochFinished
    override def toString: String = "everyEpoch"
  }

  /** True every `n` iterations. */
  def severalIteration(n: Int): Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = s.iteration > 1 && (s.iteration - 1) % n == 0
    override def toString: String = s"severalIteration($n)"
  }
}
