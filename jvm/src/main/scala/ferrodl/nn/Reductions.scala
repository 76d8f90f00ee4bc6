package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// Reductions along one 1-based dimension (negative: from the end), with BigDL's names. With
// nInputDims (numInputDims) set and an input of more dimensions, the dimension moves past the
// batch. Each runs natively as `Reduce` (native/core/src/nn/reduce.rs).

private[nn] object ReduceAttrs {
  def apply(dimKey: String, dim: Int, dimsKey: String, dims: Int, squeeze: Boolean): Seq[(String, SpecAttr)] =
    Seq(dimKey -> SpecAttr.int(dim), dimsKey -> SpecAttr.int(dims), "squeeze" -> SpecAttr.bool(squeeze))
}

/** The sum (or, with `sizeAverage`, the mean) along `dimension`. */
class Sum(
    val dimension: Int = 1,
    val nInputDims: Int = -1,
    val sizeAverage: Boolean = false,
    val squeeze: Boolean = true
) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    ReduceAttrs("dimension", dimension, "nInputDims", nInputDims, squeeze) :+ ("sizeAverage" -> SpecAttr.bool(
      sizeAverage
    ))
}

object Sum {
  def apply(dimension: Int = 1, nInputDims: Int = -1, sizeAverage: Boolean = false, squeeze: Boolean = true): Sum =
    new Sum(dimension, nInputDims, sizeAverage, squeeze)
}

/** The mean along `dimension`. */
class Mean(val dimension: Int = 1, val nInputDims: Int = -1, val squeeze: Boolean = true) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    ReduceAttrs("dimension", dimension, "nInputDims", nInputDims, squeeze)
}

object Mean {
  def apply(dimension: Int = 1, nInputDims: Int = -1, squeeze: Boolean = true): Mean =
    new Mean(dimension, nInputDims, squeeze)
}

/** The maximum along `dim`; the gradient goes to the (first) maximum. */
class Max(val dim: Int = 1, val numInputDims: Int = Int.MinValue) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    ReduceAttrs("dim", dim, "numInputDims", if (numInputDims == Int.MinValue) -1 else numInputDims, squeeze = true)
}

object Max {
  def apply(dim: Int = 1, numInputDims: Int = Int.MinValue): Max = new Max(dim, numInputDims)
}

/** The minimum along `dim`; the gradient goes to the (first) minimum. */
class Min(val dim: Int = 1, val numInputDims: Int = Int.MinValue) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    ReduceAttrs("dim", dim, "numInputDims", if (numInputDims == Int.MinValue) -1 else numInputDims, squeeze = true)
}

object Min {
  def apply(dim: Int = 1, numInputDims: Int = Int.MinValue): Min = new Min(dim, numInputDims)
}
