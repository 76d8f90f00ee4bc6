package ferrodl.engine

import ferrodl.tensor.Tensor

/** A native model: the engine's module tree with its flat weight and gradient buffers. */
final class NativeModel(spec: Array[Byte], seed: Long)
    extends NativeHandle("NativeModel", Native.createModel(spec, seed), h => Native.freeModel(h)) {

  /** The number of parameters (the length of the flat weight and gradient buffers). */
  val numParams: Int = withHandle { h =>
    val n = Native.numParams(h)
    require(n <= Int.MaxValue, s"model has $n parameters, more than a JVM array holds")
    n.toInt
  }

  def describe(): String = withHandle(Native.describe)

  def getWeights(): Array[Float] = withHandle { h =>
    val w = new Array[Float](numParams)
    Native.getWeights(h, w)
    w
  }

  def setWeights(weights: Array[Float]): Unit = withHandle(h => Native.setWeights(h, weights))

  def getGradients(): Array[Float] = withHandle { h =>
    val g = new Array[Float](numParams)
    Native.getGradients(h, g)
    g
  }

  /** The length of the non-trainable state (running statistics). */
  val numBuffers: Int = withHandle(h => Native.numBuffers(h).toInt)

  def getBuffers(): Array[Float] = withHandle { h =>
    val b = new Array[Float](numBuffers)
    if (numBuffers > 0) Native.getBuffers(h, b)
    b
  }

  def setBuffers(buffers: Array[Float]): Unit =
    if (numBuffers > 0 || buffers.nonEmpty) withHandle(h => Native.setBuffers(h, buffers))

  /** Sets weights and buffers from a broadcast model state. */
  def setState(state: ferrodl.optim.ModelState): Unit = {
    setWeights(state.weights)
    setBuffers(state.buffers)
  }

  def zeroGradients(): Unit = withHandle(Native.zeroGradients)

  /** Runs `f` with this model's native handle held (no other call on it meanwhile). */
  private[engine] def holding[A](f: Long => A): A = withHandle(f)

  /** The initial hidden states of the recurrent layer at child `path` (see `ferrodl.nn.HiddenStateAccess`). */
  def setHiddenState(path: Array[Int], states: Array[Float], lengths: Array[Int]): Unit =
    withHandle(h => Native.setHiddenState(h, path, states, lengths))

  /** The hidden states after the last forward of the recurrent layer at child `path`, concatenated. */
  def getHiddenState(path: Array[Int]): Array[Float] = withHandle(h => Native.getHiddenState(h, path))

  /** The per-sample image shape of `h` of the layer at child `path` (convolutional cells), else empty. */
  def getHiddenStateShape(path: Array[Int]): Array[Int] = withHandle(h => Native.getHiddenStateShape(h, path))

  def setTraining(training: Boolean): Unit = withHandle(h => Native.setTraining(h, training))

  def forward(input: Tensor): Tensor = withHandle { h =>
    val data = Native.forward(h, input.storage, input.size)
    Tensor(data, Native.outputShape(h))
  }

  def backward(input: Tensor, gradOutput: Tensor): Tensor = withHandle { h =>
    Tensor(Native.backward(h, gradOutput.storage, gradOutput.size), input.size.clone())
  }

  /**
   * Forward, loss and backward on one batch with gradients of the summed loss copied into
   * `gradsOut` (null: kept in the model, see [[NativeModel.sumGradients]]); returns (loss sum,
   * normaliser).
   */
  def trainBatch(
      criterion: NativeCriterion,
      input: Tensor,
      target: Tensor,
      gradsOut: Array[Float],
      seed: Long = 0L
  ): (Double, Double) =
    withHandle { h =>
      val r = criterion.withCriterion(c =>
        Native.trainBatch(h, c, input.storage, input.size, target.storage, target.size, gradsOut, seed)
      )
      (r(0), r(1))
    }

  /**
   * [[trainBatch]] for a tensor or table input and target (several inputs, or a criterion over
   * a table such as ParallelCriterion).
   */
  def trainBatchActivity(
      criterion: NativeCriterion,
      input: ferrodl.nn.abstractnn.Activity,
      target: ferrodl.nn.abstractnn.Activity,
      gradsOut: Array[Float],
      seed: Long
  ): (Double, Double) = (input, target) match {
    case (x: Tensor, y: Tensor) => trainBatch(criterion, x, y, gradsOut, seed)
    case _ =>
      withHandle { h =>
        val (xd, xl) = ActivityCodec.encode(input)
        val (yd, yl) = ActivityCodec.encode(target)
        val r = criterion.withCriterion(c => Native.trainBatchTable(h, c, xd, xl, yd, yl, gradsOut, seed))
        (r(0), r(1))
      }
  }

  /** Forward on a tensor or a table. */
  def forwardActivity(input: ferrodl.nn.abstractnn.Activity): ferrodl.nn.abstractnn.Activity = withHandle { h =>
    val (data, layout) = ActivityCodec.encode(input)
    val out = Native.forwardTable(h, data, layout)
    ActivityCodec.decode(out, Native.outputLayout(h))
  }

  /** Backward with a tensor or table gradient; the result has the structure of `input`. */
  def backwardActivity(
      input: ferrodl.nn.abstractnn.Activity,
      gradOutput: ferrodl.nn.abstractnn.Activity
  ): ferrodl.nn.abstractnn.Activity = withHandle { h =>
    val (data, layout) = ActivityCodec.encode(gradOutput)
    val g = Native.backwardTable(h, data, layout)
    ActivityCodec.decode(g, ActivityCodec.layout(input))
  }
}

object NativeModel {

  /**
   * Writes the sum of the gradient buffers of `models` (distinct, each with `dst.length`
   * parameters) into `dst`, natively in one pass: how local training adds up its replicas'
   * gradients without copying each one out.
   */
  def sumGradients(models: Seq[NativeModel], dst: Array[Float]): Unit = {
    def hold(rest: List[NativeModel], handles: List[Long]): Unit = rest match {
      case Nil => Native.sumGradients(handles.reverse.toArray, dst)
      case m :: more => m.holding(h => hold(more, h :: handles))
    }
    hold(models.toList, Nil)
  }
}
