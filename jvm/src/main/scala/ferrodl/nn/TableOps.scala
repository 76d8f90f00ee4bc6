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
