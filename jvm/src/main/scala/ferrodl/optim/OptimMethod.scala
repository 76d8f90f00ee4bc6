package ferrodl.optim

import ferrodl.engine.{Native, NativeOptim}
import ferrodl.nn.{SpecAttr, SpecNode}

/**
 * An optimisation method. The update runs natively on the driver; the method's state (step count,
 * moment buffers) lives in the native object while training and is kept here between runs.
 */
abstract class OptimMethod extends Serializable {

  /** The serialised state after the last `optimize()`, or null before the first. */
  var state: Array[Byte] = _

  /** Where training stands (epoch, iteration, seed); the next `optimize()` continues from it. */
  var progress: TrainingProgress = _

  private var schedule: LearningRateSchedule = _

  /** Writes hyper-parameters, state and progress; `OptimMethod.load(path)` reads them back. */
  def save(path: String, overWrite: Boolean = false): this.type = {
    ferrodl.utils.FileIO.writeAtomically(path, OptimMethodFile.encode(this), overWrite)
    this
  }

  /** Forgets state and progress, so the next `optimize()` starts afresh. */
  def clearHistory(): this.type = { state = null; progress = null; this }

  /** Replaces the learning-rate schedule (by default, `learningRateDecay`'s). */
  def setLearningRateSchedule(s: LearningRateSchedule): this.type = { schedule = s; this }

  def getLearningRateSchedule: LearningRateSchedule = schedule

  /** The engine's name for the method; BigDL's class name by default. */
  protected def kind: String = getClass.getSimpleName

  /** The hyper-parameters, under BigDL's names. */
  protected def attrs: Seq[(String, SpecAttr)]

  /** The description the engine builds the method from, with extra attributes (clipping). */
  def toSpec(extra: Seq[(String, SpecAttr)] = Nil): SpecNode =
    SpecNode(kind, "", attrs ++ extra, Option(schedule).map(_.toSpec).toSeq)

  /** Creates the native method, restoring `state` if there is one. */
  private[ferrodl] def createNative(extra: Seq[(String, SpecAttr)] = Nil): NativeOptim = {
    val o = new NativeOptim(Native.createOptim(toSpec(extra).encode()))
    if (state != null) {
      try o.setState(state)
      catch { case e: Throwable => o.close(); throw e }
    }
    o
  }

  /** Whether a step evaluates the loss several times (LBFGS with a line search). */
  private[ferrodl] def searches: Boolean = toSpec().attrs.exists(_._1 == "lineSearch")

  /**
   * What a `Plateau` in the schedule monitors (`"score"` or `"Loss"`), for the training loop to
   * report; `None` without a Plateau.
   */
  private[ferrodl] def plateauMonitor: Option[String] = {
    def find(n: SpecNode): Option[String] =
      if (n.kind == "Plateau") {
        n.attrs.collectFirst { case ("monitor", SpecAttr.Str(m)) => m }.orElse(Some("score"))
      } else n.children.view.flatMap(find).headOption
    toSpec().children.view.flatMap(find).headOption
  }

  /** A short description for logs (per-parameter vectors by their length). */
  def describe(): String = {
    def list(v: Seq[Any]): String = if (v.length > 8) s"<${v.length} values>" else v.mkString(",")
    val args = attrs.map {
      case (k, SpecAttr.Floats(v)) => s"$k=${list(v)}"
      case (k, SpecAttr.Ints(v)) => s"$k=${list(v)}"
      case (k, SpecAttr.Str(v)) => s"$k=$v"
    }
    s"$kind(${args.mkString(", ")}${Option(schedule).map(s => s", schedule=$s").getOrElse("")})"
  }

  override def toString: String = describe()
}

object OptimMethod {

  /** Loads a method saved with `save` (or by a checkpoint), with its state and progress. */
  def load(path: String): OptimMethod = OptimMethodFile.decode(ferrodl.utils.FileIO.readAll(path), path)
}

/** A learning-rate schedule, as BigDL's `SGD.Step(...)` and friends. */
trait LearningRateSchedule extends Serializable {
  def toSpec: SpecNode
}
