package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule

// The sequence layers (native/core/src/nn/recurrent): Recurrent, BiRecurrent, RecurrentDecoder,
// TimeDistributed, Highway.

/**
 * BigDL's `Recurrent`: runs its cell over every time step of a `[batch, time, feature]` input
 * (or one `[time, feature]` sequence) and returns every step's hidden output
 * (`[batch, time, hidden]`). Add the cell with `add`: `Recurrent().add(LSTM(10, 20))`.
 *
 * With `maskZero = true`, a step whose input features are all zero (padding after a shorter
 * sequence) keeps the previous state, outputs zeros and gets no gradient.
 *
 * `setHiddenState(state)` sets the state every following forward starts from (zeros by default);
 * `getHiddenState()` gives the state after the last step (see [[HiddenStateAccess]]).
 */
class Recurrent(val maskZero: Boolean = false) extends Container with HiddenStateAccess {
  override protected def directions: Int = 1

  override def add(module: AbstractModule): this.type = {
    Recurrent.checkCell("Recurrent", module, modules.toSeq)
    super.add(module)
  }

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("maskZero" -> SpecAttr.bool(maskZero))

  override def describe(): String =
    s"Recurrent(${modules.map(_.describe()).mkString}${if (maskZero) ", maskZero" else ""})"
}

object Recurrent {
  def apply(maskZero: Boolean = false): Recurrent = new Recurrent(maskZero)

  /** What a recurrent container accepts as its one cell. */
  private[nn] def checkCell(
      owner: String,
      module: AbstractModule,
      existing: scala.collection.Seq[AbstractModule]
  ): Unit = {
    val conv = module match {
      case _: ConvCell => true
      case m: MultiRNNCell => m.cells.exists(_.isInstanceOf[ConvCell])
      case _ => false
    }
    require(
      (module.isInstanceOf[Cell] || module.isInstanceOf[MultiRNNCell]) && !(conv && owner == "RecurrentDecoder"),
      s"$owner takes a cell (RnnCell, LSTM, LSTMPeephole, GRU or MultiRNNCell; ConvLSTMPeephole and " +
        s"ConvLSTMPeephole3D only in Recurrent and BiRecurrent), got ${module.describe()}"
    )
    require(existing.isEmpty, s"$owner holds one cell; stack cells with MultiRNNCell")
  }
}

/**
 * BigDL's `BiRecurrent`: the cell over the sequence and a copy (its own parameters, after the
 * first's) over the reversed sequence, merged by `merge`: `CAddTable()` (the default, `null`)
 * sums them, `JoinTable` on the last (feature) dimension concatenates them
 * (`[batch, time, 2 * hidden]`). Over convolutional cells the output is `[batch, time, outputSize,
 * oH, oW]`, and `JoinTable` concatenates the channels (`[batch, time, 2 * outputSize, oH, oW]`).
 */
class BiRecurrent(val merge: AbstractModule = null, val maskZero: Boolean = false)
    extends Container
    with HiddenStateAccess {
  override protected def directions: Int = 2

  private val mergeName: String = merge match {
    case null | _: CAddTable => "CAddTable"
    case j: JoinTable =>
      require(
        j.dimension == j.nInputDims || j.dimension == -1 || (j.dimension == 2 && j.nInputDims >= 4),
        s"BiRecurrent joins on the feature (last) dimension, JoinTable(n, n), or for convolutional cells on " +
          s"the channels, JoinTable(2, 4) (3-D: JoinTable(2, 5)); got JoinTable(${j.dimension}, ${j.nInputDims})"
      )
      "JoinTable"
    case other =>
      throw new IllegalArgumentException(s"BiRecurrent merges with CAddTable or JoinTable, got ${other.describe()}")
  }

  override def add(module: AbstractModule): this.type = {
    Recurrent.checkCell("BiRecurrent", module, modules.toSeq)
    val first = module match {
      case m: MultiRNNCell => m.cells.head
      case c => c
    }
    merge match {
      case j: JoinTable if j.dimension != -1 =>
        val want = first match {
          case _: ConvLSTMPeephole3D => (2, 5)
          case _: ConvCell => (2, 4)
          case _ => (j.nInputDims, j.nInputDims)
        }
        require(
          (j.dimension, j.nInputDims) == want,
          s"BiRecurrent over ${module.describe()} joins with JoinTable${want}, got JoinTable(${j.dimension}, ${j.nInputDims})"
        )
      case _ =>
    }
    super.add(module)
  }

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("merge" -> SpecAttr.Str(mergeName), "maskZero" -> SpecAttr.bool(maskZero))

  override def describe(): String = s"BiRecurrent(${modules.map(_.describe()).mkString}, $mergeName)"
}

object BiRecurrent {
  def apply(merge: AbstractModule = null, maskZero: Boolean = false): BiRecurrent = new BiRecurrent(merge, maskZero)
}

/**
 * BigDL's `RecurrentDecoder(outputLength)`: from one step of input `[batch, feature]` (or
 * `[feature]`), runs its cell `outputLength` steps, feeding each step's output back as the next
 * step's input, and returns every step's output `[batch, outputLength, hidden]`. The cell (the top
 * one of a `MultiRNNCell`) must give as many features as the first cell takes. Hidden state as for
 * `Recurrent` (`setHiddenState` / `getHiddenState`).
 */
class RecurrentDecoder(val outputLength: Int) extends Container with HiddenStateAccess {
  require(outputLength > 0, s"RecurrentDecoder: outputLength must be positive, got $outputLength")
  override protected def directions: Int = 1

  override def add(module: AbstractModule): this.type = {
    Recurrent.checkCell("RecurrentDecoder", module, modules)
    val (in, out) = module match {
      case c: Cell => (c.inputSize, c.hiddenSize)
      case m: MultiRNNCell => (m.cells.head.inputSize, m.cells.last.hiddenSize)
      case _ => (0, 0)
    }
    require(
      in == out,
      s"RecurrentDecoder feeds each output back as input: ${module.describe()} gives $out features, takes $in"
    )
    super.add(module)
  }

  override protected def attrs: Seq[(String, SpecAttr)] = Seq("outputLength" -> SpecAttr.int(outputLength))

  override def describe(): String =
    s"RecurrentDecoder(${modules.map(_.describe()).mkString}, outputLength=$outputLength)"
}

object RecurrentDecoder {
  def apply(outputLength: Int): RecurrentDecoder = new RecurrentDecoder(outputLength)
}

/**
 * BigDL's `TimeDistributed(layer)`: applies `layer` (made for `[batch, ...]` inputs) to every
 * step of a `[batch, time, ...]` input, folding time into the batch; the output is
 * `[batch, time, ...]`. The layer's parameters are shared by all steps.
 */
class TimeDistributed(val layer: AbstractModule) extends Container {
  require(layer != null, "TimeDistributed needs a layer")
  add(layer)

  override def add(module: AbstractModule): this.type = {
    require(modules.isEmpty, "TimeDistributed holds one layer, given to its constructor")
    super.add(module)
  }

  override def describe(): String = s"TimeDistributed(${layer.describe()})"
}

object TimeDistributed {
  def apply(layer: AbstractModule): TimeDistributed = new TimeDistributed(layer)
}

/**
 * BigDL's `Highway(size, withBias = true, activation = null)`: `t = sigmoid(W_t x + b_t)`,
 * `h = activation(W_h x + b_h)` (the identity when null), `y = t * h + (1 - t) * x`. Input
 * `[batch, size]` or `[size]`. Parameters: `W_t`, `b_t`, `W_h`, `b_h`. Regularizers are not
 * supported yet (rejected at construction).
 */
class Highway(
    val size: Int,
    val withBias: Boolean = true,
    val activation: AbstractModule = null,
    val wRegularizer: ferrodl.optim.Regularizer = null,
    val bRegularizer: ferrodl.optim.Regularizer = null
) extends AbstractModule {
  require(size > 0, s"Highway size must be positive, got $size")
  require(wRegularizer == null && bRegularizer == null, "Highway: wRegularizer and bRegularizer are not supported yet")

  override protected def attrs: Seq[(String, SpecAttr)] =
    Seq("size" -> SpecAttr.int(size), "withBias" -> SpecAttr.bool(withBias))

  override protected def children: Seq[AbstractModule] = Option(activation).toSeq

  override def describe(): String = s"Highway($size${Option(activation).map(a => ", " + a.describe()).getOrElse("")})"
}

object Highway {
  def apply(
      size: Int,
      withBias: Boolean = true,
      activation: AbstractModule = null,
      wRegularizer: ferrodl.optim.Regularizer = null,
      bRegularizer: ferrodl.optim.Regularizer = null
  ): Highway = new Highway(size, withBias, activation, wRegularizer, bRegularizer)
}
