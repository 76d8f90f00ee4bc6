package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion

import scala.collection.mutable.ArrayBuffer

/**
 * A weighted sum of criterions over tables: criterion `i` gets element `i` of the input table
 * and of the target table (or the whole target for each, with `repeatTarget`), as BigDL's
 * `ParallelCriterion`: `ParallelCriterion().add(ClassNLLCriterion(), 1.0).add(MSECriterion(), 0.5)`.
 * It trains models with several outputs. Native: native/core/src/criterion/parallel.rs.
 */
class ParallelCriterion(val repeatTarget: Boolean = false) extends AbstractCriterion {
  val criterions: ArrayBuffer[AbstractCriterion] = ArrayBuffer.empty
  val weights: ArrayBuffer[Double] = ArrayBuffer.empty

  /** Adds `criterion` with `weight`. */
  def add(criterion: AbstractCriterion, weight: Double = 1): this.type = {
    require(criterion != null, "ParallelCriterion: criterion must not be null")
    require(!weight.isNaN && !weight.isInfinite, s"ParallelCriterion: weight $weight is not finite")
    criterions += criterion
    weights += weight
    release()
    this
  }

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("weights" -> SpecAttr.floats(weights.toList), "repeatTarget" -> SpecAttr.bool(repeatTarget))

  override def toSpec: SpecNode = SpecNode(kind, "", attrs, criterions.map(_.toSpec).toList)

  override def toString: String =
    criterions.zip(weights).map { case (c, w) => s"$w * $c" }.mkString("ParallelCriterion(", ", ", ")")
}

object ParallelCriterion {
  def apply(repeatTarget: Boolean = false): ParallelCriterion = new ParallelCriterion(repeatTarget)
}
