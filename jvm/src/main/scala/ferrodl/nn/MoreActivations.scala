package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// More activation and regularisation layers, with BigDL's names, parameters and defaults. Each
// runs natively in native/core/src/nn/shape_layers/. The random ones draw from a stream seeded
// per iteration and partition, as Dropout does, so training is reproducible.

/**
 * The largest of `maxoutNumber` linear maps per output feature: `Linear(inputSize,
 * outputSize·maxoutNumber)` viewed as `[maxoutNumber, outputSize]` and maximised. Input
 * `[batch, inputSize]` or `[inputSize]`. `wRegularizer` applies to the weight, `bRegularizer` to the bias.
 */
class Maxout(
    val inputSize: Int,
    val outputSize: Int,
    val maxoutNumber: Int,
    val withBias: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null,
    val initWeight: ferrodl.tensor.Tensor = null,
    val initBias: ferrodl.tensor.Tensor = null
) extends AbstractModule {
  require(initWeight == null && initBias == null, "Maxout: initial tensors are not supported yet (use setWeightsArray)")
  require(
    inputSize > 0 && outputSize > 0 && maxoutNumber > 0,
    s"Maxout: sizes must be positive, got $inputSize, $outputSize, $maxoutNumber"
  )
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "inputSize" -> SpecAttr.int(inputSize),
    "outputSize" -> SpecAttr.int(outputSize),
    "maxoutNumber" -> SpecAttr.int(maxoutNumber),
    "withBias" -> SpecAttr.bool(withBias)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)
}

object Maxout {
  def apply(
      inputSize: Int,
      outputSize: Int,
      maxoutNumber: Int,
      withBias: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null,
      initWeight: ferrodl.tensor.Tensor = null,
      initBias: ferrodl.tensor.Tensor = null
  ): Maxout =
    new Maxout(inputSize, outputSize, maxoutNumber, withBias, wRegularizer, bRegularizer, initWeight, initBias)
}

/**
 * Randomised leaky ReLU: negative inputs are multiplied by a slope drawn uniformly in
 * `[lower, upper)` while training, by `(lower + upper) / 2` in evaluation.
 */
class RReLU(val lower: Double = 1.0 / 8, val upper: Double = 1.0 / 3, val inplace: Boolean = false)
    extends AbstractModule {
  require(lower >= 0 && lower <= upper, s"RReLU: need 0 <= lower <= upper, got $lower and $upper")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("lower" -> SpecAttr.floats(Seq(lower)), "upper" -> SpecAttr.floats(Seq(upper)))
}

object RReLU {
  def apply(lower: Double = 1.0 / 8, upper: Double = 1.0 / 3, inplace: Boolean = false): RReLU =
    new RReLU(lower, upper, inplace)
}

/**
 * S-shaped ReLU with learned thresholds and slopes `tLeft, aLeft, tRight, aRight` of `shape`
 * (shared along the 1-based axes `sharedAxes`). Input `[batch, shape...]`.
 *
 * Initialisation (BigDL's): `tLeft` Zeros, `aLeft` Xavier, `tRight` Xavier, `aRight` Ones; then
 * `tRight` becomes `|tRight| + tLeft` (BigDL applies that at every forward pass, the engine once
 * after initialising). `setInitMethod(Array(tLeftInit, aLeftInit, tRightInit, aRightInit))`
 * replaces them (a null entry keeps the default); the two-method form is refused, as in BigDL.
 */
class SReLU(val shape: Array[Int], val sharedAxes: Array[Int] = null) extends AbstractModule {
  require(shape.nonEmpty && shape.forall(_ > 0), "SReLU: shape must be positive")
  require(
    sharedAxes == null || sharedAxes.forall(a => a >= 1 && a <= shape.length),
    "SReLU: sharedAxes must be 1-based axes of shape"
  )
  private var inits: Array[InitializationMethod] = Array.fill(4)(null)

  /** BigDL's `setInitMethod(initMethods)`: the methods of `tLeft, aLeft, tRight, aRight`. */
  def setInitMethod(initMethods: Array[InitializationMethod]): this.type = {
    require(initMethods != null && initMethods.length == 4, "SReLU: setInitMethod takes 4 methods")
    inits = initMethods.zip(inits).map { case (m, old) => if (m != null) m else old }
    reset()
  }

  override def setInitMethod(weightInitMethod: InitializationMethod, biasInitMethod: InitializationMethod): this.type =
    throw new UnsupportedOperationException(
      "SReLU should call setInitMethod(initMethods: Array[InitializationMethod])"
    )

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("shape" -> SpecAttr.ints(shape)) ++
      Option(sharedAxes).filter(_.nonEmpty).map(a => "sharedAxes" -> SpecAttr.ints(a)).toSeq ++
      SReLU.InitKeys
        .zip(inits)
        .collect {
          case (key, m) if m != null => Seq(key -> SpecAttr.Str(m.name), s"${key}Args" -> SpecAttr.floats(m.args))
        }
        .flatten
}

object SReLU {
  def apply(shape: Array[Int], sharedAxes: Array[Int] = null): SReLU = new SReLU(shape, sharedAxes)

  /** The description's attributes of the four initialisation methods, in BigDL's order. */
  private[nn] val InitKeys: Seq[String] = Seq("tLeftInit", "aLeftInit", "tRightInit", "aRightInit")
}

/** Multiplies by 1-centred Gaussian noise of standard deviation `√(rate / (1 - rate))` while training. */
class GaussianDropout(val rate: Double) extends AbstractModule {
  require(rate >= 0 && rate < 1, s"GaussianDropout: rate must be in [0, 1), got $rate")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("rate" -> SpecAttr.floats(Seq(rate)))
}

object GaussianDropout {
  def apply(rate: Double): GaussianDropout = new GaussianDropout(rate)
}

/** Adds 0-centred Gaussian noise of standard deviation `stddev` while training. */
class GaussianNoise(val stddev: Double) extends AbstractModule {
  require(stddev >= 0, s"GaussianNoise: stddev must be >= 0, got $stddev")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("stddev" -> SpecAttr.floats(Seq(stddev)))
}

object GaussianNoise {
  def apply(stddev: Double): GaussianNoise = new GaussianNoise(stddev)
}

/**
 * Zeroes whole channels of `[batch, time, C]` or `[time, C]` input with probability `initP`
 * while training (no rescaling); multiplies by `1 - initP` in evaluation.
 */
class SpatialDropout1D(val initP: Double = 0.5) extends AbstractModule {
  require(initP >= 0 && initP < 1, s"SpatialDropout1D: initP must be in [0, 1), got $initP")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("initP" -> SpecAttr.floats(Seq(initP)))
}

object SpatialDropout1D {
  def apply(initP: Double = 0.5): SpatialDropout1D = new SpatialDropout1D(initP)
}

/**
 * Zeroes whole feature maps of `[batch, C, H, W]` or `[C, H, W]` input (`format` "NCHW", or
 * channels last with "NHWC") with probability `initP` while training; multiplies by `1 - initP`
 * in evaluation.
 */
class SpatialDropout2D(val initP: Double = 0.5, val format: String = "NCHW") extends AbstractModule {
  require(initP >= 0 && initP < 1, s"SpatialDropout2D: initP must be in [0, 1), got $initP")
  require(format == "NCHW" || format == "NHWC", s"SpatialDropout2D: format is NCHW or NHWC, got $format")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("initP" -> SpecAttr.floats(Seq(initP)), "format" -> SpecAttr.Str(format))
}

object SpatialDropout2D {
  def apply(initP: Double = 0.5, format: String = "NCHW"): SpatialDropout2D = new SpatialDropout2D(initP, format)
}

/**
 * Zeroes whole 3-D feature maps of `[batch, C, D, H, W]` or `[C, D, H, W]` input (channels last
 * with "NHWC") with probability `initP` while training; multiplies by `1 - initP` in evaluation.
 */
class SpatialDropout3D(val initP: Double = 0.5, val format: String = "NCHW") extends AbstractModule {
  require(initP >= 0 && initP < 1, s"SpatialDropout3D: initP must be in [0, 1), got $initP")
  require(format == "NCHW" || format == "NHWC", s"SpatialDropout3D: format is NCHW or NHWC, got $format")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("initP" -> SpecAttr.floats(Seq(initP)), "format" -> SpecAttr.Str(format))
}

object SpatialDropout3D {
  def apply(initP: Double = 0.5, format: String = "NCHW"): SpatialDropout3D = new SpatialDropout3D(initP, format)
}
