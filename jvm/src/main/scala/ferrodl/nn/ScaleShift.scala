package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// Layers that scale or shift their input by learned parameters broadcast over it, with BigDL's
// names. Each runs natively as `ScaleShift` (native/core/src/nn/scale_shift.rs).

/** `y = x ⊙ w` with `w` of shape `size`, broadcast over the input (and its batch dimension). */
class CMul(val size: Array[Int], val wRegularizer: ferrodl.optim.Regularizer = null) extends AbstractModule {
  require(size.nonEmpty && size.forall(_ > 0), "CMul: size must be positive")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("size" -> SpecAttr.ints(size)) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, null)
}

object CMul {
  def apply(size: Array[Int], wRegularizer: ferrodl.optim.Regularizer = null): CMul = new CMul(size, wRegularizer)
}

/** `y = x + b` with `b` of shape `size`, broadcast over the input (and its batch dimension). */
class CAdd(val size: Array[Int], val bRegularizer: ferrodl.optim.Regularizer = null) extends AbstractModule {
  require(size.nonEmpty && size.forall(_ > 0), "CAdd: size must be positive")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("size" -> SpecAttr.ints(size)) ++ ferrodl.optim.Regularizer.attrs(null, bRegularizer)
}

object CAdd {
  def apply(size: Array[Int], bRegularizer: ferrodl.optim.Regularizer = null): CAdd = new CAdd(size, bRegularizer)
}

/** `y = w·x` with one learned scalar `w`. */
class Mul extends AbstractModule

object Mul {
  def apply(): Mul = new Mul()
}

/** `y = x + b` with a learned bias of `inputSize` over the last dimension. */
class Add(val inputSize: Int) extends AbstractModule {
  require(inputSize > 0, "Add: inputSize must be positive")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("inputSize" -> SpecAttr.int(inputSize))
}

object Add {
  def apply(inputSize: Int): Add = new Add(inputSize)
}

/** Parametric ReLU: slope `w_c` for negative inputs, one per channel (or one for all when 0). */
class PReLU(val nOutputPlane: Int = 0) extends AbstractModule {
  require(nOutputPlane >= 0, "PReLU: nOutputPlane must be >= 0")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("nOutputPlane" -> SpecAttr.int(nOutputPlane))
}

object PReLU {
  def apply(nOutputPlane: Int = 0): PReLU = new PReLU(nOutputPlane)
}
