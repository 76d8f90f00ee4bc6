package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.AbstractModule
import org.apache.spark.rdd.RDD

/**
 * Evaluates a model on a dataset, as BigDL's `Validator(model, dataset).test(vMethods)`: in
 * evaluation mode, distributed over the RDD's partitions, results added up on the driver.
 */
class Validator(model: AbstractModule, dataset: RDD[Sample]) {

  def test(
      vMethods: Array[ValidationMethod],
      batchSize: Option[Int] = None
  ): Array[(ValidationResult, ValidationMethod)] =
    Evaluator.evaluate(model, dataset, vMethods, batchSize)
}

object Validator {
  def apply(model: AbstractModule, dataset: RDD[Sample]): Validator = new Validator(model, dataset)
}
