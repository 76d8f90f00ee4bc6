package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// Layers that only move or pick elements, with BigDL's names and 1-based dimensions (negative ones
// count from the end). Each runs natively as `ShapeLayer` (native/core/src/nn/shape_ops.rs).

/**
 * The same elements arranged as `sizes` (one entry may be -1, inferred). With
 * `setNumInputDims(n)`, inputs with more than `n` dimensions keep their first as a batch.
 */
class View(val sizes: Array[Int]) extends AbstractModule {
  require(sizes.nonEmpty && sizes.count(_ == -1) <= 1 && sizes.forall(s => s > 0 || s == -1), "View: bad sizes")
  private var numInputDims = -1

  def setNumInputDims(n: Int): this.type = { numInputDims = n; invalidate(); this }

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("sizes" -> SpecAttr.ints(sizes), "numInputDims" -> SpecAttr.int(numInputDims))
}

object View {
  def apply(sizes: Array[Int]): View = new View(sizes)
  def apply(sizes: Int*)(implicit d: DummyImplicit): View = new View(sizes.toArray)
}

/** Drops dimension `dim` if it has size 1, or every size-1 dimension when `dim` is not given. */
class Squeeze(val dim: Int = Int.MinValue, val numInputDims: Int = Int.MinValue) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    (if (dim == Int.MinValue) Nil else Seq("dim" -> SpecAttr.int(dim))) ++
      Seq("numInputDims" -> SpecAttr.int(if (numInputDims == Int.MinValue) -1 else numInputDims))
}

object Squeeze {
  def apply(dim: Int = Int.MinValue, numInputDims: Int = Int.MinValue): Squeeze = new Squeeze(dim, numInputDims)
}

/** Inserts a size-1 dimension at `pos`. */
class Unsqueeze(val pos: Int, val numInputDims: Int = Int.MinValue) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "pos" -> SpecAttr.int(pos),
    "numInputDims" -> SpecAttr.int(if (numInputDims == Int.MinValue) -1 else numInputDims)
  )
}

object Unsqueeze {
  def apply(pos: Int, numInputDims: Int = Int.MinValue): Unsqueeze = new Unsqueeze(pos, numInputDims)
}

/** Swaps each pair of dimensions, in order. */
class Transpose(val permutations: Array[(Int, Int)]) extends AbstractModule {
  require(permutations.nonEmpty, "Transpose: at least one pair of dimensions")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("permutations" -> SpecAttr.ints(permutations.flatMap { case (a, b) => Seq(a, b) }))
}

object Transpose {
  def apply(permutations: Array[(Int, Int)]): Transpose = new Transpose(permutations)
}

/** `length` elements from `offset` along `dimension`; a negative length ends that far from the end. */
class Narrow(val dimension: Int, val offset: Int, val length: Int = 1) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("dimension" -> SpecAttr.int(dimension), "offset" -> SpecAttr.int(offset), "length" -> SpecAttr.int(length))
}

object Narrow {
  def apply(dimension: Int, offset: Int, length: Int = 1): Narrow = new Narrow(dimension, offset, length)
}

/** The slice at `index` along `dim`, which disappears. */
class Select(val dim: Int, val index: Int) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("dim" -> SpecAttr.int(dim), "index" -> SpecAttr.int(index))
}

object Select {
  def apply(dim: Int, index: Int): Select = new Select(dim, index)
}
