package ferrodl.nn

import ferrodl.engine.NativeModel
import ferrodl.nn.abstractnn.{AbstractModule, Activity}
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}

/**
 * BigDL's `setHiddenState` / `getHiddenState` on `Recurrent` and `BiRecurrent`, also when the layer
 * sits inside a bigger model. The state set here is handed to the native model of whichever module
 * runs `forward` (the layer itself or any container above it, found by its child path), before every
 * forward; `getHiddenState` reads the state after the last forward of that native model.
 *
 * A cell's state is `h` as a `[batch, hidden]` tensor (RnnCell, GRU) or the table `T(h, c)` of two
 * (LSTM, LSTMPeephole), and `T(h, c)` of `[batch, outputSize, oH, oW]` tensors for a convolutional
 * cell (ConvLSTMPeephole, ConvLSTMPeephole3D). A `MultiRNNCell` gives a table of its cells' states; a `BiRecurrent` gives
 * `T(forward, backward)`, each the state of its direction (the backward direction ends at the
 * sequence's first step).
 */
trait HiddenStateAccess { self: Container =>
  private var initialState: Activity = null
  @transient private var lastRun: (java.lang.ref.WeakReference[NativeModel], Array[Int]) = _

  /** The directions this layer runs (1, or 2 for BiRecurrent). */
  protected def directions: Int

  /**
   * The state the next forwards start from (BigDL's `setHiddenState`); `null` goes back to zeros.
   * Its batch must be the input's.
   */
  def setHiddenState(hiddenState: Activity): Unit = {
    if (hiddenState != null) encodeState(hiddenState)
    initialState = hiddenState
  }

  /** The state after the last step of the last forward (BigDL's `getHiddenState`). */
  def getHiddenState(): Activity = {
    val (model, path) = Option(lastRun)
      .flatMap { case (ref, p) => Option(ref.get()).filterNot(_.isClosed).map(m => (m, p)) }
      .getOrElse(throw new IllegalStateException(s"${getName()}: getHiddenState needs a forward first"))
    val data = model.getHiddenState(path)
    if (cells.exists(_.isInstanceOf[ConvCell]))
      HiddenStateAccess.decodeConv(cells, directions, data, model.getHiddenStateShape(path))
    else HiddenStateAccess.decode(cells, directions, data)
  }

  private def encodeState(a: Activity): Seq[Array[Float]] = HiddenStateAccess.encode(cells, directions, a)

  /** The cells, in the engine's order (a MultiRNNCell's, bottom first). */
  private def cells: Seq[Cell] = modules.headOption match {
    case Some(c: Cell) => Seq(c)
    case Some(m: MultiRNNCell) => m.cells.toSeq
    case _ => throw new IllegalStateException(s"${getName()}: add a cell before using its hidden state")
  }

  /** Called by `HiddenStateAccess.prepare` with the native model about to run forward. */
  private[nn] def pushTo(model: NativeModel, path: Array[Int]): Unit = {
    lastRun = (new java.lang.ref.WeakReference(model), path)
    if (initialState == null) model.setHiddenState(path, Array.emptyFloatArray, Array.emptyIntArray)
    else {
      val states = encodeState(initialState)
      model.setHiddenState(path, states.flatten.toArray, states.map(_.length).toArray)
    }
  }
}

object HiddenStateAccess {

  /** Before `root` runs forward on `model`: hands every recurrent layer under it its state. */
  def prepare(root: AbstractModule, model: NativeModel): Unit = {
    def walk(m: AbstractModule, path: Vector[Int]): Unit = {
      m match {
        case h: HiddenStateAccess => h.pushTo(model, path.toArray)
        case _ =>
      }
      m.childModules.zipWithIndex.foreach { case (c, i) => walk(c, path :+ i) }
    }
    walk(root, Vector.empty)
  }

  private def isLstm(c: Cell): Boolean = c.isInstanceOf[LSTM] || c.isInstanceOf[LSTMPeephole]

  private def tensor(a: Activity, what: String): Tensor = a match {
    case t: Tensor if t.size().length == 2 => t
    case other =>
      throw new IllegalArgumentException(s"hidden state: $what must be a [batch, hidden] tensor, got $other")
  }

  private def items(a: Activity, n: Int, what: String): Seq[Activity] = a match {
    case t: Table if t.length() == n => t.toSeq
    case other => throw new IllegalArgumentException(s"hidden state: $what must be a table of $n, got $other")
  }

  /** One cell's state as the engine lays it out: per sample `h`, then `c` for LSTMs. */
  private def encodeCell(c: Cell, a: Activity): Array[Float] = {
    val h = c.hiddenSize
    val parts =
      if (isLstm(c)) items(a, 2, s"the state of ${c.describe()} (h, c)").map(tensor(_, "h and c"))
      else Seq(tensor(a, s"the state of ${c.describe()}"))
    val batch = parts.head.size(1)
    parts.foreach { t =>
      require(
        t.size(1) == batch && t.size(2) == h,
        s"hidden state of ${c.describe()}: expected [$batch, $h], got ${t.size().mkString("[", ", ", "]")}"
      )
    }
    val out = new Array[Float](batch * h * parts.length)
    for (b <- 0 until batch; (p, k) <- parts.zipWithIndex)
      System.arraycopy(p.storage, b * h, out, (b * parts.length + k) * h, h)
    out
  }

  private def decodeCell(c: Cell, data: Array[Float]): Activity = {
    val h = c.hiddenSize
    val k = if (isLstm(c)) 2 else 1
    val batch = data.length / (k * h)
    val parts = (0 until k).map { j =>
      val out = new Array[Float](batch * h)
      for (b <- 0 until batch) System.arraycopy(data, (b * k + j) * h, out, b * h, h)
      new Tensor(out, Array(batch, h))
    }
    if (k == 2) T.seq(parts) else parts.head
  }

  /** A convolutional cell's state `T(h, c)` (each `[batch, outputSize, spatial..]`), per sample `h` then `c`. */
  private[nn] def encodeConv(c: ConvCell, a: Activity): Array[Float] = {
    val Seq(h, cs) = items(a, 2, s"the state of ${c.describe()} (h, c)").map {
      case t: Tensor if t.size().length >= 3 && t.size(2) == c.outputSize => t
      case other =>
        throw new IllegalArgumentException(
          s"hidden state of ${c.describe()}: h and c must be [batch, ${c.outputSize}, spatial..] tensors, got $other"
        )
    }
    require(
      h.size().sameElements(cs.size()),
      s"hidden state of ${c.describe()}: h ${h.size().mkString("[", ", ", "]")} and c " +
        s"${cs.size().mkString("[", ", ", "]")} differ"
    )
    val batch = h.size(1)
    val n = h.nElement() / batch
    val out = new Array[Float](2 * batch * n)
    for (b <- 0 until batch) {
      System.arraycopy(h.storage, b * n, out, 2 * b * n, n)
      System.arraycopy(cs.storage, b * n, out, (2 * b + 1) * n, n)
    }
    out
  }

  /** The inverse of [[encodeConv]], given the per-sample shape of `h` (`[outputSize, oH, oW]`). */
  private def decodeConvCell(data: Array[Float], shape: Array[Int]): Activity = {
    val n = shape.product
    val batch = data.length / (2 * n)
    val parts = (0 until 2).map { j =>
      val out = new Array[Float](batch * n)
      for (b <- 0 until batch) System.arraycopy(data, (2 * b + j) * n, out, b * n, n)
      new Tensor(out, batch +: shape)
    }
    T.seq(parts)
  }

  /**
   * The inverse of [[encode]] for convolutional cells, given each state's per-sample `h` shape
   * (`[outputSize, oH, oW]` or `[outputSize, oD, oH, oW]`), concatenated in the states' order.
   */
  private[nn] def decodeConv(cells: Seq[Cell], directions: Int, data: Array[Float], shapes: Array[Int]): Activity = {
    if (shapes.isEmpty)
      throw new IllegalStateException(s"getHiddenState of ${cells.head.describe()} needs a forward first")
    val all = Seq.fill(directions)(cells).flatten
    val ranks = all.map(c => if (c.isInstanceOf[ConvLSTMPeephole3D]) 4 else 3)
    val shapeOf = ranks.scanLeft(0)(_ + _).sliding(2).map { case Seq(a, b) => shapes.slice(a, b) }.toSeq
    val sizes = shapeOf.map(2 * _.product)
    val batch = if (data.isEmpty) 0 else data.length / sizes.sum
    val offsets = sizes.scanLeft(0)((o, s) => o + s * batch)
    val states = shapeOf.indices.map { i =>
      decodeConvCell(java.util.Arrays.copyOfRange(data, offsets(i), offsets(i + 1)), shapeOf(i))
    }
    group(states, cells.length, directions)
  }

  /** Per-cell states grouped as the layer gives them: a table per MultiRNNCell, per direction. */
  private def group(states: Seq[Activity], cells: Int, directions: Int): Activity = {
    val perDirection = states.grouped(cells).map(s => if (s.length == 1) s.head else T.seq(s)).toSeq
    if (directions == 1) perDirection.head else T.seq(perDirection)
  }

  /** Every cell's state (per direction, forward first), each flat in the engine's layout. */
  private[nn] def encode(cells: Seq[Cell], directions: Int, a: Activity): Seq[Array[Float]] = {
    val perDirection =
      if (directions == 1) Seq(a) else items(a, directions, "a BiRecurrent's state (forward, backward)")
    perDirection.flatMap { d =>
      val perCell = if (cells.length == 1) Seq(d) else items(d, cells.length, "a MultiRNNCell's state")
      cells.zip(perCell).map {
        case (c: ConvCell, s) => encodeConv(c, s)
        case (c, s) => encodeCell(c, s)
      }
    }
  }

  /** The inverse of [[encode]] on the engine's concatenated states. */
  private[nn] def decode(cells: Seq[Cell], directions: Int, data: Array[Float]): Activity = {
    val sizes = Seq.fill(directions)(cells).flatten.map(c => (if (isLstm(c)) 2 else 1) * c.hiddenSize)
    val batch = if (data.isEmpty) 0 else data.length / sizes.sum
    val offsets = sizes.scanLeft(0)((o, s) => o + s * batch)
    val states = Seq.fill(directions)(cells).flatten.zipWithIndex.map { case (c, i) =>
      decodeCell(c, java.util.Arrays.copyOfRange(data, offsets(i), offsets(i + 1)))
    }
    group(states, cells.length, directions)
  }
}
