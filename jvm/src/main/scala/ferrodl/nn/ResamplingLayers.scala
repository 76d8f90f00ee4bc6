package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * The maximum of every feature over windows of `kW` frames every `dW` frames (`dW = -1`: `dW = kW`), as
 * BigDL's `TemporalMaxPooling`. Input `[batch, nInputFrame, frameSize]` or `[nInputFrame, frameSize]`.
 */
class TemporalMaxPooling(val kW: Int, val dW: Int = -1) extends AbstractModule {
  require(kW > 0 && (dW > 0 || dW == -1), s"TemporalMaxPooling: kW $kW must be positive, dW $dW positive or -1")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("kW" -> SpecAttr.int(kW), "dW" -> SpecAttr.int(dW))

  override def describe(): String = s"TemporalMaxPooling($kW, ${if (dW == -1) kW else dW})"
}

object TemporalMaxPooling {
  def apply(kW: Int, dW: Int = -1): TemporalMaxPooling = new TemporalMaxPooling(kW, dW)
}

/** Repeats every frame of `[batch, steps, features]` `length` times along the steps, as BigDL's `UpSampling1D`. */
class UpSampling1D(val length: Int) extends AbstractModule {
  require(length > 0, s"UpSampling1D: length must be positive, got $length")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("length" -> SpecAttr.int(length))

  override def describe(): String = s"UpSampling1D($length)"
}

object UpSampling1D {
  def apply(length: Int): UpSampling1D = new UpSampling1D(length)
}

/**
 * Nearest-neighbour enlargement of `[batch, C, H, W]` images (`[batch, H, W, C]` with `format = "NHWC"`) by
 * `size(0)` along the height and `size(1)` along the width, as BigDL's `UpSampling2D`.
 */
class UpSampling2D(val size: Array[Int], val format: String = "NCHW") extends AbstractModule {
  require(
    size != null && size.length == 2 && size.forall(_ > 0),
    "UpSampling2D: size must be two positive factors (height, width)"
  )
  require(format == "NCHW" || format == "NHWC", s"UpSampling2D: format must be NCHW or NHWC, got $format")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("size" -> SpecAttr.ints(size.toSeq), "format" -> SpecAttr.Str(format))

  override def describe(): String = s"UpSampling2D(${size.mkString("x")}, $format)"
}

object UpSampling2D {
  def apply(size: Array[Int], format: String = "NCHW"): UpSampling2D = new UpSampling2D(size, format)
}

/**
 * Bilinear resize of `[batch, C, H, W]` images (`[batch, H, W, C]` with `dataFormat = "NHWC"`) to
 * `outputHeight x outputWidth`, as BigDL's `ResizeBilinear` (TensorFlow's sampling: output pixel `o` reads
 * input position `o·scale`, `scale = (in - 1)/(out - 1)` with `alignCorners`, `in/out` without).
 */
class ResizeBilinear(
    val outputHeight: Int,
    val outputWidth: Int,
    val alignCorners: Boolean = false,
    val dataFormat: String = "NCHW"
) extends AbstractModule {
  require(outputHeight > 0 && outputWidth > 0, s"ResizeBilinear: output size must be positive")
  require(
    dataFormat == "NCHW" || dataFormat == "NHWC",
    s"ResizeBilinear: dataFormat must be NCHW or NHWC, got $dataFormat"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "outputHeight" -> SpecAttr.int(outputHeight),
    "outputWidth" -> SpecAttr.int(outputWidth),
    "alignCorners" -> SpecAttr.bool(alignCorners),
    "dataFormat" -> SpecAttr.Str(dataFormat)
  )

  override def describe(): String =
    s"ResizeBilinear($outputHeight x $outputWidth, alignCorners=$alignCorners, $dataFormat)"
}

object ResizeBilinear {
  def apply(
      outputHeight: Int,
      outputWidth: Int,
      alignCorners: Boolean = false,
      dataFormat: String = "NCHW"
  ): ResizeBilinear = new ResizeBilinear(outputHeight, outputWidth, alignCorners, dataFormat)
}
