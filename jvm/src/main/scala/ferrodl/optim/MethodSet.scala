package ferrodl.optim

import ferrodl.engine.NativeOptim
import ferrodl.nn.SpecAttr
import ferrodl.nn.abstractnn.AbstractModule

/**
 * The native optimisation methods of a training run: one for the whole flat buffer, or, with
 * `setOptimMethods(Map(submoduleName -> method))`, one per named submodule, each stepping its
 * own slice of the weights. With several methods an L2-norm clipping is applied here, over the
 * whole gradient (as BigDL clips before its methods); constant clipping is element-wise and
 * stays in each method.
 */
private[optim] final class MethodSet private (val entries: Seq[MethodSet.Entry], clipNorm: Option[Double])
    extends AutoCloseable {

  def single: Boolean = entries.length == 1 && entries.head.offset == 0 && entries.head.name.isEmpty

  def currentRate(epoch: Int): Double = entries.head.native.currentRate(epoch)

  def step(weights: Array[Float], grads: Array[Float], epoch: Int): Unit =
    if (single) entries.head.native.step(weights, grads, epoch)
    else {
      clipNorm.foreach { max =>
        val norm = math.sqrt(grads.foldLeft(0.0)((s, g) => s + g.toDouble * g))
        if (norm > max) { val k = (max / norm).toFloat; var i = 0; while (i < grads.length) { grads(i) *= k; i += 1 } }
      }
      entries.foreach { e =>
        val w = java.util.Arrays.copyOfRange(weights, e.offset, e.offset + e.length)
        val g = java.util.Arrays.copyOfRange(grads, e.offset, e.offset + e.length)
        e.native.step(w, g, epoch)
        System.arraycopy(w, 0, weights, e.offset, e.length)
      }
    }

  /** Whether steps evaluate the loss several times (LBFGS with a line search). */
  val searches: Boolean = entries.exists(_.method.searches)

  /**
   * A step of a method that evaluates the loss several times: `evaluate(w)` gives the
   * normalised loss and gradient at `w`; `weights` get the result. Returns the evaluations made
   * after the first.
   */
  def searchStep(weights: Array[Float], grads: Array[Float], loss: Double, epoch: Int)(
      evaluate: Array[Float] => (Double, Array[Float])
  ): Int = entries.head.native.searchStep(weights, grads, loss, epoch)(evaluate)

  def observe(value: Double): Unit = entries.foreach(_.native.observe(value))

  /** Copies the native states and `progress` into the methods (for checkpoints and the end). */
  def store(progress: TrainingProgress): Unit = entries.foreach { e =>
    e.method.state = e.native.getState()
    e.method.progress = progress
  }

  /** Replaces the native states with saved ones, by name. */
  def restore(saved: Map[String, OptimMethod]): Unit = entries.foreach { e =>
    saved.get(e.name).foreach(m => if (m.state != null) e.native.setState(m.state))
  }

  override def close(): Unit = entries.foreach(_.native.close())
}

private[optim] object MethodSet {
  final case class Entry(name: String, method: OptimMethod, offset: Int, length: Int, native: NativeOptim)

  /** The parameter count of a module, from the engine. */
  private def count(m: AbstractModule): Int = {
    val native = new ferrodl.engine.NativeModel(m.toSpec.encode(), 0L)
    try native.numParams
    finally native.close()
  }

  /** `(offset, length)` of every named module of the tree, in the flat buffer's layout. */
  def ranges(model: AbstractModule): Map[String, (Int, Int)] = {
    val out = Map.newBuilder[String, (Int, Int)]
    def walk(m: AbstractModule, offset: Int): Int = {
      val n = count(m)
      m.nameIfSet.foreach(name => out += name -> ((offset, n)))
      m.childModules.foldLeft(offset)((o, c) => walk(c, o))
      offset + n
    }
    walk(model, 0)
    out.result()
  }

  def create(opt: Optimizer, numParams: Int): MethodSet = {
    if (opt.optimMethods.isEmpty) {
      return new MethodSet(
        Seq(Entry("", opt.optimMethod, 0, numParams, opt.optimMethod.createNative(opt.clipping))),
        None
      )
    }
    val named = ranges(opt.model)
    val missing = opt.optimMethods.keys.filterNot(named.contains)
    require(
      missing.isEmpty,
      s"setOptimMethods: no submodule named ${missing.mkString(", ")} (named: ${named.keys.mkString(", ")})"
    )
    val slices = opt.optimMethods.toSeq.map { case (k, m) => (k, m, named(k)._1, named(k)._2) }.sortBy(_._3)
    slices.sliding(2).foreach {
      case Seq(a, b) if a._3 + a._4 > b._3 =>
        throw new IllegalArgumentException(s"setOptimMethods: ${a._1} and ${b._1} share parameters")
      case _ =>
    }
    val covered = slices.map(_._4).sum
    require(
      covered == numParams,
      s"setOptimMethods: the methods cover $covered of the model's $numParams parameters; give every submodule with parameters a method"
    )
    val clipNorm = opt.clipping.collectFirst { case ("clipNorm", SpecAttr.Floats(Seq(v))) => v }
    val elementwise = opt.clipping.filterNot(_._1 == "clipNorm")
    val entries = Seq.newBuilder[Entry]
    try {
      slices.foreach { case (k, m, o, n) => entries += Entry(k, m, o, n, m.createNative(elementwise)) }
      require(
        !slices.exists(_._2.searches),
        "setOptimMethods: LBFGS with a line search evaluates the whole model's loss at each trial point; " +
          "it cannot share a model with other methods"
      )
      new MethodSet(entries.result(), clipNorm)
    } catch { case e: Throwable => entries.result().foreach(_.native.close()); throw e }
  }
}
