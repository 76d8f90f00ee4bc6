package ferrodl.optim

import ferrodl.engine.Native
import ferrodl.nn.abstractnn.AbstractModule
import org.slf4j.LoggerFactory

/** How often a failed training job is retried: `ferrodl.failure.retryTimes` within a window. */
private[optim] final case class RetryPolicy(times: Int, intervalSeconds: Long)

private[optim] object RetryPolicy {

  /** From system properties, or the `spark.`-prefixed Spark configuration keys. */
  def current(conf: String => Option[String]): RetryPolicy = {
    def get(key: String, default: Long): Long =
      conf(key).orElse(conf(s"spark.$key")).map(_.trim.toLong).getOrElse(default)
    RetryPolicy(get("ferrodl.failure.retryTimes", 5).toInt, get("ferrodl.failure.retryTimeInterval", 120))
  }
}

/**
 * The driver's loop, shared by distributed and local training. Per iteration: the optimizer
 * computes the gradient sum of the global batch from the current weights; the loop normalises
 * it, applies the native optimisation method, logs, writes summaries, validates and
 * checkpoints when their triggers fire. A failed iteration is retried from the latest
 * checkpoint (or, without one, from the weights in memory) up to the retry policy's limit.
 */
private[optim] final class TrainingLoop(opt: Optimizer) {
  private val log = LoggerFactory.getLogger(opt.getClass)

  private val model: AbstractModule = opt.model
  private val method: OptimMethod = opt.optimMethod
  private var weights: Array[Float] = _
  private var buffers: Array[Float] = _
  private var progress: TrainingProgress = _
  private var methods: MethodSet = _

  /** The flat-buffer ranges of frozen modules, which no step may change. */
  private var frozen: Seq[(Int, Int)] = Nil

  /** Iterations per Spark job (local SGD, [[LocalSgd]]); 1 for synchronous SGD. */
  private var localSteps = 1

  private def describeMethods: String =
    if (opt.optimMethods.isEmpty) method.describe()
    else opt.optimMethods.toSeq.sortBy(_._1).map { case (k, m) => s"$k: ${m.describe()}" }.mkString("{", "; ", "}")

  /** What a Plateau schedule monitors ("score" or "Loss"), reported to the native method. */
  private val monitor: Option[String] = method.plateauMonitor

  def run(): AbstractModule = {
    val numSamples = opt.prepare()
    try {
      require(numSamples > 0, "the training data is empty")
      val init = model.getState()
      weights = init.weights
      buffers = init.buffers
      progress = Option(method.progress).getOrElse(TrainingProgress.start(opt.seed))
      methods = MethodSet.create(opt, weights.length)
      frozen = model.frozenRanges
      localSteps = if (opt.supportsLocalSteps) LocalSgd.steps(opt) else 1
      if (localSteps > 1) LocalSgd.check(opt, localSteps)
      log.info(
        s"Training ${model.getName()} (${weights.length} parameters) on $numSamples records ${opt.describeData}, " +
          s"batch ${opt.batchSize}, ${describeMethods}, until ${opt.endWhen}" +
          (if (localSteps > 1) s", $localSteps local steps per round" else "") +
          (if (opt.clipping.isEmpty) ""
           else s", clipping ${opt.clipping.map(a => s"${a._1}=${a._2}").mkString(", ")}") +
          (if (progress.iteration > 1) s", continuing at epoch ${progress.epoch} iteration ${progress.iteration}"
           else "")
      )
      opt.timings = Vector.empty
      opt.retries = 0
      opt.skippedBatches = 0L
      loop(numSamples)
      model.setState(ModelState(weights, buffers))
      methods.store(progress)
      model
    } finally {
      if (methods != null) methods.close()
      opt.cleanup()
    }
  }

  private def loop(numSamples: Long): Unit = {
    val policy = RetryPolicy.current(opt.conf)
    val skipNaN = NaNPolicy.current(opt) == NaNPolicy.Skip
    var failures = 0
    var lastFailure = 0L
    val start = System.nanoTime()
    var epochStart = start
    val startFraction = opt.endWhen.fractionDone(progress.triggerState, progress.recordsThisEpoch.toDouble / numSamples)
    while (!opt.endWhen(progress.triggerState)) {
      val t0 = System.nanoTime()
      val steps =
        if (localSteps > 1) LocalSgd.roundSteps(localSteps, progress, numSamples, opt.batchSize, opt.endWhen) else 1
      val label =
        if (steps > 1) s"epoch ${progress.epoch} iterations ${progress.iteration}-${progress.iteration + steps - 1}"
        else s"epoch ${progress.epoch} iteration ${progress.iteration}"
      val computed =
        try {
          val part =
            if (steps > 1)
              opt.computeLocalRound(
                ModelState(weights, buffers),
                round(steps),
                progress.iteration - 1L,
                progress.seed,
                label
              )
            else opt.computeGradients(ModelState(weights, buffers), progress.iteration - 1L, progress.seed, label)
          val t2 = System.nanoTime()
          val rate = methods.currentRate(progress.epoch)
          val badGradient = if (steps > 1) Native.firstNonFinite(part.grads) else normalise(part)
          NaNPolicy.problemOf(part, model, lossOf(part), badGradient) match {
            case Some(problem) => Some((part, t2, rate, 0, Some(nonFinite(label, problem, skipNaN))))
            case None =>
              // Under "skip", a step that makes a weight non-finite is undone: weights and state.
              val saved = if (skipNaN) Some((weights.clone(), methods.entries.map(_.native.getState()))) else None
              val evaluations =
                if (steps > 1) { methods.entries.head.native.setState(LocalSgd.average(part, weights)); 0 }
                else stepMethods(part, label)
              val problem = NaNPolicy.problemOfWeights(weights, model).map(nonFinite(label, _, skipNaN))
              for (_ <- problem; (w, states) <- saved) {
                weights = w
                methods.entries.zip(states).foreach { case (e, st) => e.native.setState(st) }
              }
              Some((part, t2, rate, evaluations, problem))
          }
        } catch {
          case e: Exception if opt.retryable(e) =>
            if (t0 - lastFailure > policy.intervalSeconds * 1000000000L) failures = 0
            failures += 1
            lastFailure = t0
            if (failures > policy.times) {
              log.error(s"$label failed ${policy.times + 1} times within ${policy.intervalSeconds}s; giving up")
              throw e
            }
            opt.retries += 1
            log.warn(s"$label failed (retry $failures of ${policy.times}): ${firstLine(e)}")
            reload()
            None
        }
      computed.foreach { case (part, t2, rate, evaluations, skipped) =>
        if (buffers.nonEmpty && skipped.isEmpty) buffers = part.buffers.map(_ / part.parts)
        val t3 = System.nanoTime()
        val loss = if (skipped.isEmpty) lossOf(part) else progress.loss
        if (monitor.contains("Loss") && skipped.isEmpty) methods.observe(loss)
        val timing = IterationTiming(
          part.fetchNanos / 1e6 + part.broadcastNanos / 1e6,
          part.computeNanos / 1e6,
          math.max(0L, t2 - t0 - part.broadcastNanos - part.fetchNanos - part.computeNanos) / 1e6,
          (t3 - t0) / 1e6,
          (t3 - t2) / 1e6,
          steps
        )
        opt.timings = opt.timings :+ timing
        val records = progress.recordsThisEpoch + part.count
        val throughput = part.count / ((t3 - t0) / 1e9)
        log.info(
          f"[Epoch ${progress.epoch} $records/$numSamples][Iteration ${progress.iteration}][Wall Clock ${(t3 - start) / 1e9}%.3fs] " +
            f"Trained ${part.count} records in ${(t3 - t0) / 1e9}%.4f seconds. Throughput is $throughput%.1f records/second. " +
            f"Loss is $loss%.5f. Learning rate $rate%.5g. (broadcast ${timing.broadcastMs}%.1f ms, compute ${timing.computeMs}%.1f ms, " +
            f"aggregate ${timing.aggregateMs}%.1f ms, update ${timing.updateMs}%.1f ms)" +
            (if (evaluations > 0) s", $evaluations line-search evaluations" else "")
        )
        opt.status =
          f"epoch ${progress.epoch} $records/$numSamples iteration ${progress.iteration} loss $loss%.5f $throughput%.0f records/s"
        skipped.foreach { problem =>
          opt.skippedBatches += 1
          log.warn(s"$problem; skipped this iteration's update (nanPolicy skip, ${opt.skippedBatches} skipped)")
        }
        val epochDone = records >= numSamples
        val done = progress.iteration + steps - 1
        progress = progress.copy(
          epoch = if (epochDone) progress.epoch + 1 else progress.epoch,
          iteration = done + 1,
          recordsThisEpoch = if (epochDone) 0L else records,
          loss = loss,
          epochFinished = epochDone,
          lastSteps = steps
        )
        if (epochDone) {
          val seconds = (System.nanoTime() - epochStart) / 1e9
          val f = opt.endWhen.fractionDone(progress.triggerState, 0.0)
          val eta =
            for (f1 <- f; f0 <- startFraction if f1 > f0) yield (System.nanoTime() - start) / 1e9 * (1 - f1) / (f1 - f0)
          log.info(
            f"Epoch ${progress.epoch - 1} done in $seconds%.1f s (${numSamples / seconds}%.0f records/s), loss $loss%.5f" +
              eta.map(s => f", ETA $s%.0f s").getOrElse("")
          )
          epochStart = System.nanoTime()
        }
        if (skipped.isEmpty) summarise(done, loss, throughput, rate, part.grads)
        validate(done)
        saveCheckpoint()
        opt.recycle(part)
      }
    }
  }

  /**
   * An iteration's non-finite problem: under the "fail" policy an error naming the iteration and
   * the layer; under "skip" its text for the warning.
   */
  private def nonFinite(label: String, problem: String, skip: Boolean): String = {
    val text = s"NaN or infinity at $label: $problem"
    if (skip) text
    else throw new IllegalArgumentException(s"""$text (Optimizer.setNaNPolicy("skip") skips such iterations)""")
  }

  /**
   * Divides the gradient sum by the loss normaliser (the records, or what the criterion says);
   * returns the index of the first non-finite value of the result, or -1. One native pass.
   */
  private def normalise(part: GradPart): Int =
    Native.scaleFirstNonFinite(part.grads, if (part.norm > 0) (1.0 / part.norm).toFloat else 1.0f)

  /** What a local SGD round of `steps` iterations sends out besides the model state. */
  private def round(steps: Int): LocalSgd.Round =
    LocalSgd.Round(methodSpec, methods.entries.head.native.getState(), progress.epoch, steps, frozen)

  private lazy val methodSpec: Array[Byte] = method.toSpec(opt.clipping).encode()

  private def lossOf(part: GradPart): Double = if (part.norm > 0) part.lossSum / part.norm else part.lossSum

  /**
   * Applies the methods to the iteration's gradient. A method with a line search evaluates the
   * loss and gradient at its trial points on the same mini-batch (same iteration and seed: one
   * job each); the weights change only when its step ends. Frozen modules' weights are put back
   * afterwards (weight decay or momentum would move them). Returns the extra evaluations.
   */
  private def stepMethods(part: GradPart, label: String): Int = {
    val kept = frozen.map { case (o, n) => java.util.Arrays.copyOfRange(weights, o, o + n) }
    val evaluations =
      if (!methods.searches) { methods.step(weights, part.grads, progress.epoch); 0 }
      else {
        methods.searchStep(weights, part.grads, lossOf(part), progress.epoch) { w =>
          val at =
            opt.computeGradients(ModelState(w, buffers), progress.iteration - 1L, progress.seed, s"$label line search")
          normalise(at)
          (lossOf(at), at.grads)
        }
      }
    frozen.zip(kept).foreach { case ((o, n), w) => System.arraycopy(w, 0, weights, o, n) }
    evaluations
  }

  private def firstLine(e: Throwable): String =
    Option(e.getMessage).getOrElse(e.toString).linesIterator.take(2).mkString(" ")

  /** Back to the latest checkpoint, if there is one; otherwise the weights in memory stand. */
  private def reload(): Unit =
    opt.checkpoint.flatMap { case (path, _) => Checkpoint.latest(path) } match {
      case Some(files) =>
        val (_, state, saved) = Checkpoint.load(files)
        weights = state.weights
        buffers = state.buffers
        progress = saved.progress
        methods.restore(Checkpoint.loadMethods(files, methods.entries.map(e => e.name -> e.method)) + ("" -> saved))
        log.warn(s"reloaded the checkpoint ${files.modelPath} (${files.iteration} iterations done)")
      case None => log.warn("no checkpoint to reload; retrying from the weights in memory")
    }

  private def summarise(step: Int, loss: Double, throughput: Double, rate: Double, grads: Array[Float]): Unit =
    opt.trainSummary.foreach { s =>
      val state = progress.triggerState
      if (s.due("Loss", state)) s.addScalar("Loss", loss.toFloat, step)
      if (s.due("Throughput", state)) s.addScalar("Throughput", throughput.toFloat, step)
      if (s.due("LearningRate", state)) s.addScalar("LearningRate", rate.toFloat, step)
      if (s.due("Parameters", state)) {
        s.addHistogram("Parameters/weights", weights, step)
        s.addHistogram("Parameters/gradients", grads, step)
      }
    }

  private def validate(step: Int): Unit = opt.validation.foreach { v =>
    if (v.trigger(progress.triggerState)) {
      log.info(s"Validating after iteration $step")
      model.setState(ModelState(weights, buffers))
      val results = v.run(model)
      results.foreach { case (r, m) => log.info(s"${m.format()} is $r") }
      opt.validationSummary.foreach(s =>
        results.foreach { case (r, m) => s.addScalar(m.format(), r.result()._1, step) }
      )
      val score = results.head._1.result()._1.toDouble
      val better = progress.bestScore.isNaN ||
        (if (v.methods.head.higherIsBetter) score > progress.bestScore else score < progress.bestScore)
      progress = progress.copy(score = score, bestScore = if (better) score else progress.bestScore)
      if (monitor.contains("score")) methods.observe(score)
    }
  }

  private def saveCheckpoint(): Unit = opt.checkpoint.foreach { case (path, trigger) =>
    if (trigger(progress.triggerState)) {
      methods.store(progress)
      val extra = if (methods.single) Nil else methods.entries.map(e => e.name -> e.method)
      val files = Checkpoint.save(path, model.toSpec, ModelState(weights, buffers), method, opt.overWrite, extra)
      log.info(s"Checkpoint after ${files.iteration} iterations: ${files.modelPath}, ${files.methodPath}")
    }
  }
}
