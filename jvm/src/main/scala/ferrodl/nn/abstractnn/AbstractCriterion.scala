package ferrodl.nn.abstractnn

import ferrodl.engine.NativeCriterion
import ferrodl.nn.{SpecAttr, SpecNode}
import ferrodl.tensor.Tensor

/** The base of every loss, in BigDL's shape; the math runs natively. */
abstract class AbstractCriterion extends Serializable {
  @transient private var local: NativeCriterion = _

  protected def kind: String = getClass.getSimpleName

  protected def attrs: Seq[(String, SpecAttr)] = Nil

  def toSpec: SpecNode = SpecNode(kind, "", attrs, Nil)

  private def native(): NativeCriterion = {
    if (local == null || local.isClosed) local = new NativeCriterion(toSpec.encode())
    local
  }

  /** The loss of `input` against `target`. */
  def forward(input: Tensor, target: Tensor): Float = native().forward(input, target).toFloat

  /** The gradient of the loss with respect to `input`. */
  def backward(input: Tensor, target: Tensor): Tensor = native().backward(input, target)

  /** The loss of a tensor or table `input` against `target` (tables for ParallelCriterion). */
  def forward(input: Activity, target: Activity): Float = native().forwardActivity(input, target).toFloat

  /** The gradient of the loss with respect to a tensor or table `input`. */
  def backward(input: Activity, target: Activity): Activity = native().backwardActivity(input, target)

  /** Frees the local native criterion (it is recreated on demand). */
  def release(): Unit = {
    if (local != null) local.close()
    local = null
  }

  override def toString: String = kind
}
