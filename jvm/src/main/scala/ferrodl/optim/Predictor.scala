package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.tensor.Tensor
import org.apache.spark.rdd.RDD

/** Distributed inference: weights are broadcast, each task runs the executor's cached model. */
object Predictor {

  private def batchPerPartition(rdd: RDD[_], batchSize: Int): Int =
    if (batchSize > 0) math.max(1, math.ceil(batchSize.toDouble / rdd.getNumPartitions).toInt) else 128

  /** Outputs per sample, in order. */
  def predict(model: AbstractModule, dataset: RDD[Sample], batchSize: Int = -1): RDD[Tensor] = {
    val spec = model.toSpec.encode()
    val key = Batching.key(spec)
    val weights = dataset.sparkContext.broadcast(model.getState())
    val per = batchPerPartition(dataset, batchSize)
    dataset.mapPartitions { it =>
      val worker = Executors.workerForTask(key, spec)
      worker.model.setState(weights.value)
      worker.model.setTraining(false)
      it.grouped(per).flatMap { batch =>
        val (x, _) = Batching.stackActivity(batch)
        val y = worker.model.forwardActivity(x).toTensor
        val rowShape = y.size.tail
        val rowLen = rowShape.product
        Iterator.tabulate(batch.length)(i =>
          Tensor(java.util.Arrays.copyOfRange(y.storage, i * rowLen, (i + 1) * rowLen), rowShape)
        )
      }
    }
  }

  /** Predicted class per sample (1-based index of the largest output). */
  def predictClass(model: AbstractModule, dataset: RDD[Sample], batchSize: Int = -1): RDD[Int] =
    predict(model, dataset, batchSize).map(_.argmaxRows().head)
}
