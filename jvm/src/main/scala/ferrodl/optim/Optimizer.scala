package ferrodl.optim

import ferrodl.feature.Sample
import ferrodl.nn.SpecAttr
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import org.apache.spark.rdd.RDD

/**
 * Trains a model, in BigDL's shape:
 * {{{
 * Optimizer(model = m, sampleRDD = rdd, criterion = ClassNLLCriterion(), batchSize = 128)
 *   .setOptimMethod(new SGD(learningRate = 0.05))
 *   .setEndWhen(Trigger.maxEpoch(2))
 *   .optimize()
 * }}}
 */
abstract class Optimizer(val model: AbstractModule, val criterion: AbstractCriterion, val batchSize: Int) {
  require(batchSize > 0, s"batchSize must be positive, got $batchSize")

  protected var optimMethod: OptimMethod = new SGD()
  protected var endWhen: Trigger = Trigger.maxEpoch(1)
  protected var validation: Option[(Trigger, RDD[Sample], Array[ValidationMethod], Int)] = None
  protected var seed: Long = 1L

  def setOptimMethod(method: OptimMethod): this.type = { optimMethod = method; this }

  def setEndWhen(trigger: Trigger): this.type = { endWhen = trigger; this }

  /** Evaluates `vMethods` on `sampleRDD` whenever `trigger` fires, and logs the results. */
  def setValidation(
      trigger: Trigger,
      sampleRDD: RDD[Sample],
      vMethods: Array[ValidationMethod],
      batchSize: Int
  ): this.type = {
    validation = Some((trigger, sampleRDD, vMethods, batchSize))
    this
  }

  protected var clipping: Seq[(String, SpecAttr)] = Nil

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

  /** The seed of the data shuffling. */
  def setSeed(s: Long): this.type = { seed = s; this }

  /** Trains until the end trigger fires; returns the trained model. */
  def optimize(): AbstractModule
}

object Optimizer {
  def apply(model: AbstractModule, sampleRDD: RDD[Sample], criterion: AbstractCriterion, batchSize: Int): Optimizer =
    new DistriOptimizer(model, sampleRDD, criterion, batchSize)
}
