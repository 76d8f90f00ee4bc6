package ferrodl.optim

import ferrodl.nn.{SpecAttr, SpecModule, SpecNode}
import ferrodl.nn.abstractnn.AbstractModule

/**
 * LARS (layer-wise adaptive rate scaling, arXiv:1708.03888), as BigDL's `LarsSGD`. For each
 * block of parameters: `scale = (‖g‖ + weightDecay * ‖w‖) / ‖w‖`,
 * `v = momentum * v + lr * trust / scale * (g + weightDecay * w)`, `w -= v`, with `lr` from the
 * schedule (by default `learningRate / (1 + t * learningRateDecay)`).
 *
 * BigDL builds one `LarsSGD` per layer (`LarsSGD.createOptimForModule` and `setOptimMethods`).
 * ferrodl trains one flat parameter buffer with one method, so the layers are `blocks` of it:
 * by default the whole buffer is one block; `LarsSGD.perLayer(model, ...)` (or `setBlocks`)
 * gives one block per layer, which is BigDL's per-layer LARS. `lrScheduleOwner` (which of
 * BigDL's per-layer methods logs the rate) has nothing to choose here and is kept for the
 * signature. Formulas: native/core/src/optim/lars.rs.
 *
 * @param trust the trust on the learning-rate scale, in (0, 1]
 */
class LarsSGD(
    lrScheduleOwner: Boolean,
    trust: Double = 1.0,
    _learningRate: Double = 1e-3,
    _learningRateDecay: Double = 0.01,
    _weightDecay: Double = 0.0005,
    _momentum: Double = 0.5,
    _learningRateSchedule: LearningRateSchedule = null
) extends OptimMethod {
  require(trust > 0.0 && trust <= 1.0, "trust for LARS should be greater than 0 and less than 1")
  if (_learningRateSchedule != null) setLearningRateSchedule(_learningRateSchedule)

  var learningRate: Double = _learningRate
  var learningRateDecay: Double = _learningRateDecay
  var weightDecay: Double = _weightDecay
  var momentum: Double = _momentum

  private var blocks: Array[Int] = Array.empty

  /** The block lengths in the model's flat parameters, in order (empty: one block). */
  def setBlocks(sizes: Array[Int]): this.type = {
    require(sizes.forall(_ > 0), s"LarsSGD blocks must be > 0: ${sizes.mkString(", ")}")
    blocks = sizes.clone()
    this
  }

  def getBlocks: Array[Int] = blocks.clone()

  override protected def attrs: Seq[(String, SpecAttr)] = Hyper(
    "trust" -> trust,
    "learningRate" -> learningRate,
    "learningRateDecay" -> learningRateDecay,
    "weightDecay" -> weightDecay,
    "momentum" -> momentum
  ) ++ (if (blocks.isEmpty) Nil else Seq("blocks" -> SpecAttr.ints(blocks.toSeq)))
}

object LarsSGD {

  /**
   * One `LarsSGD` for the whole model with one LARS block per layer that has parameters (inside
   * `Sequential` containers; any other container is one block), as BigDL's
   * `createOptimForModule` gives one method per layer.
   */
  def perLayer(
      model: AbstractModule,
      trust: Double = 1.0,
      learningRate: Double = 1e-3,
      learningRateDecay: Double = 0.01,
      weightDecay: Double = 0.005,
      momentum: Double = 0.5,
      learningRateSchedule: LearningRateSchedule = null
  ): LarsSGD =
    new LarsSGD(true, trust, learningRate, learningRateDecay, weightDecay, momentum, learningRateSchedule)
      .setBlocks(layerSizes(model))

  /** The parameter counts of the model's layers, in the order of its flat parameters. */
  def layerSizes(model: AbstractModule): Array[Int] = {
    def count(spec: SpecNode): Int = {
      val m = new SpecModule(spec)
      try m.numParameters()
      finally m.release()
    }
    def sizes(spec: SpecNode): Seq[Int] =
      if (spec.kind == "Sequential") spec.children.flatMap(sizes) else Seq(count(spec)).filter(_ > 0)
    val out = sizes(model.toSpec).toArray
    val total = model.numParameters()
    require(out.sum == total, s"the layers hold ${out.sum} parameters, the model $total")
    out
  }
}
