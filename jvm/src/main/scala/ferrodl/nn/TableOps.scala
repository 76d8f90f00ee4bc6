package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// Operations on tables of tensors, with BigDL's names and parameters (`inplace` is accepted
// for compatibility; the engine never aliases). Native: native/core/src/nn/table_ops.

/** The element-wise sum of a table of same-shaped tensors. */
class CAddTable(val inplace: Boolean = false) extends AbstractModule

object CAddTable {
  def apply(inplace: Boolean = false): CAddTable = new CAddTable(inplace)
}

/** `x1 - x2` for a table of two tensors. */
class CSubTable extends AbstractModule

object CSubTable {
  def apply(): CSubTable = new CSubTable()
}

/** The element-wise product of a table of same-shaped tensors. */
class CMulTable extends AbstractModule

object CMulTable {
  def apply(): CMulTable = new CMulTable()
}

/** `x1 / x2` for a table of two tensors. */
class CDivTable extends AbstractModule

object CDivTable {
  def apply(): CDivTable = new CDivTable()
}

/** The element-wise maximum of a table of same-shaped tensors. */
class CMaxTable extends AbstractModule

object CMaxTable {
  def apply(): CMaxTable = new CMaxTable()
}

/** The element-wise minimum of a table of same-shaped tensors. */
class CMinTable extends AbstractModule

object CMinTable {
  def apply(): CMinTable = new CMinTable()
}

/** The element-wise mean of a table of same-shaped tensors. */
class CAveTable(val inplace: Boolean = false) extends AbstractModule

object CAveTable {
  def apply(inplace: Boolean = false): CAveTable = new CAveTable(inplace)
}

/**
 * Concatenates a table of tensors along `dimension` (1-based); when the inputs have
 * `nInputDims + 1` dimensions the first is taken as the batch and `dimension` shifts past it.
 */
class JoinTable(val dimension: Int, val nInputDims: Int) extends AbstractModule {
  require(dimension != 0, "JoinTable dimension is 1-based")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("dimension" -> SpecAttr.int(dimension), "nInputDims" -> SpecAttr.int(nInputDims))
}

object JoinTable {
  def apply(dimension: Int, nInputDims: Int): JoinTable = new JoinTable(dimension, nInputDims)
}

/** Element `index` of a table (1-based; negative counts from the end). */
class SelectTable(val index: Int) extends AbstractModule {
  require(index != 0, "SelectTable index is 1-based")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("index" -> SpecAttr.int(index))
}

object SelectTable {
  def apply(index: Int): SelectTable = new SelectTable(index)
}

/** Elements `offset` to `offset + length - 1` of a table (1-based; length -1 = to the end). */
class NarrowTable(val offset: Int, val length: Int = 1) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("offset" -> SpecAttr.int(offset), "length" -> SpecAttr.int(length))
}

object NarrowTable {
  def apply(offset: Int, length: Int = 1): NarrowTable = new NarrowTable(offset, length)
}

/**
 * Splits a tensor into the table of its slices along `dimension` (1-based; negative counts from
 * the end); when the input has `nInputDims + 1` dimensions the first is taken as the batch and
 * `dimension` shifts past it.
 */
class SplitTable(val dimension: Int, val nInputDims: Int = -1) extends AbstractModule {
  require(dimension != 0, "SplitTable dimension is 1-based")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("dimension" -> SpecAttr.int(dimension), "nInputDims" -> SpecAttr.int(nInputDims))
}

object SplitTable {
  def apply(dimension: Int, nInputDims: Int = -1): SplitTable = new SplitTable(dimension, nInputDims)
}

/** Every tensor of an arbitrarily nested table, depth first, in one flat table. */
class FlattenTable extends AbstractModule

object FlattenTable {
  def apply(): FlattenTable = new FlattenTable()
}

/**
 * Stacks a table of same-shaped k-d tensors along a new `dimension` (1-based, 1 to k + 1; a
 * negative `dimension` d means k + 1 + d, as in BigDL).
 */
class Pack(val dimension: Int) extends AbstractModule {
  require(dimension != 0, "Pack dimension is 1-based")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("dimension" -> SpecAttr.int(dimension))
}

object Pack {
  def apply(dimension: Int): Pack = new Pack(dimension)
}

/** The product of a table of two matrices (optionally transposed), batched for 3-d inputs. */
class MM(val transA: Boolean = false, val transB: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("transA" -> SpecAttr.bool(transA), "transB" -> SpecAttr.bool(transB))
}

object MM {
  def apply(transA: Boolean = false, transB: Boolean = false): MM = new MM(transA, transB)
}

/** The product of a matrix (optionally transposed) and a vector, batched for a 3-d matrix. */
class MV(val trans: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("trans" -> SpecAttr.bool(trans))
}

object MV {
  def apply(trans: Boolean = false): MV = new MV(trans)
}

/** The dot product of each pair of rows of a table of two tensors (`[n]` or `[batch, n]`). */
class DotProduct extends AbstractModule

object DotProduct {
  def apply(): DotProduct = new DotProduct()
}

/** The p-norm distance between each pair of rows of a table of two tensors. */
class PairwiseDistance(val norm: Int = 2) extends AbstractModule {
  require(norm >= 1, s"PairwiseDistance norm must be >= 1, got $norm")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("norm" -> SpecAttr.int(norm))
}

object PairwiseDistance {
  def apply(norm: Int = 2): PairwiseDistance = new PairwiseDistance(norm)
}

/** The cosine similarity of each pair of rows of a table of two tensors (BigDL's name). */
class CosineDistance extends AbstractModule

object CosineDistance {
  def apply(): CosineDistance = new CosineDistance()
}

/** For the input `{t, index}`, the slices of `t` along `dimension` (1-based) at the 1-based positions in `index`. */
class Index(val dimension: Int) extends AbstractModule {
  require(dimension >= 1, s"Index dimension is 1-based, got $dimension")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("dimension" -> SpecAttr.int(dimension))
}

object Index {
  def apply(dimension: Int): Index = new Index(dimension)
}
