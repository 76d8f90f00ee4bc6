package ferrodl.optim

import ferrodl.engine.{Native, NativeOptim, Worker}
import ferrodl.nn.abstractnn.Activity

/**
 * Local SGD, or periodic model averaging (`Optimizer.setLocalSteps(k)`, or the
 * `ferrodl.localSteps` system property or Spark configuration key; default 1). With k > 1, one
 * Spark job runs a round of k iterations: every partition starts from the broadcast weights and
 * optimisation state, takes k steps of the method on its own share of each global batch
 * (normalised by its own records), and sends back how far its weights moved and its method's
 * state. The driver moves the weights by the partitions' average displacement and takes the
 * average of their states (momentum, moments). One job and two trips of the weights per k
 * iterations instead of per iteration: for small models, whose iterations are dominated by the
 * Spark job's fixed cost, most of the time per iteration goes away. The partitions see
 * gradients of smaller batches between averages, which changes the trajectory; the accuracy
 * effect is measured in `docs/local-sgd.md`.
 *
 * A round never crosses the end of an epoch or an iteration-count end trigger; triggers are
 * evaluated after each round (`severalIteration(n)` fires after the round that reaches a
 * multiple of n). Methods with per-submodule slices (`setOptimMethods`) or with L-BFGS history
 * are refused. Local training (`LocalOptimizer`) synchronises every iteration and ignores it.
 */
private[optim] object LocalSgd {
  val Key = "ferrodl.localSteps"

  /** `value` as a step count of at least 1, or an error naming `source`. */
  def parse(value: String, source: String): Int = {
    val k =
      try value.trim.toInt
      catch { case _: NumberFormatException => -1 }
    require(k >= 1, s"$source must be an integer of at least 1, got '$value'")
    k
  }

  /** The steps per round in force: the optimizer's own, else `ferrodl.localSteps`, else 1. */
  def steps(opt: Optimizer): Int =
    opt.localSteps.getOrElse(opt.conf(Key).orElse(opt.conf(s"spark.$Key")).map(parse(_, Key)).getOrElse(1))

  /** Refuses the methods whose states have no meaningful average. */
  def check(opt: Optimizer, k: Int): Unit = {
    require(
      opt.optimMethods.isEmpty,
      s"local steps ($k) need one optimisation method for the whole model; setOptimMethods gives several"
    )
    require(
      !opt.optimMethod.isInstanceOf[LBFGS],
      s"local steps ($k) average the partitions' method states; LBFGS's history has no average"
    )
  }

  /**
   * The iterations of the next round: up to `k`, but not past the end of the epoch or an
   * iteration-count end trigger.
   */
  def roundSteps(k: Int, progress: TrainingProgress, numSamples: Long, batchSize: Int, end: Trigger): Int = {
    val leftInEpoch = math.max(1L, (numSamples - progress.recordsThisEpoch + batchSize - 1) / batchSize)
    val leftToEnd = end.iterationsLeft(progress.triggerState).getOrElse(Int.MaxValue)
    math.max(1, math.min(k.toLong, math.min(leftInEpoch, leftToEnd.toLong)).toInt)
  }

  /** What a round sends out besides the model state: the method, its state and the frozen slices. */
  final case class Round(
      methodSpec: Array[Byte],
      methodState: Array[Byte],
      epoch: Int,
      steps: Int,
      frozen: Seq[(Int, Int)]
  )

  /**
   * One partition's round on an executor: `steps` iterations from `start`, the batch of round
   * step `s` from `batch(s)` (input, target, dropout seed). Returns a [[GradPart]] whose
   * gradient slot holds the displacement `start - end` of the weights, whose loss is the mean of
   * the steps' normalised losses (`lossSum / norm` with `norm = 1`), with the method's final
   * state in `methodState`. A NaN or infinity ends the round with the part marked non-finite.
   */
  def runPartition(
      worker: Worker,
      round: Round,
      start: ModelState,
      records: Long,
      where: String
  )(batch: Int => (Activity, Activity, Long)): GradPart = {
    val criterion = worker.criterion.getOrElse(throw new IllegalStateException("local steps need a criterion"))
    val weights = start.weights.clone()
    val grads = new Array[Float](weights.length)
    val optim = new NativeOptim(Native.createOptim(round.methodSpec))
    try {
      optim.setState(round.methodState)
      worker.model.setState(start)
      var losses = 0.0
      var s = 0
      while (s < round.steps) {
        val (x, y, seed) = batch(s)
        if (s > 0) worker.model.setWeights(weights)
        val (loss, norm) = worker.model.trainBatchActivity(criterion, x, y, grads, seed)
        val bad = Native.scaleFirstNonFinite(grads, if (norm > 0) (1.0 / norm).toFloat else 1.0f)
        val l = if (norm > 0) loss / norm else loss
        if (bad >= 0 || !java.lang.Double.isFinite(l)) {
          val what = if (bad >= 0) s"gradient contains a non-finite value at flat index $bad" else s"loss is $l"
          return NaNPolicy.failedPart(
            new IllegalArgumentException(s"local step ${s + 1} of ${round.steps}: the $what"),
            where,
            weights.length,
            start.buffers.length,
            records
          )
        }
        losses += l
        val kept = round.frozen.map { case (o, n) => java.util.Arrays.copyOfRange(weights, o, o + n) }
        optim.step(weights, grads, round.epoch)
        round.frozen.zip(kept).foreach { case ((o, n), w) => System.arraycopy(w, 0, weights, o, n) }
        s += 1
      }
      var i = 0
      while (i < weights.length) { weights(i) = start.weights(i) - weights(i); i += 1 }
      val part = new GradPart(weights, worker.model.getBuffers(), 1, losses / round.steps, 1.0, records, 0L, 0L)
      part.methodState = optim.getState()
      part
    } finally optim.close()
  }

  /**
   * The driver's side of a round: moves `weights` by the partitions' average displacement (the
   * part's summed displacement over its `parts`) and returns their average method state.
   */
  def average(part: GradPart, weights: Array[Float]): Array[Byte] = {
    val scale = 1.0f / part.parts
    var i = 0
    while (i < weights.length) { weights(i) -= part.grads(i) * scale; i += 1 }
    Native.scaleOptimState(part.methodState, scale)
  }
}
