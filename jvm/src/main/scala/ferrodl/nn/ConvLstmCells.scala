package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.Regularizer

// The convolutional LSTM cells (native/core/src/nn/recurrent/conv_cell.rs). They run inside
// `Recurrent` or `BiRecurrent` (`Recurrent().add(ConvLSTMPeephole(2, 4, 3, 3))`), alone or stacked
// in a `MultiRNNCell` of convolutional cells of one dimensionality; not in RecurrentDecoder, and
// without maskZero. Gate order and parameter layout: docs/recurrent.md.

/**
 * A convolutional LSTM cell: the gates are convolutions of the step's image (`kernelI`, `stride`,
 * `padding`, -1 meaning SAME) plus convolutions of the previous hidden state (`kernelC`, stride 1,
 * the same padding, which must keep the state's size), with per-channel peepholes on the cell
 * state when `withPeephole`. Parameters, fused over the gates i, g, f, o:
 * `W_x [4*outputSize, inputSize, kernelI, kernelI(, kernelI)]`, `b [4*outputSize]`,
 * `W_h [4*outputSize, outputSize, kernelC, kernelC(, kernelC)]`, then `p_i, p_f, p_o`
 * (`[outputSize]` each). Regularisers: `w` on `W_x`, `u` on `W_h`, `b` on `b`, `c` on the peepholes.
 */
abstract class ConvCell(
    inputSize: Int,
    val outputSize: Int,
    val kernelI: Int,
    val kernelC: Int,
    val stride: Int,
    val padding: Int,
    wRegularizer: Regularizer,
    uRegularizer: Regularizer,
    bRegularizer: Regularizer,
    val cRegularizer: Regularizer,
    val withPeephole: Boolean
) extends Cell(inputSize, outputSize, 0.0, wRegularizer, uRegularizer, bRegularizer) {
  require(
    inputSize > 0 && outputSize > 0 && kernelI > 0 && kernelC > 0 && stride > 0,
    s"$kind: sizes, kernels and stride must be positive, got inputSize=$inputSize, " +
      s"outputSize=$outputSize, kernelI=$kernelI, kernelC=$kernelC, stride=$stride"
  )
  require(padding >= -1, s"$kind: padding must be >= 0, or -1 for SAME; got $padding")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq(
      "inputSize" -> SpecAttr.int(inputSize),
      "outputSize" -> SpecAttr.int(outputSize),
      "kernelI" -> SpecAttr.int(kernelI),
      "kernelC" -> SpecAttr.int(kernelC),
      "stride" -> SpecAttr.int(stride),
      "padding" -> SpecAttr.int(padding),
      "withPeephole" -> SpecAttr.bool(withPeephole)
    ) ++ Seq(
      "wRegularizer" -> wRegularizer,
      "uRegularizer" -> uRegularizer,
      "bRegularizer" -> bRegularizer,
      "cRegularizer" -> cRegularizer
    ).collect { case (key, r) if r != null => key -> SpecAttr.floats(Seq(r.l1, r.l2)) }

  override def describe(): String = s"$kind($inputSize -> $outputSize, kernelI $kernelI, kernelC $kernelC)"
}

/**
 * BigDL's `ConvLSTMPeephole` (2-D): input `[batch, time, inputSize, H, W]`, output
 * `[batch, time, outputSize, oH, oW]` (`oH = ceil(H / stride)` with SAME padding). `activation`
 * (default Tanh) for the cell candidate and output, `innerActivation` (default Sigmoid) for the
 * gates. State: `T(h, c)`, each `[batch, outputSize, oH, oW]`.
 */
class ConvLSTMPeephole(
    inputSize: Int,
    outputSize: Int,
    kernelI: Int,
    kernelC: Int,
    stride: Int = 1,
    padding: Int = -1,
    val activation: AbstractModule = null,
    val innerActivation: AbstractModule = null,
    wRegularizer: Regularizer = null,
    uRegularizer: Regularizer = null,
    bRegularizer: Regularizer = null,
    cRegularizer: Regularizer = null,
    withPeephole: Boolean = true
) extends ConvCell(
      inputSize,
      outputSize,
      kernelI,
      kernelC,
      stride,
      padding,
      wRegularizer,
      uRegularizer,
      bRegularizer,
      cRegularizer,
      withPeephole
    ) {
  override protected def activations: Seq[AbstractModule] =
    Seq(Cell.activation(activation, Tanh()), Cell.activation(innerActivation, Sigmoid()))
}

object ConvLSTMPeephole {
  def apply(
      inputSize: Int,
      outputSize: Int,
      kernelI: Int,
      kernelC: Int,
      stride: Int = 1,
      padding: Int = -1,
      activation: AbstractModule = null,
      innerActivation: AbstractModule = null,
      wRegularizer: Regularizer = null,
      uRegularizer: Regularizer = null,
      bRegularizer: Regularizer = null,
      cRegularizer: Regularizer = null,
      withPeephole: Boolean = true
  ): ConvLSTMPeephole =
    new ConvLSTMPeephole(
      inputSize,
      outputSize,
      kernelI,
      kernelC,
      stride,
      padding,
      activation,
      innerActivation,
      wRegularizer,
      uRegularizer,
      bRegularizer,
      cRegularizer,
      withPeephole
    )
}

/**
 * BigDL's `ConvLSTMPeephole3D`: [[ConvLSTMPeephole]] with 3-D convolutions over
 * `[batch, time, inputSize, D, H, W]` inputs and fixed Tanh / Sigmoid activations. SAME padding
 * must split evenly (an odd kernel with stride 1), or give an explicit `padding`.
 */
class ConvLSTMPeephole3D(
    inputSize: Int,
    outputSize: Int,
    kernelI: Int,
    kernelC: Int,
    stride: Int = 1,
    padding: Int = -1,
    wRegularizer: Regularizer = null,
    uRegularizer: Regularizer = null,
    bRegularizer: Regularizer = null,
    cRegularizer: Regularizer = null,
    withPeephole: Boolean = true
) extends ConvCell(
      inputSize,
      outputSize,
      kernelI,
      kernelC,
      stride,
      padding,
      wRegularizer,
      uRegularizer,
      bRegularizer,
      cRegularizer,
      withPeephole
    )

object ConvLSTMPeephole3D {
  def apply(
      inputSize: Int,
      outputSize: Int,
      kernelI: Int,
      kernelC: Int,
      stride: Int = 1,
      padding: Int = -1,
      wRegularizer: Regularizer = null,
      uRegularizer: Regularizer = null,
      bRegularizer: Regularizer = null,
      cRegularizer: Regularizer = null,
      withPeephole: Boolean = true
  ): ConvLSTMPeephole3D =
    new ConvLSTMPeephole3D(
      inputSize,
      outputSize,
      kernelI,
      kernelC,
      stride,
      padding,
      wRegularizer,
      uRegularizer,
      bRegularizer,
      cRegularizer,
      withPeephole
    )
}
