package ferrodl.nnframes

import ferrodl.optim.{OptimMethod, SGD, Trigger}
import org.apache.spark.ml.param._

/**
 * The Params that NNEstimator and NNModel share (BigDL's names), in MLlib's style: typed params
 * with validators, one `setDefault`, setters returning `this.type` in the classes that use them.
 *
 *  - `featuresCol` (default "features"): an ML Vector, an array of floats or doubles, or a number.
 *  - `predictionCol` (default "prediction").
 *  - `featureSize`: the shape of one record's features (e.g. `Array(28, 28)`); its product must
 *    equal the number of values in the features column.
 *  - `batchSize` (default 32): the global batch of training; per partition for `transform`.
 */
trait NNParams extends Params {
  final val featuresCol: Param[String] =
    new Param[String](this, "featuresCol", "features column name", NNParams.nonEmpty)
  final val predictionCol: Param[String] =
    new Param[String](this, "predictionCol", "prediction column name", NNParams.nonEmpty)
  final val featureSize: IntArrayParam =
    new IntArrayParam(this, "featureSize", "shape of one record's features", NNParams.shape)
  final val batchSize: IntParam =
    new IntParam(
      this,
      "batchSize",
      "records per batch (training: global; transform: per partition)",
      ParamValidators.gt(0)
    )

  setDefault(featuresCol -> "features", predictionCol -> "prediction", batchSize -> 32)

  def getFeaturesCol: String = $(featuresCol)
  def getPredictionCol: String = $(predictionCol)
  def getFeatureSize: Array[Int] = $(featureSize)
  def getBatchSize: Int = $(batchSize)
}

/**
 * The training Params of NNEstimator and NNClassifier.
 *
 *  - `labelCol` (default "label"): a number, an ML Vector or an array (shape `labelSize`).
 *  - `labelSize` (default `Array(1)`): the shape of one record's label.
 *  - `maxEpoch` (default 50): training stops after this many epochs unless `endWhen` is set.
 *  - `learningRate` (default 1e-3) and `learningRateDecay` (default 0): the rate of the default
 *    SGD. With `setOptimMethod`, the method's own rate is used unless `learningRate` or
 *    `learningRateDecay` is set explicitly (also through a ParamMap, as CrossValidator does), which
 *    then overrides the rate of SGD, Adam, Adamax, AdamW, Adagrad and RMSprop.
 *  - `optimMethod` (default `new SGD()`); each `fit` trains with a fresh copy of it.
 *  - `endWhen`: a Trigger that ends training; unset means `Trigger.maxEpoch(maxEpoch)`.
 *  - `modelVariant` (unset: the constructor's model): the model `fit` trains, so that
 *    `ParamGridBuilder` can search over model variants.
 *  - `checkpointPath` (default "": none): where `fit` writes checkpoints (see `setCheckpoint`).
 *  - `constantGradientClippingMin`/`Max` and `gradientClippingL2Norm` (unset: off): gradient clipping.
 */
trait NNTrainParams extends NNParams {
  final val labelCol: Param[String] = new Param[String](this, "labelCol", "label column name", NNParams.nonEmpty)
  final val labelSize: IntArrayParam =
    new IntArrayParam(this, "labelSize", "shape of one record's label", NNParams.shape)
  final val maxEpoch: IntParam = new IntParam(this, "maxEpoch", "number of epochs to train", ParamValidators.gt(0))
  final val learningRate: DoubleParam =
    new DoubleParam(this, "learningRate", "learning rate of the optimisation method", ParamValidators.gt(0))
  final val learningRateDecay: DoubleParam =
    new DoubleParam(
      this,
      "learningRateDecay",
      "learning rate decay of the optimisation method",
      ParamValidators.gtEq(0)
    )
  final val optimMethod: Param[OptimMethod] =
    new Param[OptimMethod](
      this,
      "optimMethod",
      "the optimisation method (copied for each fit)",
      (m: OptimMethod) => m != null
    )
  final val endWhen: Param[Trigger] =
    new Param[Trigger](this, "endWhen", "when training ends (default: maxEpoch)", (t: Trigger) => t != null)
  final val modelVariant: ModuleParam = new ModuleParam(
    this,
    "modelVariant",
    "a model to train instead of the constructor's, with the same input and output (for grid searches over models)"
  )
  final val checkpointPath: Param[String] =
    new Param[String](this, "checkpointPath", "checkpoint folder (empty: no checkpoints)", (p: String) => p != null)
  final val constantGradientClippingMin: DoubleParam =
    new DoubleParam(this, "constantGradientClippingMin", "lower bound of constant gradient clipping (unset: off)")
  final val constantGradientClippingMax: DoubleParam =
    new DoubleParam(this, "constantGradientClippingMax", "upper bound of constant gradient clipping (unset: off)")
  final val gradientClippingL2Norm: DoubleParam =
    new DoubleParam(
      this,
      "gradientClippingL2Norm",
      "L2 norm the gradient is clipped to (unset: off)",
      ParamValidators.gt(0)
    )

  setDefault(
    labelCol -> "label",
    labelSize -> Array(1),
    maxEpoch -> 50,
    learningRate -> 1e-3,
    learningRateDecay -> 0.0,
    optimMethod -> new SGD(),
    checkpointPath -> ""
  )

  def getLabelCol: String = $(labelCol)
  def getLabelSize: Array[Int] = $(labelSize)
  def getMaxEpoch: Int = $(maxEpoch)
  def getLearningRate: Double = $(learningRate)
  def getLearningRateDecay: Double = $(learningRateDecay)
  def getOptimMethod: OptimMethod = $(optimMethod)
  def getEndWhen: Trigger = get(endWhen).getOrElse(Trigger.maxEpoch($(maxEpoch)))
  def getCheckpointPath: String = $(checkpointPath)
}

/**
 * The classifier's output Params: `probabilityCol` (default "probability") and
 * `rawPredictionCol` (default "rawPrediction"), both ML Vectors as Spark's evaluators read them,
 * and `zeroBasedLabel` (default true): labels and predictions are 0-based class indices (as
 * StringIndexer gives them); false means 1-based, as BigDL's ClassNLLCriterion takes them.
 */
trait NNClassifierParams extends Params {
  final val probabilityCol: Param[String] =
    new Param[String](this, "probabilityCol", "class probabilities column name", NNParams.nonEmpty)
  final val rawPredictionCol: Param[String] =
    new Param[String](this, "rawPredictionCol", "raw model output column name", NNParams.nonEmpty)
  final val zeroBasedLabel: BooleanParam =
    new BooleanParam(this, "zeroBasedLabel", "whether labels and predictions are 0-based class indices")

  setDefault(probabilityCol -> "probability", rawPredictionCol -> "rawPrediction", zeroBasedLabel -> true)

  def getProbabilityCol: String = $(probabilityCol)
  def getRawPredictionCol: String = $(rawPredictionCol)
  def getZeroBasedLabel: Boolean = $(zeroBasedLabel)
}

private[nnframes] object NNParams {
  val nonEmpty: String => Boolean = (s: String) => s != null && s.nonEmpty
  val shape: Array[Int] => Boolean = (a: Array[Int]) => a != null && a.nonEmpty && a.forall(_ > 0)
}

/**
 * A Param holding a model. Its JSON form is the model file (`saveModule`'s bytes: description,
 * weights, checksum) in base64, so Spark's writers (a stage's `paramMap`, CrossValidator's grid)
 * can save it.
 */
class ModuleParam(parent: Params, name: String, doc: String)
    extends Param[ferrodl.nn.abstractnn.AbstractModule](
      parent,
      name,
      doc,
      (m: ferrodl.nn.abstractnn.AbstractModule) => m != null
    ) {
  override def jsonEncode(value: ferrodl.nn.abstractnn.AbstractModule): String = {
    val bytes = ferrodl.nn.ModelFile.encode(value.toSpec, value.getState())
    org.json4s.jackson.JsonMethods.compact(org.json4s.JString(java.util.Base64.getEncoder.encodeToString(bytes)))
  }

  override def jsonDecode(json: String): ferrodl.nn.abstractnn.AbstractModule =
    org.json4s.jackson.JsonMethods.parse(json) match {
      case org.json4s.JString(b64) =>
        val (spec, state) = ferrodl.nn.ModelFile.decode(java.util.Base64.getDecoder.decode(b64), s"Param $name")
        new ferrodl.nn.SpecModule(spec).setState(state)
      case other => throw new IllegalArgumentException(s"Param $name: expected a base64 model file, got $other")
    }
}
