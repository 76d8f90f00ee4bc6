package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.SpecAttr
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import ferrodl.visualization.{TrainSummary, ValidationSummary}
import org.apache.spark.rdd.RDD

/** A validation set and how to evaluate the model on it. */
private[optim] final case class Validation(
    trigger: Trigger,
    methods: Array[ValidationMethod],
    run: AbstractModule => Array[(ValidationResult, ValidationMethod)]
)

/**
 * Trains a model, in BigDL's shape:
 * {{{
 * Optimizer(model = m, sampleRDD = rdd, criterion = ClassNLLCriterion(), batchSize = 128)
 *   .setOptimMethod(new SGD(learningRate = 0.05))
 *   .setEndWhen(Trigger.maxEpoch(2))
 *   .setValidation(Trigger.everyEpoch, testRdd, Array(new Top1Accuracy), 128)
 *   .setCheckpoint("/tmp/ckpt", Trigger.everyEpoch)
 *   .setTrainSummary(TrainSummary("/tmp/logs", "lenet"))
 *   .optimize()
 * }}}
 * The loop itself is in [[TrainingLoop]]; subclasses say how gradients are computed.
 */
abstract class Optimizer(val model: AbstractModule, val criterion: AbstractCriterion, val batchSize: Int) {
  require(batchSize > 0, s"batchSize must be positive, got $batchSize")

  private[optim] var optimMethod: OptimMethod = new SGD()
  private[optim] var endWhen: Trigger = Trigger.maxEpoch(1)
  private[optim] var validation: Option[Validation] = None
  private[optim] var seed: Long = 1L
  private[optim] var clipping: Seq[(String, SpecAttr)] = Nil
  private[optim] var checkpoint: Option[(String, Trigger)] = None
  private[optim] var overWrite: Boolean = false
  private[optim] var trainSummary: Option[TrainSummary] = None
  private[optim] var validationSummary: Option[ValidationSummary] = None

  def setOptimMethod(method: OptimMethod): this.type = { optimMethod = method; this }

  private[optim] var optimMethods: Map[String, OptimMethod] = Map.empty

  /**
   * Different methods for different submodules, by name (BigDL's `setOptimMethods`): each method
   * updates the parameters of its submodule; together they must cover every parameter.
   * Checkpoints keep each method's state (`optimMethod-<name>.N`).
   */
  def setOptimMethods(methods: Map[String, OptimMethod]): this.type = {
    require(methods.nonEmpty, "setOptimMethods needs at least one method")
    optimMethods = methods
    optimMethod = methods.toSeq.minBy(_._1)._2
    this
  }

  def getOptimMethod: OptimMethod = optimMethod

  def setEndWhen(trigger: Trigger): this.type = { endWhen = trigger; this }

  /** Evaluates `vMethods` on `sampleRDD` (distributed) whenever `trigger` fires. */
  def setValidation(
      trigger: Trigger,
      sampleRDD: RDD[Sample],
      vMethods: Array[ValidationMethod],
      batchSize: Int
  ): this.type = {
    require(vMethods.nonEmpty, "setValidation needs at least one validation method")
    validation = Some(Validation(trigger, vMethods, m => Evaluator.evaluate(m, sampleRDD, vMethods, Some(batchSize))))
    this
  }

  /**
   * Evaluates `vMethods` on in-memory samples (in this JVM) whenever `trigger` fires: for
   * LocalOptimizer. (Another name than `setValidation`, so that `Array(new Top1Accuracy)` infers.)
   */
  def setLocalValidation(
      trigger: Trigger,
      samples: Array[Sample],
      vMethods: Array[ValidationMethod],
      batchSize: Int
  ): this.type = {
    require(vMethods.nonEmpty, "setValidation needs at least one validation method")
    validation = Some(Validation(trigger, vMethods, m => Evaluator.evaluateLocal(m, samples, vMethods, batchSize)))
    this
  }

  /**
   * Writes a checkpoint to the folder `path` (any Hadoop file system) whenever `trigger` fires:
   * `model.N` and `optimMethod.N` after N iterations. `resume(path)` continues from the latest.
   */
  def setCheckpoint(path: String, trigger: Trigger): this.type = {
    checkpoint = Some((path, trigger))
    this
  }

  /** Keeps only the latest checkpoint (older ones are deleted once the new one is complete). */
  def overWriteCheckpoint(): this.type = { overWrite = true; this }

  /** Records Loss, Throughput, LearningRate (and Parameters on its trigger) for TensorBoard. */
  def setTrainSummary(summary: TrainSummary): this.type = { trainSummary = Option(summary); this }

  /** Records every validation method's score for TensorBoard. */
  def setValidationSummary(summary: ValidationSummary): this.type = { validationSummary = Option(summary); this }

  /** Clamps every element of the aggregated gradient to `[min, max]` before the update. */
  def setConstantGradientClipping(min: Double, max: Double): this.type = {
    require(min <= max, s"clipping min $min must be <= max $max")
    clipping = clipping.filterNot(a => a._1 == "clipMin" || a._1 == "clipMax") ++
      Seq("clipMin" -> SpecAttr.floats(Seq(min)), "clipMax" -> SpecAttr.floats(Seq(max)))
    this
  }

  /** Scales the aggregated gradient down to L2 norm `clipNorm` when it is larger. */
  def setGradientClippingByl2Norm(clipNorm: Double): this.type = {
    require(clipNorm > 0, s"clipNorm must be > 0, got $clipNorm")
    clipping = clipping.filterNot(_._1 == "clipNorm") :+ ("clipNorm" -> SpecAttr.floats(Seq(clipNorm)))
    this
  }

  /** Turns both kinds of clipping off. */
  def disableGradientClipping(): this.type = { clipping = Nil; this }

  /** The seed of data shuffling and dropout (a resumed run keeps its checkpoint's seed). */
  def setSeed(s: Long): this.type = { seed = s; this }

  private[optim] var dropInvalidSamples: Boolean = false

  /**
   * With `true`, training leaves out malformed samples (shapes unlike the rest of their partition,
   * NaN or infinity) and logs how many; by default such a sample stops training with an
   * error naming its partition and row.
   */
  def setDropInvalidSamples(drop: Boolean): this.type = { dropInvalidSamples = drop; this }

  /** How many samples the last run left out (see [[setDropInvalidSamples]]). */
  @volatile var droppedSamples: Long = 0L

  private[optim] var nanPolicy: Option[String] = None

  /**
   * What a NaN or infinity in an iteration's loss, gradients or updated weights does: `"fail"`
   * (the default; an error naming the iteration and the layer) or `"skip"` (that iteration's
   * update is dropped with a logged warning and counted in [[skippedBatches]]). Without a call,
   * the `ferrodl.nanPolicy` system property or Spark configuration key decides.
   */
  def setNaNPolicy(policy: String): this.type = { nanPolicy = Some(NaNPolicy.parse(policy, "setNaNPolicy")); this }

  /** How many iterations the last run skipped for NaN or infinity (see [[setNaNPolicy]]). */
  @volatile var skippedBatches: Long = 0L

  private[optim] var gradientCompression: Option[String] = None

  /**
   * How partitions send their gradients to the driver on Spark: `"none"` (the default, 32-bit
   * floats) or `"bf16"` (rounded to bfloat16: half the bytes, 8 significant bits; see
   * [[GradientCompression]]). Without a call, the `ferrodl.gradientCompression` system property
   * or Spark configuration key decides. Local training moves no gradients and ignores it.
   */
  def setGradientCompression(kind: String): this.type = {
    gradientCompression = Some(GradientCompression.parse(kind, "setGradientCompression"))
    this
  }

  private[optim] var localSteps: Option[Int] = None

  /**
   * Local SGD on Spark: each Spark job runs `k` iterations, every partition stepping its own copy
   * of the model and method, and the driver then averages weights and method states (see
   * [[LocalSgd]]). One job per `k` iterations instead of per iteration, for small models whose
   * iterations are dominated by Spark's fixed cost per job; `1` (the default) is plain
   * synchronous SGD. Without a call, the `ferrodl.localSteps` system property or Spark
   * configuration key decides. Local training ignores it.
   */
  def setLocalSteps(k: Int): this.type = {
    localSteps = Some(LocalSgd.parse(k.toString, "setLocalSteps"))
    this
  }

  /**
   * Continues from the latest complete checkpoint in `path`: loads the model's weights and
   * buffers and the optimisation method with its state and progress. The checkpoint must be of
   * this optimizer's model (same layers and sizes).
   */
  def resume(path: String): this.type = {
    val files =
      Checkpoint.latest(path).getOrElse(throw new java.io.FileNotFoundException(s"no complete checkpoint in $path"))
    val (spec, state, method) = Checkpoint.load(files)
    if (!java.util.Arrays.equals(Checkpoint.structure(spec), Checkpoint.structure(model.toSpec))) {
      throw new IllegalArgumentException(
        s"the checkpoint ${files.modelPath} holds another model:\n${new ferrodl.nn.SpecModule(spec)}\nthis optimizer trains:\n$model"
      )
    }
    model.setState(state)
    if (optimMethods.isEmpty) optimMethod = method
    else {
      val saved = Checkpoint.loadMethods(files, optimMethods.toSeq)
      optimMethods = optimMethods.map { case (k, m) =>
        k -> saved.getOrElse(k, throw new java.io.FileNotFoundException(s"no state for submodule $k in $path"))
      }
      optimMethod = optimMethods.toSeq.minBy(_._1)._2
      optimMethod.progress = method.progress
    }
    this
  }

  /** The number of times the last `optimize()` recovered from a failed job. */
  @volatile var retries: Int = 0

  /**
   * Where the running `optimize()` is: epoch, records, loss and throughput of the last iteration,
   * for progress displays that poll it (the Python API's progress bar).
   */
  @volatile var status: String = ""

  /** Timings of every iteration of the last `optimize()`. */
  @volatile var timings: Vector[IterationTiming] = Vector.empty

  /** Trains until the end trigger fires; returns the trained model. */
  def optimize(): AbstractModule = new TrainingLoop(this).run()

  // What subclasses provide.

  /** A configuration value: a system property (or, on Spark, the Spark configuration). */
  private[optim] def conf(key: String): Option[String] = sys.props.get(key)

  /** Prepares the training data (once per `optimize()`); returns the number of records. */
  private[optim] def prepare(): Long

  /** Describes the data layout for the start-of-training log line. */
  private[optim] def describeData: String

  /**
   * The gradient sum of the global batch at `iteration` (0-based), computed from `state`, with
   * the per-replica buffers summed.
   */
  private[optim] def computeGradients(state: ModelState, iteration: Long, seed: Long, label: String): GradPart

  /**
   * Hands back an iteration's part once the training loop is done with it (after the update,
   * the summaries and the checkpoint), so that its gradient array may be reused by the next
   * `computeGradients`.
   */
  private[optim] def recycle(part: GradPart): Unit = ()

  /**
   * One round of local SGD ([[LocalSgd]]) from `state`: `round.steps` iterations from
   * `iteration` (0-based), the replicas' summed weight displacements and method states.
   * Optimizers that do not support it train one iteration per round.
   */
  private[optim] def computeLocalRound(
      state: ModelState,
      round: LocalSgd.Round,
      iteration: Long,
      seed: Long,
      label: String
  ): GradPart = throw new UnsupportedOperationException(s"${getClass.getSimpleName} has no local steps")

  /** Whether [[computeLocalRound]] is supported (training on Spark). */
  private[optim] def supportsLocalSteps: Boolean = false

  /** Whether a failure of `computeGradients` may be retried (from the last checkpoint). */
  private[optim] def retryable(e: Throwable): Boolean

  /** Releases what `prepare` set up. */
  private[optim] def cleanup(): Unit
}

object Optimizer {
  def apply(model: AbstractModule, sampleRDD: RDD[Sample], criterion: AbstractCriterion, batchSize: Int): Optimizer =
    new DistriOptimizer(model, sampleRDD, criterion, batchSize)

  /** An optimizer that trains in this JVM on in-memory samples (no Spark), as BigDL's `LocalOptimizer`. */
  def apply(model: AbstractModule, samples: Array[Sample], criterion: AbstractCriterion, batchSize: Int): Optimizer =
    new LocalOptimizer(model, samples, criterion, batchSize)
}
