package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.Regularizer

// The recurrent cells (native/core/src/nn/recurrent). A cell runs inside `Recurrent` or
// `BiRecurrent` (`Recurrent().add(LSTM(10, 20))`), never alone. Gate order and parameter layout:
// docs/recurrent.md. Dropout `p` (LSTM, LSTMPeephole, GRU), in training only: each gate sees its
// own dropped-out copy of the step's input and of the previous hidden output, as in BigDL.

/**
 * A cell of a recurrent layer. Its activations, when it has any, are its children (element-wise
 * layers: Tanh, Sigmoid, ReLU, ...); its parameters are laid out as the engine's `Cell`:
 * `W_i [gates*hidden, input]`, `b_i`, `W_h [gates*hidden, hidden]`, then extras.
 */
abstract class Cell(
    val inputSize: Int,
    val hiddenSize: Int,
    val p: Double,
    val wRegularizer: Regularizer,
    val uRegularizer: Regularizer,
    val bRegularizer: Regularizer
) extends AbstractModule {
  require(
    inputSize > 0 && hiddenSize > 0,
    s"$kind sizes must be positive, got inputSize=$inputSize -> $hiddenSize"
  )
  require(p >= 0 && p < 1, s"$kind: dropout p must be in [0, 1), got $p")

  /** The activations, as children (engine order). */
  protected def activations: Seq[AbstractModule] = Nil

  override protected def children: Seq[AbstractModule] = activations

  protected def sizeAttrs: Seq[(String, SpecAttr)] =
    Seq("inputSize" -> SpecAttr.int(inputSize), "hiddenSize" -> SpecAttr.int(hiddenSize))

  override protected def attrs: Seq[(String, SpecAttr)] =
    sizeAttrs ++ Seq("p" -> SpecAttr.floats(Seq(p))) ++
      Seq("wRegularizer" -> wRegularizer, "uRegularizer" -> uRegularizer, "bRegularizer" -> bRegularizer).collect {
        case (key, r) if r != null => key -> SpecAttr.floats(Seq(r.l1, r.l2))
      }

  override def describe(): String = s"$kind($inputSize -> $hiddenSize)"
}

private[nn] object Cell {
  def activation(m: AbstractModule, default: => AbstractModule): AbstractModule = if (m == null) default else m
}

/**
 * BigDL's vanilla RNN cell: `h_t = activation(W_i x_t + b_i + W_h h_{t-1} + b_h)`; the biases
 * are optional (`isInputWithBias`, `isHiddenWithBias`). Any element-wise activation.
 */
class RnnCell(
    inputSize: Int = 4,
    hiddenSize: Int = 3,
    val activation: AbstractModule,
    val isInputWithBias: Boolean = true,
    val isHiddenWithBias: Boolean = true,
    wRegularizer: Regularizer = null,
    uRegularizer: Regularizer = null,
    bRegularizer: Regularizer = null
) extends Cell(inputSize, hiddenSize, 0.0, wRegularizer, uRegularizer, bRegularizer) {
  require(activation != null, "RnnCell needs an activation, e.g. Tanh()")

  override protected def activations: Seq[AbstractModule] = Seq(activation)

  override protected def attrs: Seq[(String, SpecAttr)] =
    super.attrs ++ Seq(
      "isInputWithBias" -> SpecAttr.bool(isInputWithBias),
      "isHiddenWithBias" -> SpecAttr.bool(isHiddenWithBias)
    )

  override def describe(): String = s"RnnCell($inputSize -> $hiddenSize, ${activation.describe()})"
}

object RnnCell {
  def apply(
      inputSize: Int = 4,
      hiddenSize: Int = 3,
      activation: AbstractModule,
      isInputWithBias: Boolean = true,
      isHiddenWithBias: Boolean = true,
      wRegularizer: Regularizer = null,
      uRegularizer: Regularizer = null,
      bRegularizer: Regularizer = null
  ): RnnCell =
    new RnnCell(
      inputSize,
      hiddenSize,
      activation,
      isInputWithBias,
      isHiddenWithBias,
      wRegularizer,
      uRegularizer,
      bRegularizer
    )
}

/**
 * BigDL's LSTM cell (gates i, g, f, o): `activation` (default Tanh) for the cell candidate and
 * the cell output, `innerActivation` (default Sigmoid) for the gates. State: `h` and `c`.
 */
class LSTM(
    inputSize: Int,
    hiddenSize: Int,
    p: Double = 0,
    val activation: AbstractModule = null,
    val innerActivation: AbstractModule = null,
    wRegularizer: Regularizer = null,
    uRegularizer: Regularizer = null,
    bRegularizer: Regularizer = null
) extends Cell(inputSize, hiddenSize, p, wRegularizer, uRegularizer, bRegularizer) {
  override protected def activations: Seq[AbstractModule] =
    Seq(Cell.activation(activation, Tanh()), Cell.activation(innerActivation, Sigmoid()))
}

object LSTM {
  def apply(
      inputSize: Int,
      hiddenSize: Int,
      p: Double = 0,
      activation: AbstractModule = null,
      innerActivation: AbstractModule = null,
      wRegularizer: Regularizer = null,
      uRegularizer: Regularizer = null,
      bRegularizer: Regularizer = null
  ): LSTM =
    new LSTM(inputSize, hiddenSize, p, activation, innerActivation, wRegularizer, uRegularizer, bRegularizer)
}

/**
 * BigDL's LSTM with peepholes: the input and forget gates also see `c_{t-1}`, the output gate
 * sees `c_t`, through diagonal weights (`p_i`, `p_f`, `p_o`, after the LSTM's parameters).
 */
class LSTMPeephole(
    inputSize: Int = 4,
    hiddenSize: Int = 3,
    p: Double = 0,
    wRegularizer: Regularizer = null,
    uRegularizer: Regularizer = null,
    bRegularizer: Regularizer = null
) extends Cell(inputSize, hiddenSize, p, wRegularizer, uRegularizer, bRegularizer)

object LSTMPeephole {
  def apply(
      inputSize: Int = 4,
      hiddenSize: Int = 3,
      p: Double = 0,
      wRegularizer: Regularizer = null,
      uRegularizer: Regularizer = null,
      bRegularizer: Regularizer = null
  ): LSTMPeephole = new LSTMPeephole(inputSize, hiddenSize, p, wRegularizer, uRegularizer, bRegularizer)
}

/**
 * BigDL's GRU cell (gates r, z, n), in PyTorch's formulation: `n = activation(W_in x + b_in +
 * r * (W_hn h + b_hn))`, `h' = (1 - z) * n + z * h`; `innerActivation` (default Sigmoid) for
 * r and z, `activation` (default Tanh) for n.
 */
class GRU(
    inputSize: Int,
    val outputSize: Int,
    p: Double = 0,
    val activation: AbstractModule = null,
    val innerActivation: AbstractModule = null,
    wRegularizer: Regularizer = null,
    uRegularizer: Regularizer = null,
    bRegularizer: Regularizer = null
) extends Cell(inputSize, outputSize, p, wRegularizer, uRegularizer, bRegularizer) {
  override protected def sizeAttrs: Seq[(String, SpecAttr)] =
    Seq("inputSize" -> SpecAttr.int(inputSize), "outputSize" -> SpecAttr.int(outputSize))

  override protected def activations: Seq[AbstractModule] =
    Seq(Cell.activation(activation, Tanh()), Cell.activation(innerActivation, Sigmoid()))
}

object GRU {
  def apply(
      inputSize: Int,
      outputSize: Int,
      p: Double = 0,
      activation: AbstractModule = null,
      innerActivation: AbstractModule = null,
      wRegularizer: Regularizer = null,
      uRegularizer: Regularizer = null,
      bRegularizer: Regularizer = null
  ): GRU =
    new GRU(inputSize, outputSize, p, activation, innerActivation, wRegularizer, uRegularizer, bRegularizer)
}

/**
 * Cells stacked in one `Recurrent` (vector cells, or ConvLSTMPeephole / ConvLSTMPeephole3D cells
 * of one kind): at every step each cell feeds the next (the engine runs them
 * layer by layer over the sequence, which computes the same). Each cell's input size must be the
 * previous one's hidden size.
 */
class MultiRNNCell(val cells: Array[Cell]) extends AbstractModule {
  require(cells != null && cells.nonEmpty, "MultiRNNCell needs at least one cell")
  cells.sliding(2).foreach {
    case Array(a, b) =>
      require(
        b.inputSize == a.hiddenSize,
        s"MultiRNNCell: ${a.describe()} feeds ${b.describe()}, whose input size must be ${a.hiddenSize}"
      )
      require(
        a.isInstanceOf[ConvCell] == b.isInstanceOf[ConvCell] &&
          a.isInstanceOf[ConvLSTMPeephole3D] == b.isInstanceOf[ConvLSTMPeephole3D],
        s"MultiRNNCell stacks either vector cells or convolutional cells of one dimensionality, " +
          s"got ${a.describe()} and ${b.describe()}"
      )
    case _ =>
  }

  override protected def children: Seq[AbstractModule] = cells.toSeq

  override def describe(): String = s"MultiRNNCell(${cells.map(_.describe()).mkString(", ")})"
}

object MultiRNNCell {
  def apply(cells: Array[Cell]): MultiRNNCell = new MultiRNNCell(cells)
}
