package ferrodl.nnframes

import ferrodl.nn.SpecNode
import ferrodl.nn.abstractnn.AbstractModule
import org.apache.spark.ml.linalg.{SQLDataTypes, Vectors}
import org.apache.spark.ml.param.ParamMap
import org.apache.spark.ml.util.{Identifiable, MLReadable, MLReader}
import org.apache.spark.sql.types.{DoubleType, StructField}

/**
 * A trained classifier (BigDL's `NNClassifierModel`). `transform` appends, as Spark's
 * classifiers do:
 *  - `rawPredictionCol`: the model's output as an ML Vector (a one-output model `x` gives `[-x, x]`);
 *  - `probabilityCol`: class probabilities as an ML Vector: `exp` of the output after LogSoftMax
 *    (or Log, as in [[NNBagging]]'s models), the output itself after SoftMax, `[1 - p, p]` for one Sigmoid output, otherwise the softmax
 *    of the output;
 *  - `predictionCol`: the most probable class as a Double, 0-based when `zeroBasedLabel` (the
 *    default, as StringIndexer and Spark's evaluators count), else 1-based (BigDL).
 * So MulticlassClassificationEvaluator and BinaryClassificationEvaluator work on its output.
 */
class NNClassifierModel(uid: String, model: AbstractModule) extends NNModel(uid, model) with NNClassifierParams {

  def this(model: AbstractModule) = this(Identifiable.randomUID("nnClassifierModel"), model)

  def setProbabilityCol(value: String): this.type = set(probabilityCol, value)
  def setRawPredictionCol(value: String): this.type = set(rawPredictionCol, value)
  def setZeroBasedLabel(value: Boolean): this.type = set(zeroBasedLabel, value)

  private val lastLayer: String = NNClassifierModel.lastLayer(model.toSpec)

  override protected def outputFields: Seq[StructField] = Seq(
    StructField($(rawPredictionCol), SQLDataTypes.VectorType, false),
    StructField($(probabilityCol), SQLDataTypes.VectorType, false),
    StructField($(predictionCol), DoubleType, false)
  )

  override protected def outputValues: Array[Float] => Seq[Any] = {
    val (last, offset) = (lastLayer, if ($(zeroBasedLabel)) 0.0 else 1.0)
    (y: Array[Float]) => {
      val p = NNClassifierModel.probabilities(last, y)
      val raw = if (y.length == 1) Array(-y(0).toDouble, y(0).toDouble) else y.map(_.toDouble)
      Seq(Vectors.dense(raw), Vectors.dense(p), NNClassifierModel.argmax(p) + offset)
    }
  }

  override def copy(extra: ParamMap): NNClassifierModel = {
    val that = copyValues(new NNClassifierModel(uid, model), extra)
    that.setParent(parent)
    that
  }
}

object NNClassifierModel extends MLReadable[NNClassifierModel] {

  /** BigDL's constructor: a model and the shape of one record's features. */
  def apply(model: AbstractModule, featureSize: Array[Int]): NNClassifierModel =
    new NNClassifierModel(model).setFeatureSize(featureSize)

  /** The kind of the layer that produces the output (the last of nested Sequentials). */
  private[nnframes] def lastLayer(spec: SpecNode): String =
    if (spec.kind == "Sequential" && spec.children.nonEmpty) lastLayer(spec.children.last) else spec.kind

  /** Class probabilities for one output row, by the kind of the last layer. */
  private[nnframes] def probabilities(lastLayer: String, y: Array[Float]): Array[Double] = {
    if (y.length == 1) {
      val p = if (lastLayer == "Sigmoid") y(0).toDouble else 1.0 / (1.0 + math.exp(-y(0).toDouble))
      Array(1.0 - p, p)
    } else
      lastLayer match {
        case "LogSoftMax" | "Log" => y.map(v => math.exp(v.toDouble))
        case "SoftMax" => y.map(_.toDouble)
        case _ =>
          val m = y.max.toDouble
          val e = y.map(v => math.exp(v - m))
          val s = e.sum
          e.map(_ / s)
      }
  }

  /** The 0-based index of the largest value (the first, on ties). */
  private[nnframes] def argmax(p: Array[Double]): Int = {
    var best = 0
    var i = 1
    while (i < p.length) { if (p(i) > p(best)) best = i; i += 1 }
    best
  }

  override def read: MLReader[NNClassifierModel] =
    new NNPersistence.ModelReader[NNClassifierModel]((uid, m) => new NNClassifierModel(uid, m))

  override def load(path: String): NNClassifierModel = super.load(path)
}
