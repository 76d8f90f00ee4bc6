package ferrodl.optim

/**
 * The driver's side of a training run, kept in the optimisation method (as BigDL keeps epoch
 * and `neval` in its state) so that a checkpoint or a second `optimize()` continues from it.
 * `iteration` is the next iteration to run (1-based); `recordsThisEpoch` counts records of the
 * unfinished epoch; `score` and `bestScore` are the first validation method's last and best; `seed` drives shuffling and dropout, so a resumed run sees the same batches; `lastSteps` is
 * the iterations the last update covered (more than 1 with local SGD).
 */
final case class TrainingProgress(
    epoch: Int,
    iteration: Int,
    recordsThisEpoch: Long,
    seed: Long,
    loss: Double = Double.NaN,
    score: Double = Double.NaN,
    bestScore: Double = Double.NaN,
    epochFinished: Boolean = false,
    lastSteps: Int = 1
) {
  def triggerState: TrainingState = TrainingState(epoch, iteration, loss, epochFinished, score, lastSteps)
}

object TrainingProgress {
  def start(seed: Long): TrainingProgress = TrainingProgress(1, 1, 0L, seed)
}
