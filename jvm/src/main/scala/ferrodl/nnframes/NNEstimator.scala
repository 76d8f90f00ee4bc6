package ferrodl.nnframes

import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import ferrodl.optim._
import ferrodl.visualization.{TrainSummary, ValidationSummary}
import org.apache.spark.ml.Estimator
import org.apache.spark.ml.param.ParamMap
import org.apache.spark.ml.util.{Identifiable, MLReadable, MLReader, MLWritable, MLWriter}
import org.apache.spark.sql.{DataFrame, Dataset}
import org.apache.spark.sql.types.StructType

/**
 * Trains a ferrodl model on a DataFrame as a Spark ML `Estimator` (BigDL's `NNEstimator`):
 * {{{
 * val est = NNEstimator(model, MSECriterion(), Array(4), Array(1))
 *   .setBatchSize(64).setMaxEpoch(20).setLearningRate(0.1)
 * val nnModel = est.fit(df)      // an NNModel
 * }}}
 * `fit` turns `featuresCol` and `labelCol` into samples (an ML Vector, an array of numbers or a
 * number per row) and trains with the distributed [[ferrodl.optim.Optimizer]] (seed 1). Each
 * `fit` starts from the same initial weights (a copy of `model`'s) and a fresh copy of the
 * optimisation method, so CrossValidator's fits are independent; `model` itself is not changed.
 * Validation, summaries, checkpoints and gradient clipping are passed on to the Optimizer.
 */
class NNEstimator(override val uid: String, val model: AbstractModule, val criterion: AbstractCriterion)
    extends Estimator[NNModel]
    with NNTrainParams
    with MLWritable {

  def this(model: AbstractModule, criterion: AbstractCriterion) =
    this(Identifiable.randomUID("nnEstimator"), model, criterion)

  /** BigDL's constructor: the shapes of one record's features and label. */
  def this(model: AbstractModule, criterion: AbstractCriterion, featureSize: Array[Int], labelSize: Array[Int]) = {
    this(model, criterion)
    set(this.featureSize, featureSize)
    set(this.labelSize, labelSize)
  }

  require(model != null && criterion != null, "NNEstimator needs a model and a criterion")

  def setFeaturesCol(value: String): this.type = set(featuresCol, value)
  def setLabelCol(value: String): this.type = set(labelCol, value)
  def setPredictionCol(value: String): this.type = set(predictionCol, value)
  def setFeatureSize(value: Array[Int]): this.type = set(featureSize, value)
  def setLabelSize(value: Array[Int]): this.type = set(labelSize, value)
  def setBatchSize(value: Int): this.type = set(batchSize, value)
  def setMaxEpoch(value: Int): this.type = set(maxEpoch, value)
  def setLearningRate(value: Double): this.type = set(learningRate, value)
  def setLearningRateDecay(value: Double): this.type = set(learningRateDecay, value)
  def setOptimMethod(value: OptimMethod): this.type = set(optimMethod, value)
  def setEndWhen(value: Trigger): this.type = set(endWhen, value)

  /** Trains `value` instead of the constructor's model (a Param: grid searches can vary it). */
  def setModelVariant(value: AbstractModule): this.type = set(modelVariant, value)

  /** The model `fit` trains: the `modelVariant` Param when set, else the constructor's. */
  def modelToTrain: AbstractModule = get(modelVariant).getOrElse(model)

  /** Clamps every gradient element to `[min, max]` before each update. */
  def setConstantGradientClipping(min: Double, max: Double): this.type = {
    require(min <= max, s"clipping min $min must be <= max $max")
    set(constantGradientClippingMin, min).set(constantGradientClippingMax, max)
  }

  /** Scales the gradient down to L2 norm `clipNorm` when it is larger. */
  def setGradientClippingByl2Norm(clipNorm: Double): this.type = set(gradientClippingL2Norm, clipNorm)

  /** Turns both kinds of clipping off. */
  def disableGradientClipping(): this.type = {
    clear(constantGradientClippingMin).clear(constantGradientClippingMax).clear(gradientClippingL2Norm)
  }

  @transient private var validation: Option[(Trigger, DataFrame, Array[ValidationMethod], Int)] = None
  @transient private var trainSummary: Option[TrainSummary] = None
  @transient private var validationSummary: Option[ValidationSummary] = None
  private var checkpointTrigger: Trigger = Trigger.everyEpoch
  private var checkpointOverWrite: Boolean = true

  /**
   * Evaluates `vMethods` on `validationDF` (same columns and shapes as the training data) when
   * `trigger` fires. Not saved by `save` (a DataFrame is not a parameter).
   */
  def setValidation(
      trigger: Trigger,
      validationDF: DataFrame,
      vMethods: Array[ValidationMethod],
      batchSize: Int
  ): this.type = {
    require(vMethods.nonEmpty, "setValidation needs at least one validation method")
    require(batchSize > 0, s"validation batchSize must be positive, got $batchSize")
    validation = Some((trigger, validationDF, vMethods, batchSize))
    this
  }

  /** (trigger, DataFrame, methods, batchSize) of the validation, if set. */
  def getValidation: Option[(Trigger, DataFrame, Array[ValidationMethod], Int)] = validation

  def setTrainSummary(summary: TrainSummary): this.type = { trainSummary = Option(summary); this }
  def getTrainSummary: Option[TrainSummary] = trainSummary
  def setValidationSummary(summary: ValidationSummary): this.type = { validationSummary = Option(summary); this }
  def getValidationSummary: Option[ValidationSummary] = validationSummary

  /** Writes checkpoints to `path` when `trigger` fires (`isOverWrite`: keep only the latest). */
  def setCheckpoint(path: String, trigger: Trigger, isOverWrite: Boolean = true): this.type = {
    require(trigger != null, "setCheckpoint needs a trigger")
    checkpointTrigger = trigger
    checkpointOverWrite = isOverWrite
    set(checkpointPath, path)
  }

  /** How training labels are mapped before they reach the criterion (the classifier shifts them). */
  protected def labelMap: Float => Float = NNEstimator.identity

  /** Wraps the trained model. */
  protected def wrap(trained: AbstractModule): NNModel = new NNModel(trained)

  override def transformSchema(schema: StructType): StructType = {
    if (!isDefined(featureSize)) throw new IllegalArgumentException(s"$uid: featureSize is not set")
    FrameData.checkColumn(schema, $(featuresCol), "feature")
    FrameData.checkColumn(schema, $(labelCol), "label")
    copyValues(wrap(modelToTrain)).transformSchema(schema)
  }

  override def fit(dataset: Dataset[_]): NNModel = {
    transformSchema(dataset.schema, logging = true)
    val trained = optimizer(dataset.toDF()).optimize()
    copyValues(wrap(trained).setParent(this))
  }

  /** The Optimizer that `fit` runs, with everything set (for tests and for BigDL-style tweaks). */
  private[nnframes] def optimizer(df: DataFrame): Optimizer = {
    val samples = FrameData.samples(df, $(featuresCol), $(featureSize), $(labelCol), $(labelSize), labelMap)
    val opt = Optimizer(NNEstimator.copyModule(modelToTrain), samples, criterion, $(batchSize))
      .setOptimMethod(method())
      .setEndWhen(getEndWhen)
    (get(constantGradientClippingMin), get(constantGradientClippingMax)) match {
      case (Some(lo), Some(hi)) => opt.setConstantGradientClipping(lo, hi)
      case _ =>
    }
    get(gradientClippingL2Norm).foreach(opt.setGradientClippingByl2Norm)
    validation.foreach { case (trigger, vdf, methods, vb) =>
      val vs = FrameData.samples(vdf, $(featuresCol), $(featureSize), $(labelCol), $(labelSize), labelMap)
      opt.setValidation(trigger, vs, methods, vb)
    }
    trainSummary.foreach(opt.setTrainSummary)
    validationSummary.foreach(opt.setValidationSummary)
    if ($(checkpointPath).nonEmpty) {
      opt.setCheckpoint($(checkpointPath), checkpointTrigger)
      if (checkpointOverWrite) opt.overWriteCheckpoint()
    }
    opt
  }

  /** A fresh copy of the optimisation method, with learningRate(Decay) applied as documented. */
  private[nnframes] def method(): OptimMethod = {
    val m = NNEstimator.deepCopy($(optimMethod)).clearHistory()
    val default = !isSet(optimMethod)
    if (default || isSet(learningRate)) NNEstimator.setRate(m, $(learningRate))
    if (default || isSet(learningRateDecay)) NNEstimator.setDecay(m, $(learningRateDecay))
    m
  }

  override def copy(extra: ParamMap): NNEstimator = {
    val that = copyValues(new NNEstimator(uid, model, criterion), extra)
    NNEstimator.copyExtras(this, that)
  }

  /** Copies what is not a Param (validation, summaries, checkpoint trigger) to `that`. */
  protected[nnframes] def copyExtrasTo(that: NNEstimator): Unit = {
    that.validation = validation
    that.trainSummary = trainSummary
    that.validationSummary = validationSummary
    that.checkpointTrigger = checkpointTrigger
    that.checkpointOverWrite = checkpointOverWrite
  }

  override def write: MLWriter = new NNPersistence.EstimatorWriter(this)
}

object NNEstimator extends MLReadable[NNEstimator] {

  def apply(model: AbstractModule, criterion: AbstractCriterion, featureSize: Array[Int], labelSize: Array[Int]) =
    new NNEstimator(model, criterion, featureSize, labelSize)

  private[nnframes] val identity: Float => Float = (v: Float) => v

  private[nnframes] def copyExtras[E <: NNEstimator](from: NNEstimator, to: E): E = { from.copyExtrasTo(to); to }

  /** An independent copy of a module with the same weights and buffers. */
  private[nnframes] def copyModule(m: AbstractModule): AbstractModule = {
    val (spec, state) =
      ferrodl.nn.ModelFile.decode(ferrodl.nn.ModelFile.encode(m.toSpec, m.getState()), "model copy")
    new ferrodl.nn.SpecModule(spec).setState(state)
  }

  private[nnframes] def deepCopy[A <: java.io.Serializable](a: A): A =
    NNPersistence.deserialize[A](NNPersistence.serialize(a), "a copy")

  private def setRate(m: OptimMethod, lr: Double): Unit = m match {
    case s: SGD => s.learningRate = lr
    case a: Adam => a.learningRate = lr
    case a: AdamW => a.learningRate = lr
    case a: Adamax => a.learningRate = lr
    case a: Adagrad => a.learningRate = lr
    case r: RMSprop => r.learningRate = lr
    case other =>
      throw new IllegalArgumentException(s"learningRate cannot be applied to ${other.getClass.getSimpleName}")
  }

  private def setDecay(m: OptimMethod, d: Double): Unit = m match {
    case s: SGD => s.learningRateDecay = d
    case a: Adam => a.learningRateDecay = d
    case a: Adagrad => a.learningRateDecay = d
    case r: RMSprop => r.learningRateDecay = d
    case other if d != 0 =>
      throw new IllegalArgumentException(s"learningRateDecay cannot be applied to ${other.getClass.getSimpleName}")
    case _ =>
  }

  override def read: MLReader[NNEstimator] =
    new NNPersistence.EstimatorReader[NNEstimator]((uid, m, c) => new NNEstimator(uid, m, c))

  override def load(path: String): NNEstimator = super.load(path)
}
