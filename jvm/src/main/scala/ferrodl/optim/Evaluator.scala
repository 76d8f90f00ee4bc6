package ferrodl.optim

import ferrodl.engine.NativeModel
import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.AbstractModule
import org.apache.spark.rdd.RDD

/** Distributed evaluation: results per partition, added up on the driver. */
object Evaluator {

  def evaluate(
      model: AbstractModule,
      dataset: RDD[Sample],
      methods: Array[ValidationMethod],
      batchSize: Option[Int] = None
  ): Array[(ValidationResult, ValidationMethod)] = {
    require(methods.nonEmpty, "evaluate needs at least one validation method")
    val spec = model.toSpec.encode()
    val key = Batching.key(spec)
    val sc = dataset.sparkContext
    val weights = sc.broadcast(model.getState())
    val per = batchSize.map(b => math.max(1, math.ceil(b.toDouble / dataset.getNumPartitions).toInt)).getOrElse(128)
    try {
      val results = dataset
        .mapPartitions { it =>
          if (!it.hasNext) Iterator.empty
          else
            Iterator.single(Executors.withWorker(key, spec, None) { w =>
              w.model.setState(weights.value)
              w.model.setTraining(false)
              it.grouped(per)
                .map { batch =>
                  val (x, y) = Batching.stackActivity(batch)
                  val out = w.model.forwardActivity(x).toTensor
                  methods.map(m => m(out, y.toTensor))
                }
                .reduce((a, b) => a.zip(b).map { case (r1, r2) => r1 + r2 })
            })
        }
        .reduce((a, b) => a.zip(b).map { case (r1, r2) => r1 + r2 })
      results.zip(methods)
    } finally {
      weights.destroy()
    }
  }

  /** Evaluation in this JVM on in-memory samples, with a native model of its own. */
  def evaluateLocal(
      model: AbstractModule,
      samples: Array[Sample],
      methods: Array[ValidationMethod],
      batchSize: Int
  ): Array[(ValidationResult, ValidationMethod)] = {
    require(methods.nonEmpty, "evaluate needs at least one validation method")
    require(samples.nonEmpty, "evaluate needs at least one sample")
    require(batchSize > 0, s"batchSize must be positive, got $batchSize")
    val m = new NativeModel(model.toSpec.encode(), 0L)
    try {
      m.setState(model.getState())
      m.setTraining(false)
      samples
        .grouped(batchSize)
        .map { batch =>
          val (x, y) = Batching.stackActivity(batch)
          val out = m.forwardActivity(x).toTensor
          methods.map(v => v(out, y.toTensor))
        }
        .reduce((a, b) => a.zip(b).map { case (r1, r2) => r1 + r2 })
        .zip(methods)
    } finally m.close()
  }
}
