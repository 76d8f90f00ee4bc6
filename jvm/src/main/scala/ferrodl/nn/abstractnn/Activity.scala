package ferrodl.nn.abstractnn

/** A module's input or output: a [[ferrodl.tensor.Tensor]] or a [[ferrodl.utils.Table]], as in BigDL. */
trait Activity extends Serializable {
  def isTensor: Boolean
  def isTable: Boolean
  def toTensor: ferrodl.tensor.Tensor = this match {
    case t: ferrodl.tensor.Tensor => t
    case other => throw new IllegalArgumentException(s"expected a tensor, got $other")
  }
  def toTable: ferrodl.utils.Table = this match {
    case t: ferrodl.utils.Table => t
    case other => throw new IllegalArgumentException(s"expected a table, got $other")
  }
}
