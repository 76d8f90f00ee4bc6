package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// Containers of exactly one module, run natively (native/core/src/nn/containers/map_table.rs
// and native/core/src/nn/table_ops/bottle.rs).

/**
 * Applies one module to every element of the input table. The engine builds a copy of the
 * module per element; all copies share the module's parameters (and add into one gradient).
 * `add` sets the module, replacing an earlier one, as in BigDL.
 */
class MapTable(module: AbstractModule = null) extends Container {
  if (module != null) add(module)

  override def add(module: AbstractModule): this.type = {
    require(module != null, "MapTable needs a module")
    modules.clear()
    super.add(module)
  }
}

object MapTable {
  def apply(module: AbstractModule = null): MapTable = new MapTable(module)
}

/**
 * Runs `module`, made for `nInputDim`-d inputs, on inputs with more dimensions: the leading
 * ones are fused into the first, and restored on the output (which has `nOutputDim1`
 * dimensions; `Int.MaxValue` means `nInputDim`).
 */
class Bottle(val module: AbstractModule, val nInputDim: Int = 2, val nOutputDim1: Int = Int.MaxValue)
    extends Container {
  require(module != null, "Bottle needs a module")
  require(nInputDim >= 1, s"Bottle nInputDim must be >= 1, got $nInputDim")
  add(module)

  override def add(module: AbstractModule): this.type = {
    require(modules.isEmpty, "Bottle holds one module, given to its constructor")
    super.add(module)
  }

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("nInputDim" -> SpecAttr.int(nInputDim), "nOutputDim1" -> SpecAttr.int(nOutputDim1))
  override protected def title: String = s"Bottle($nInputDim, $nOutputDim1)"
}

object Bottle {
  def apply(module: AbstractModule, nInputDim: Int = 2, nOutputDim1: Int = Int.MaxValue): Bottle =
    new Bottle(module, nInputDim, nOutputDim1)
}
