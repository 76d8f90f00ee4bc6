package ferrodl.nnframes

import ferrodl.nn.abstractnn.AbstractModule
import org.apache.spark.ml.Model
import org.apache.spark.ml.param.ParamMap
import org.apache.spark.ml.util.{Identifiable, MLReadable, MLReader, MLWritable, MLWriter}
import org.apache.spark.sql.{DataFrame, Dataset}
import org.apache.spark.sql.types.{ArrayType, DoubleType, StructField, StructType}

/**
 * A trained ferrodl model as a Spark ML `Model` (BigDL's `NNModel`): `transform` appends
 * `predictionCol`, the model's output for each row as an array of doubles (row-major), and keeps
 * every other column in its place. Inference is distributed and batched (see `batchSize`).
 * {{{
 * val nnModel = NNModel(model, Array(784)).setBatchSize(256)
 * nnModel.transform(df)    // df's columns, then "prediction": array<double>
 * }}}
 * `save`/`NNModel.load` keep the Params and the model file (see `docs/nnframes.md`).
 */
class NNModel(override val uid: String, val model: AbstractModule)
    extends Model[NNModel]
    with NNParams
    with MLWritable {

  def this(model: AbstractModule) = this(Identifiable.randomUID("nnModel"), model)

  require(model != null, "NNModel needs a model")

  def setFeaturesCol(value: String): this.type = set(featuresCol, value)
  def setPredictionCol(value: String): this.type = set(predictionCol, value)
  def setFeatureSize(value: Array[Int]): this.type = set(featureSize, value)
  def setBatchSize(value: Int): this.type = set(batchSize, value)

  /** The trained model (BigDL's `getModel`). */
  def getModel: AbstractModule = model

  /** The columns `transform` appends. */
  protected def outputFields: Seq[StructField] = Seq(StructField($(predictionCol), ArrayType(DoubleType, false), false))

  /** The values of [[outputFields]] for one row's model output. */
  protected def outputValues: Array[Float] => Seq[Any] = NNModel.asDoubles

  override def transformSchema(schema: StructType): StructType = {
    if (!isDefined(featureSize)) {
      throw new IllegalArgumentException(s"$uid: featureSize is not set (the shape of one record's features)")
    }
    FrameData.checkColumn(schema, $(featuresCol), "feature")
    val added = outputFields
    added.map(_.name).find(schema.fieldNames.contains).foreach { c =>
      throw new IllegalArgumentException(s"$uid: output column '$c' already exists in the DataFrame")
    }
    StructType(schema.fields ++ added)
  }

  override def transform(dataset: Dataset[_]): DataFrame = {
    transformSchema(dataset.schema, logging = true)
    FramePredictor.transform(
      dataset.toDF(),
      model,
      $(featuresCol),
      $(featureSize),
      $(batchSize),
      outputFields,
      outputValues
    )
  }

  override def copy(extra: ParamMap): NNModel = copyValues(new NNModel(uid, model), extra).setParent(parent)

  override def write: MLWriter = new NNPersistence.ModelWriter(this)
}

object NNModel extends MLReadable[NNModel] {

  /** BigDL's constructor: a model and the shape of one record's features. */
  def apply(model: AbstractModule, featureSize: Array[Int]): NNModel = new NNModel(model).setFeatureSize(featureSize)

  private[nnframes] val asDoubles: Array[Float] => Seq[Any] = (y: Array[Float]) => Seq(y.map(_.toDouble))

  override def read: MLReader[NNModel] = new NNPersistence.ModelReader[NNModel]((uid, m) => new NNModel(uid, m))

  override def load(path: String): NNModel = super.load(path)
}
