package ferrodl.nn

// Containers whose inputs or outputs are tables; they run natively
// (native/core/src/nn/containers).

/** Every child gets the same input; the output is the table of their outputs. */
class ConcatTable extends Container

object ConcatTable {
  def apply(): ConcatTable = new ConcatTable()
}

/** Child `i` gets element `i` of the input table; the output is the table of their outputs. */
class ParallelTable extends Container

object ParallelTable {
  def apply(): ParallelTable = new ParallelTable()
}

/**
 * Every child gets the same input; their tensor outputs are concatenated along `dimension`
 * (1-based, counting the batch dimension: `Concat(2)` joins the channels of NCHW outputs).
 */
class Concat(val dimension: Int) extends Container {
  require(dimension >= 1, s"Concat dimension is 1-based, got $dimension")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("dimension" -> SpecAttr.int(dimension))
  override protected def title: String = s"Concat($dimension)"
}

object Concat {
  def apply(dimension: Int): Concat = new Concat(dimension)
}
