package ferrodl.nn

/**
 * How `setInitMethod` fills a layer's weight or bias, with BigDL's names. The engine applies them
 * natively (native/core/src/nn/init_method.rs); every layer with a weight or bias accepts them:
 * Linear, the convolutions, LocallyConnected1D/2D, Maxout, Scale, CMul, CAdd, Mul, Add, PReLU,
 * Cosine, Euclidean, Bilinear, LayerNormalization, BatchNormalization, LookupTable.
 */
sealed abstract class InitializationMethod(val name: String, val args: Seq[Double]) extends Serializable {
  override def toString: String = if (args.isEmpty) name else s"$name(${args.mkString(", ")})"
}

case object Zeros extends InitializationMethod("Zeros", Nil)

case object Ones extends InitializationMethod("Ones", Nil)

/** Every element `value`. */
case class ConstInitMethod(value: Double) extends InitializationMethod("ConstInitMethod", Seq(value))

/** Uniform in `[lower, upper)`. */
case class RandomUniform(lower: Double, upper: Double) extends InitializationMethod("RandomUniform", Seq(lower, upper))

/** Uniform in `±1/√fanIn` (BigDL's `RandomUniform` without bounds). */
case object RandomUniform extends InitializationMethod("RandomUniform", Nil)

/** Normal with the given mean and standard deviation. */
case class RandomNormal(mean: Double, stdv: Double) extends InitializationMethod("RandomNormal", Seq(mean, stdv))

/** Uniform in `±√(6 / (fanIn + fanOut))`. */
case object Xavier extends InitializationMethod("Xavier", Nil)

/** Normal with `σ = √(2 / n)`, `n` the mean of the fans (or fanIn when not `varianceNormAverage`). */
case class MsraFiller(varianceNormAverage: Boolean = true)
    extends InitializationMethod("MsraFiller", Seq(if (varianceNormAverage) 1.0 else 0.0))

/**
 * The kernels of a transposed convolution that upsamples by bilinear interpolation (Caffe's and BigDL's
 * `BilinearFiller`), for layers with a `kH x kW` kernel such as `SpatialFullConvolution`.
 */
case object BilinearFiller extends InitializationMethod("BilinearFiller", Nil)
