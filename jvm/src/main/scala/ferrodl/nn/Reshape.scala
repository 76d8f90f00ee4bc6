package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * Reshapes its input to `size`, keeping the batch dimension as BigDL does: with `batchMode`
 * unset, an input of exactly ∏size elements (first dimension not 1) becomes `size`, any other
 * input `[batch, ...]` becomes `[batch, size...]`.
 */
class Reshape(val size: Array[Int], val batchMode: Option[Boolean] = None) extends AbstractModule {
  require(size.nonEmpty && size.forall(_ > 0), s"Reshape sizes must be positive, got ${size.mkString("[", ", ", "]")}")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "size" -> SpecAttr.ints(size),
    "batchMode" -> SpecAttr.int(batchMode.map(b => if (b) 1L else 0L).getOrElse(-1L))
  )

  override def describe(): String = s"Reshape(${size.mkString("x")})"
}

object Reshape {
  def apply(size: Array[Int], batchMode: Option[Boolean] = None): Reshape = new Reshape(size, batchMode)
}
