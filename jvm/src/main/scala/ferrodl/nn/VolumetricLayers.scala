package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

/**
 * 3-D convolution over `[batch, nInputPlane, T, H, W]` (or `[nInputPlane, T, H, W]`) volumes, as BigDL's
 * `VolumetricConvolution`: `oT = (T + 2·padT - kT) / dT + 1`, likewise for H and W. Weight
 * `[nOutputPlane, nInputPlane, kT, kH, kW]` then, when `withBias`, bias `[nOutputPlane]`, initialised uniformly
 * in ±1/√(kT·kW·kH·nInputPlane).
 */
class VolumetricConvolution(
    val nInputPlane: Int,
    val nOutputPlane: Int,
    val kT: Int,
    val kW: Int,
    val kH: Int,
    val dT: Int = 1,
    val dW: Int = 1,
    val dH: Int = 1,
    val padT: Int = 0,
    val padW: Int = 0,
    val padH: Int = 0,
    val withBias: Boolean = true,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH).forall(_ > 0),
    "VolumetricConvolution: planes, kernel and stride must be positive"
  )
  require(Seq(padT, padW, padH).forall(_ >= 0), "VolumetricConvolution: padding must be >= 0")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputPlane" -> SpecAttr.int(nInputPlane),
    "nOutputPlane" -> SpecAttr.int(nOutputPlane),
    "kT" -> SpecAttr.int(kT),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dT" -> SpecAttr.int(dT),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padT" -> SpecAttr.int(padT),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "withBias" -> SpecAttr.bool(withBias)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"VolumetricConvolution($nInputPlane -> $nOutputPlane, $kT x $kW x $kH, $dT, $dW, $dH, $padT, $padW, $padH)"
}

object VolumetricConvolution {
  def apply(
      nInputPlane: Int,
      nOutputPlane: Int,
      kT: Int,
      kW: Int,
      kH: Int,
      dT: Int = 1,
      dW: Int = 1,
      dH: Int = 1,
      padT: Int = 0,
      padW: Int = 0,
      padH: Int = 0,
      withBias: Boolean = true,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): VolumetricConvolution =
    new VolumetricConvolution(
      nInputPlane,
      nOutputPlane,
      kT,
      kW,
      kH,
      dT,
      dW,
      dH,
      padT,
      padW,
      padH,
      withBias,
      wRegularizer,
      bRegularizer
    )
}

/**
 * Max pooling over 3-D windows of `[batch, C, T, H, W]` (or `[C, T, H, W]`) volumes, as BigDL's
 * `VolumetricMaxPooling`; padding at most half the kernel; `ceil()` switches the output size to ceiling mode,
 * `floor()` back.
 */
class VolumetricMaxPooling(
    val kT: Int,
    val kW: Int,
    val kH: Int,
    val dT: Int,
    val dW: Int,
    val dH: Int,
    val padT: Int = 0,
    val padW: Int = 0,
    val padH: Int = 0
) extends AbstractModule {
  require(Seq(kT, kW, kH, dT, dW, dH).forall(_ > 0), "VolumetricMaxPooling: kernel and stride must be positive")
  require(
    padT >= 0 && padW >= 0 && padH >= 0 && padT <= kT / 2 && padW <= kW / 2 && padH <= kH / 2,
    "VolumetricMaxPooling: padding must be in [0, kernel / 2]"
  )
  private var ceilMode = false

  def this(kT: Int, kW: Int, kH: Int) = this(kT, kW, kH, kT, kW, kH)

  def ceil(): this.type = { ceilMode = true; invalidate(); this }

  def floor(): this.type = { ceilMode = false; invalidate(); this }

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "kT" -> SpecAttr.int(kT),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dT" -> SpecAttr.int(dT),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padT" -> SpecAttr.int(padT),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "ceilMode" -> SpecAttr.bool(ceilMode)
  )

  override def describe(): String =
    s"VolumetricMaxPooling($kT x $kW x $kH, $dT, $dW, $dH, $padT, $padW, $padH${if (ceilMode) ", ceil" else ""})"
}

object VolumetricMaxPooling {
  def apply(
      kT: Int,
      kW: Int,
      kH: Int,
      dT: Int,
      dW: Int,
      dH: Int,
      padT: Int = 0,
      padW: Int = 0,
      padH: Int = 0
  ): VolumetricMaxPooling = new VolumetricMaxPooling(kT, kW, kH, dT, dW, dH, padT, padW, padH)

  def apply(kT: Int, kW: Int, kH: Int): VolumetricMaxPooling = new VolumetricMaxPooling(kT, kW, kH)
}

/**
 * Average pooling over 3-D windows of `[batch, C, T, H, W]` (or `[C, T, H, W]`) volumes, as BigDL's
 * `VolumetricAveragePooling`; with `countIncludePad` a window is divided by its size within the padded input.
 */
class VolumetricAveragePooling(
    val kT: Int,
    val kW: Int,
    val kH: Int,
    val dT: Int = 1,
    val dW: Int = 1,
    val dH: Int = 1,
    val padT: Int = 0,
    val padW: Int = 0,
    val padH: Int = 0,
    val countIncludePad: Boolean = true,
    val ceilMode: Boolean = false
) extends AbstractModule {
  require(Seq(kT, kW, kH, dT, dW, dH).forall(_ > 0), "VolumetricAveragePooling: kernel and stride must be positive")
  require(
    padT >= 0 && padW >= 0 && padH >= 0 && padT <= kT / 2 && padW <= kW / 2 && padH <= kH / 2,
    "VolumetricAveragePooling: padding must be in [0, kernel / 2]"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "kT" -> SpecAttr.int(kT),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dT" -> SpecAttr.int(dT),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padT" -> SpecAttr.int(padT),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "countIncludePad" -> SpecAttr.bool(countIncludePad),
    "ceilMode" -> SpecAttr.bool(ceilMode)
  )

  override def describe(): String =
    s"VolumetricAveragePooling($kT x $kW x $kH, $dT, $dW, $dH, $padT, $padW, $padH)"
}

object VolumetricAveragePooling {
  def apply(
      kT: Int,
      kW: Int,
      kH: Int,
      dT: Int = 1,
      dW: Int = 1,
      dH: Int = 1,
      padT: Int = 0,
      padW: Int = 0,
      padH: Int = 0,
      countIncludePad: Boolean = true,
      ceilMode: Boolean = false
  ): VolumetricAveragePooling =
    new VolumetricAveragePooling(kT, kW, kH, dT, dW, dH, padT, padW, padH, countIncludePad, ceilMode)
}

/**
 * Nearest-neighbour enlargement of `[batch, C, D, H, W]` volumes by `size = (depth, height, width)` factors, as
 * BigDL's `UpSampling3D`.
 */
class UpSampling3D(val size: Array[Int]) extends AbstractModule {
  require(size != null && size.length == 3 && size.forall(_ > 0), "UpSampling3D: size must be three positive factors")

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("size" -> SpecAttr.ints(size.toSeq))

  override def describe(): String = s"UpSampling3D(${size.mkString("x")})"
}

object UpSampling3D {
  def apply(size: Array[Int]): UpSampling3D = new UpSampling3D(size)
}

/**
 * Transposed 3-D convolution ("deconvolution") over `[batch, nInputPlane, T, H, W]` (or `[nInputPlane, T, H, W]`)
 * volumes, as BigDL's `VolumetricFullConvolution`: `oT = (T - 1)·dT - 2·padT + kT + adjT`, likewise for H and W;
 * `adjT < dT`, `adjW < dW`, `adjH < dH`. Weight `[nGroup, nInputPlane/nGroup, nOutputPlane/nGroup, kT, kH, kW]`
 * then, unless `noBias`, bias `[nOutputPlane]`, initialised uniformly in ±1/√(kT·kW·kH·nInputPlane).
 */
class VolumetricFullConvolution(
    val nInputPlane: Int,
    val nOutputPlane: Int,
    val kT: Int,
    val kW: Int,
    val kH: Int,
    val dT: Int = 1,
    val dW: Int = 1,
    val dH: Int = 1,
    val padT: Int = 0,
    val padW: Int = 0,
    val padH: Int = 0,
    val adjT: Int = 0,
    val adjW: Int = 0,
    val adjH: Int = 0,
    val nGroup: Int = 1,
    val noBias: Boolean = false,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(
    Seq(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, nGroup).forall(_ > 0),
    "VolumetricFullConvolution: planes, kernel, stride and nGroup must be positive"
  )
  require(Seq(padT, padW, padH).forall(_ >= 0), "VolumetricFullConvolution: padding must be >= 0")
  require(
    adjT >= 0 && adjW >= 0 && adjH >= 0 && adjT < dT && adjW < dW && adjH < dH,
    s"VolumetricFullConvolution: adjT $adjT, adjW $adjW and adjH $adjH must be in [0, stride)"
  )
  require(
    nInputPlane % nGroup == 0 && nOutputPlane % nGroup == 0,
    s"VolumetricFullConvolution: nGroup $nGroup must divide both plane counts"
  )

  override protected def attrs: Seq[(String, SpecAttr)] = Seq(
    "nInputPlane" -> SpecAttr.int(nInputPlane),
    "nOutputPlane" -> SpecAttr.int(nOutputPlane),
    "kT" -> SpecAttr.int(kT),
    "kW" -> SpecAttr.int(kW),
    "kH" -> SpecAttr.int(kH),
    "dT" -> SpecAttr.int(dT),
    "dW" -> SpecAttr.int(dW),
    "dH" -> SpecAttr.int(dH),
    "padT" -> SpecAttr.int(padT),
    "padW" -> SpecAttr.int(padW),
    "padH" -> SpecAttr.int(padH),
    "adjT" -> SpecAttr.int(adjT),
    "adjW" -> SpecAttr.int(adjW),
    "adjH" -> SpecAttr.int(adjH),
    "nGroup" -> SpecAttr.int(nGroup),
    "noBias" -> SpecAttr.bool(noBias)
  ) ++ ferrodl.optim.Regularizer.attrs(wRegularizer, bRegularizer)

  override def describe(): String =
    s"VolumetricFullConvolution($nInputPlane -> $nOutputPlane, $kT x $kW x $kH, $dT, $dW, $dH, $padT, $padW, " +
      s"$padH, $adjT, $adjW, $adjH)"
}

object VolumetricFullConvolution {
  def apply(
      nInputPlane: Int,
      nOutputPlane: Int,
      kT: Int,
      kW: Int,
      kH: Int,
      dT: Int = 1,
      dW: Int = 1,
      dH: Int = 1,
      padT: Int = 0,
      padW: Int = 0,
      padH: Int = 0,
      adjT: Int = 0,
      adjW: Int = 0,
      adjH: Int = 0,
      nGroup: Int = 1,
      noBias: Boolean = false,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): VolumetricFullConvolution =
    new VolumetricFullConvolution(
      nInputPlane,
      nOutputPlane,
      kT,
      kW,
      kH,
      dT,
      dW,
      dH,
      padT,
      padW,
      padH,
      adjT,
      adjW,
      adjH,
      nGroup,
      noBias,
      wRegularizer,
      bRegularizer
    )
}
