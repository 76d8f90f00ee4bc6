package ferrodl.optim

import ferrodl.nn.SpecAttr

/**
 * A penalty `l1·|w| + l2/2·w²` on a layer's weight (`wRegularizer`) or bias (`bRegularizer`), as
 * BigDL's regularisers; its gradient is added natively during training.
 */
class Regularizer(val l1: Double, val l2: Double) extends Serializable {
  require(l1 >= 0 && l2 >= 0, s"regulariser coefficients must be >= 0, got l1=$l1, l2=$l2")

  override def toString: String = s"${getClass.getSimpleName}(l1=$l1, l2=$l2)"
}

class L1L2Regularizer(l1: Double, l2: Double) extends Regularizer(l1, l2)

class L1Regularizer(l1: Double) extends Regularizer(l1, 0)

class L2Regularizer(l2: Double) extends Regularizer(0, l2)

object Regularizer {

  /** The description attributes of a layer's regularisers. */
  def attrs(wRegularizer: Regularizer, bRegularizer: Regularizer): Seq[(String, SpecAttr)] =
    Seq("wRegularizer" -> wRegularizer, "bRegularizer" -> bRegularizer).collect {
      case (key, r) if r != null => key -> SpecAttr.floats(Seq(r.l1, r.l2))
    }
}
