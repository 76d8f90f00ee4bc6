package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// Element-wise layers with BigDL's names, parameters and defaults. Each runs natively as one
// `Pointwise` module of the engine (native/core/src/nn/pointwise.rs); `inplace` flags are accepted
// for compatibility and have no effect (the engine never aliases input and output).

/** Element-wise logistic function `1 / (1 + e^-x)`. Any input shape; the output has the same shape. */
class Sigmoid extends AbstractModule

object Sigmoid {
  def apply(): Sigmoid = new Sigmoid()
}

/** `min(max(x, 0), 6)`. Any input shape; the output has the same shape. */
class ReLU6(val inplace: Boolean = false) extends AbstractModule

object ReLU6 {
  def apply(inplace: Boolean = false): ReLU6 = new ReLU6(inplace)
}

/** `x` where `x > 0`, else `negval·x`. Any input shape; the output has the same shape. */
class LeakyReLU(val negval: Double = 0.01, val inplace: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("negval" -> SpecAttr.floats(Seq(negval)))
}

object LeakyReLU {
  def apply(negval: Double = 0.01, inplace: Boolean = false): LeakyReLU = new LeakyReLU(negval, inplace)
}

/** `x` where `x > 0`, else `alpha·(e^x - 1)`. Any input shape; the output has the same shape. */
class ELU(val alpha: Double = 1.0, val inplace: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("alpha" -> SpecAttr.floats(Seq(alpha)))
}

object ELU {
  def apply(alpha: Double = 1.0, inplace: Boolean = false): ELU = new ELU(alpha, inplace)
}

/** `x` clamped to `[minValue, maxValue]`. Any input shape; the output has the same shape. */
class HardTanh(val minValue: Double = -1, val maxValue: Double = 1, val inplace: Boolean = false)
    extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("minValue" -> SpecAttr.floats(Seq(minValue)), "maxValue" -> SpecAttr.floats(Seq(maxValue)))
}

object HardTanh {
  def apply(minValue: Double = -1, maxValue: Double = 1, inplace: Boolean = false): HardTanh =
    new HardTanh(minValue, maxValue, inplace)
}

/** `x` clamped to `[min, max]` (BigDL's HardTanh). Any input shape; the output has the same shape. */
class Clamp(val min: Double = -1, val max: Double = 1) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("min" -> SpecAttr.floats(Seq(min)), "max" -> SpecAttr.floats(Seq(max)))
}

object Clamp {
  def apply(min: Double = -1, max: Double = 1): Clamp = new Clamp(min, max)
}

/** `max(0, min(1, 0.2·x + 0.5))`. Any input shape; the output has the same shape. */
class HardSigmoid extends AbstractModule

object HardSigmoid {
  def apply(): HardSigmoid = new HardSigmoid()
}

/** `log(1 / (1 + e^-x))`, computed stably. Any input shape; the output has the same shape. */
class LogSigmoid extends AbstractModule

object LogSigmoid {
  def apply(): LogSigmoid = new LogSigmoid()
}

/** `log(1 + e^(beta·x)) / beta`, linear where `beta·x > 20`. Any input shape; the output has the same shape. */
class SoftPlus(val beta: Double = 1.0) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("beta" -> SpecAttr.floats(Seq(beta)))
}

object SoftPlus {
  def apply(beta: Double = 1.0): SoftPlus = new SoftPlus(beta)
}

/** `x / (1 + |x|)`. Any input shape; the output has the same shape. */
class SoftSign extends AbstractModule

object SoftSign {
  def apply(): SoftSign = new SoftSign()
}

/** `x - lambda` above `lambda`, `x + lambda` below `-lambda`, else 0. Any input shape; the output has the same shape. */
class SoftShrink(val lambda: Double = 0.5) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("lambda" -> SpecAttr.floats(Seq(lambda)))
}

object SoftShrink {
  def apply(lambda: Double = 0.5): SoftShrink = new SoftShrink(lambda)
}

/** `x` where `|x| > lambda`, else 0. Any input shape; the output has the same shape. */
class HardShrink(val lambda: Double = 0.5) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("lambda" -> SpecAttr.floats(Seq(lambda)))
}

object HardShrink {
  def apply(lambda: Double = 0.5): HardShrink = new HardShrink(lambda)
}

/** `x - tanh(x)`. Any input shape; the output has the same shape. */
class TanhShrink extends AbstractModule

object TanhShrink {
  def apply(): TanhShrink = new TanhShrink()
}

/** `x` where `x > th`, else `v`. Any input shape; the output has the same shape. */
class Threshold(val th: Double = 1e-6, val v: Double = 0.0, val ip: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("th" -> SpecAttr.floats(Seq(th)), "v" -> SpecAttr.floats(Seq(v)))
}

object Threshold {
  def apply(th: Double = 1e-6, v: Double = 0.0, ip: Boolean = false): Threshold = new Threshold(th, v, ip)
}

/** `|x|`. Any input shape; the output has the same shape. */
class Abs extends AbstractModule

object Abs {
  def apply(): Abs = new Abs()
}

/** `x²`. Any input shape; the output has the same shape. */
class Square extends AbstractModule

object Square {
  def apply(): Square = new Square()
}

/** `√x`. Any input shape; the output has the same shape. */
class Sqrt extends AbstractModule

object Sqrt {
  def apply(): Sqrt = new Sqrt()
}

/** `e^x`. Any input shape; the output has the same shape. */
class Exp extends AbstractModule

object Exp {
  def apply(): Exp = new Exp()
}

/** `ln x`. Any input shape; the output has the same shape. */
class Log extends AbstractModule

object Log {
  def apply(): Log = new Log()
}

/** `(shift + scale·x)^power`. Any input shape; the output has the same shape. */
class Power(val power: Double, val scale: Double = 1.0, val shift: Double = 0.0) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "power" -> SpecAttr.floats(Seq(power)),
    "scale" -> SpecAttr.floats(Seq(scale)),
    "shift" -> SpecAttr.floats(Seq(shift))
  )
}

object Power {
  def apply(power: Double, scale: Double = 1.0, shift: Double = 0.0): Power = new Power(power, scale, shift)
}

/** `x · scalar`. Any input shape; the output has the same shape. */
class MulConstant(val scalar: Double, val inplace: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("scalar" -> SpecAttr.floats(Seq(scalar)))
}

object MulConstant {
  def apply(scalar: Double, inplace: Boolean = false): MulConstant = new MulConstant(scalar, inplace)
}

/** `x + constant_scalar`. Any input shape; the output has the same shape. */
class AddConstant(val constant_scalar: Double, val inplace: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "constant_scalar" -> SpecAttr.floats(Seq(constant_scalar))
  )
}

object AddConstant {
  def apply(constant_scalar: Double, inplace: Boolean = false): AddConstant = new AddConstant(constant_scalar, inplace)
}
