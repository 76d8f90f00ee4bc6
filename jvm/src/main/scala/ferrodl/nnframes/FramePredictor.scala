package ferrodl.nnframes

import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.{Batching, Executors}
import ferrodl.tensor.Tensor
import org.apache.spark.sql.{DataFrame, Row}
import org.apache.spark.sql.types.{StructField, StructType}

/**
 * Distributed batch inference over a DataFrame: the weights are broadcast once, each partition
 * stacks `batchSize` rows into one batch, and runs it on the executor's cached native model (one
 * per executor core, reused across tasks). Every input column is kept, in order; the new columns
 * are appended.
 */
private[nnframes] object FramePredictor {

  /**
   * Appends `fields` to `df`, computed by `outputs` from the model's output for each row (its
   * values as floats, in row-major order).
   */
  def transform(
      df: DataFrame,
      model: AbstractModule,
      featuresCol: String,
      featureShape: Array[Int],
      batchSize: Int,
      fields: Seq[StructField],
      outputs: Array[Float] => Seq[Any]
  ): DataFrame = {
    require(batchSize > 0, s"batchSize must be positive, got $batchSize")
    FrameData.checkColumn(df.schema, featuresCol, "feature")
    val spec = model.toSpec.encode()
    val key = Batching.key(spec)
    val state = df.sparkSession.sparkContext.broadcast(model.getState())
    val index = df.schema.fieldIndex(featuresCol)
    val shape = featureShape.clone()
    val rows = df.rdd.mapPartitions { it =>
      if (!it.hasNext) Iterator.empty
      else {
        val worker = Executors.workerForTask(key, spec)
        worker.model.setState(state.value)
        worker.model.setTraining(false)
        it.grouped(batchSize).flatMap { batch =>
          val len = shape.product
          val x = new Array[Float](batch.length * len)
          batch.iterator.zipWithIndex.foreach { case (row, i) =>
            System.arraycopy(FrameData.tensor(row, index, shape, "feature").storage, 0, x, i * len, len)
          }
          val y = worker.model.forwardActivity(Tensor(x, batch.length +: shape)).toTensor
          val out = y.nElement() / batch.length
          batch.iterator.zipWithIndex.map { case (row, i) =>
            Row.fromSeq(row.toSeq ++ outputs(java.util.Arrays.copyOfRange(y.storage, i * out, (i + 1) * out)))
          }
        }
      }
    }
    df.sparkSession.createDataFrame(rows, StructType(df.schema.fields ++ fields))
  }
}
