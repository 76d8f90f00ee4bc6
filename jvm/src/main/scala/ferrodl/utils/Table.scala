package ferrodl.utils

import ferrodl.nn.abstractnn.Activity
import ferrodl.tensor.Tensor

/**
 * An ordered table of activities, 1-based as in BigDL: `table(1)` is the first element. Build
 * one with `T(a, b, ...)`.
 */
final class Table(private val items: Vector[Activity]) extends Activity {
  override def isTensor: Boolean = false
  override def isTable: Boolean = true

  /** Element `i` (1-based). */
  def apply[A <: Activity](i: Int): A = {
    require(i >= 1 && i <= items.length, s"table index $i out of 1..${items.length}")
    items(i - 1).asInstanceOf[A]
  }

  def length(): Int = items.length

  def toSeq: Seq[Activity] = items

  override def equals(o: Any): Boolean = o match {
    case t: Table => t.items == items
    case _ => false
  }

  override def hashCode(): Int = items.hashCode()

  override def toString: String = items
    .map {
      case t: Tensor => t.size().mkString("Tensor[", ", ", "]")
      case a => a.toString
    }
    .mkString("{", ", ", "}")
}

/** BigDL's table constructor: `T(tensor1, tensor2)`. */
object T {
  def apply(items: Activity*): Table = new Table(items.toVector)
  def seq(items: Seq[Activity]): Table = new Table(items.toVector)
}
