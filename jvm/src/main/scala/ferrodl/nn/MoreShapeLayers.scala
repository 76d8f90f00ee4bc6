package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// More layers that move, pad, crop, mask or rescale elements, with BigDL's names, parameters and
// defaults (1-based dimensions). Each runs natively in native/core/src/nn/shape_layers/.

/**
 * Reshape with inferred sizes: a positive entry of `size` is used as is, `0` copies the input's
 * dimension at that position, one `-1` is inferred from the element count. With `batchMode` the
 * first input dimension is kept as the batch.
 */
class InferReshape(val size: Array[Int], val batchMode: Boolean = false) extends AbstractModule {
  require(
    size.nonEmpty && size.forall(_ >= -1) && size.count(_ == -1) <= 1,
    s"InferReshape: size entries must be positive, 0 or a single -1, got ${size.mkString(",")}"
  )
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("size" -> SpecAttr.ints(size), "batchMode" -> SpecAttr.bool(batchMode))
}

object InferReshape {
  def apply(size: Array[Int], batchMode: Boolean = false): InferReshape = new InferReshape(size, batchMode)
}

/**
 * Repeats the input `nFeatures` times along a new dimension `dim`; inputs with more than `nDim`
 * dimensions keep their first as a batch.
 */
class Replicate(val nFeatures: Int, val dim: Int = 1, val nDim: Int = Int.MaxValue) extends AbstractModule {
  require(nFeatures > 0 && dim > 0, s"Replicate: nFeatures and dim must be positive, got $nFeatures and $dim")
  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("nFeatures" -> SpecAttr.int(nFeatures), "dim" -> SpecAttr.int(dim), "nDim" -> SpecAttr.int(nDim))
}

object Replicate {
  def apply(nFeatures: Int, dim: Int = 1, nDim: Int = Int.MaxValue): Replicate = new Replicate(nFeatures, dim, nDim)
}

/** The input in reverse order along `dimension`. `isInplace` is accepted and has no effect. */
class Reverse(val dimension: Int = 1, val isInplace: Boolean = false) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("dimension" -> SpecAttr.int(dimension))
}

object Reverse {
  def apply(dimension: Int = 1, isInplace: Boolean = false): Reverse = new Reverse(dimension, isInplace)
}

/**
 * Adds `|pad|` elements of `value` along `dim` (one more dimension when the input does not have
 * `nInputDim`, the first being a batch): before input element `nIndex` when `pad < 0`, after the
 * element `nIndex - 1` from the end when `pad > 0`.
 */
class Padding(val dim: Int, val pad: Int, val nInputDim: Int, val value: Double = 0.0, val nIndex: Int = 1)
    extends AbstractModule {
  require(dim > 0 && nInputDim >= 0, s"Padding: dim must be positive and nInputDim >= 0, got $dim and $nInputDim")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "dim" -> SpecAttr.int(dim),
    "pad" -> SpecAttr.int(pad),
    "nInputDim" -> SpecAttr.int(nInputDim),
    "value" -> SpecAttr.floats(Seq(value)),
    "nIndex" -> SpecAttr.int(nIndex)
  )
}

object Padding {
  def apply(dim: Int, pad: Int, nInputDim: Int, value: Double = 0.0, nIndex: Int = 1): Padding =
    new Padding(dim, pad, nInputDim, value, nIndex)
}

/** Zeros around `[batch, C, H, W]` or `[C, H, W]` feature maps; negative amounts crop. */
class SpatialZeroPadding(val padLeft: Int, val padRight: Int, val padTop: Int, val padBottom: Int)
    extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "padLeft" -> SpecAttr.int(padLeft),
    "padRight" -> SpecAttr.int(padRight),
    "padTop" -> SpecAttr.int(padTop),
    "padBottom" -> SpecAttr.int(padBottom)
  )
}

object SpatialZeroPadding {
  def apply(padLeft: Int, padRight: Int, padTop: Int, padBottom: Int): SpatialZeroPadding =
    new SpatialZeroPadding(padLeft, padRight, padTop, padBottom)
}

/**
 * Removes `heightCrop = (top, bottom)` rows and `widthCrop = (left, right)` columns of 4-D
 * input, `"NCHW"` (default) or `"NHWC"`.
 */
class Cropping2D(val heightCrop: Array[Int], val widthCrop: Array[Int], val dataFormat: String = "NCHW")
    extends AbstractModule {
  Cropping2D.checkCrop("Cropping2D", "heightCrop", heightCrop)
  Cropping2D.checkCrop("Cropping2D", "widthCrop", widthCrop)
  require(dataFormat == "NCHW" || dataFormat == "NHWC", s"Cropping2D: dataFormat is NCHW or NHWC, got $dataFormat")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "heightCrop" -> SpecAttr.ints(heightCrop),
    "widthCrop" -> SpecAttr.ints(widthCrop),
    "dataFormat" -> SpecAttr.Str(dataFormat)
  )
}

object Cropping2D {
  private[nn] def checkCrop(layer: String, what: String, crop: Array[Int]): Unit =
    require(crop.length == 2 && crop.forall(_ >= 0), s"$layer: $what must be two non-negative integers")

  def apply(heightCrop: Array[Int], widthCrop: Array[Int], dataFormat: String = "NCHW"): Cropping2D =
    new Cropping2D(heightCrop, widthCrop, dataFormat)
}

/**
 * Removes `(begin, end)` elements along each of the three spatial dimensions of 5-D input,
 * `"channel_first"` (default, `[batch, C, D1, D2, D3]`) or `"channel_last"`.
 */
class Cropping3D(
    val dim1Crop: Array[Int] = Array(0, 0),
    val dim2Crop: Array[Int] = Array(0, 0),
    val dim3Crop: Array[Int] = Array(0, 0),
    val dataFormat: String = Cropping3D.CHANNEL_FIRST
) extends AbstractModule {
  Seq("dim1Crop" -> dim1Crop, "dim2Crop" -> dim2Crop, "dim3Crop" -> dim3Crop).foreach { case (k, v) =>
    Cropping2D.checkCrop("Cropping3D", k, v)
  }
  require(
    dataFormat == Cropping3D.CHANNEL_FIRST || dataFormat == Cropping3D.CHANNEL_LAST,
    s"Cropping3D: dataFormat is channel_first or channel_last, got $dataFormat"
  )
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "dim1Crop" -> SpecAttr.ints(dim1Crop),
    "dim2Crop" -> SpecAttr.ints(dim2Crop),
    "dim3Crop" -> SpecAttr.ints(dim3Crop),
    "dataFormat" -> SpecAttr.Str(dataFormat)
  )
}

object Cropping3D {
  val CHANNEL_FIRST = "channel_first"
  val CHANNEL_LAST = "channel_last"

  def apply(
      dim1Crop: Array[Int] = Array(0, 0),
      dim2Crop: Array[Int] = Array(0, 0),
      dim3Crop: Array[Int] = Array(0, 0),
      dataFormat: String = CHANNEL_FIRST
  ): Cropping3D = new Cropping3D(dim1Crop, dim2Crop, dim3Crop, dataFormat)
}

/** Zeroes the time steps of `[batch, time, ...]` input whose features all equal `maskValue`. */
class Masking(val maskValue: Double = 0.0) extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("maskValue" -> SpecAttr.floats(Seq(maskValue)))
}

object Masking {
  def apply(maskValue: Double = 0.0): Masking = new Masking(maskValue)
}

/** `y = x ⊙ w + b` with learned `w` and `b` of shape `size` (CMul then CAdd). */
class Scale(val size: Array[Int]) extends AbstractModule {
  require(size.nonEmpty && size.forall(_ > 0), "Scale: size must be positive")
  override protected def attrs: Seq[(String, SpecAttr)] = Seq("size" -> SpecAttr.ints(size))
}

object Scale {
  def apply(size: Array[Int]): Scale = new Scale(size)
}

/**
 * The identity, whose gradient gets the L1 penalty `l1weight·Σ|x|` (averaged over the elements
 * with `sizeAverage`); without `provideOutput` the gradient from above is dropped.
 */
class L1Penalty(val l1weight: Int, val sizeAverage: Boolean = false, val provideOutput: Boolean = true)
    extends AbstractModule {
  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "l1weight" -> SpecAttr.int(l1weight),
    "sizeAverage" -> SpecAttr.bool(sizeAverage),
    "provideOutput" -> SpecAttr.bool(provideOutput)
  )
}

object L1Penalty {
  def apply(l1weight: Int, sizeAverage: Boolean = false, provideOutput: Boolean = true): L1Penalty =
    new L1Penalty(l1weight, sizeAverage, provideOutput)
}
