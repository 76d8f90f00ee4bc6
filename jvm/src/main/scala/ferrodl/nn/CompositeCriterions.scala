package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractCriterion

import scala.collection.mutable.ArrayBuffer

// Criterions made of other criterions, with BigDL's names and defaults; the children travel in
// the description. They run natively: native/core/src/criterion/composite.rs.

/**
 * A weighted sum of criterions, each applied to the same input and target: `MultiCriterion().add(c1, 0.5).add(c2)`.
 */
class MultiCriterion extends AbstractCriterion {
  val criterions: ArrayBuffer[AbstractCriterion] = ArrayBuffer.empty
  val weights: ArrayBuffer[Double] = ArrayBuffer.empty

  /** Adds `criterion` with `weight` to the sum. */
  def add(criterion: AbstractCriterion, weight: Double = 1): this.type = {
    require(criterion != null, "MultiCriterion: criterion must not be null")
    require(!weight.isNaN && !weight.isInfinite, s"MultiCriterion: weight $weight is not finite")
    criterions += criterion
    weights += weight
    release()
    this
  }

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("weights" -> SpecAttr.floats(weights.toList))

  override def toSpec: SpecNode = SpecNode(kind, "", attrs, criterions.map(_.toSpec).toList)

  override def toString: String =
    criterions.zip(weights).map { case (c, w) => s"$w * $c" }.mkString("MultiCriterion(", " + ", ")")
}

object MultiCriterion {
  def apply(): MultiCriterion = new MultiCriterion()
}

/**
 * Applies `critrn` to every slice of input and target along the 1-based `dimension` (2: time, for input
 * `[batch, time, ...]` and target `[batch, time, ...]`) and sums the losses, divided by the number of slices when
 * `sizeAverage`.
 */
class TimeDistributedCriterion(
    val critrn: AbstractCriterion,
    val sizeAverage: Boolean = false,
    val dimension: Int = 2
) extends AbstractCriterion {
  require(critrn != null, "TimeDistributedCriterion: critrn must not be null")
  require(dimension >= 1, s"TimeDistributedCriterion: dimension must be >= 1, got $dimension")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizeAverage" -> SpecAttr.bool(sizeAverage), "dimension" -> SpecAttr.int(dimension))

  override def toSpec: SpecNode = SpecNode(kind, "", attrs, Seq(critrn.toSpec))

  override def toString: String = s"TimeDistributedCriterion($critrn)"
}

object TimeDistributedCriterion {
  def apply(critrn: AbstractCriterion, sizeAverage: Boolean = false, dimension: Int = 2): TimeDistributedCriterion =
    new TimeDistributedCriterion(critrn, sizeAverage, dimension)
}
