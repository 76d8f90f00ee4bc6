package ferrodl.visualization

import ferrodl.optim.{TrainingState, Trigger}
import ferrodl.visualization.tensorboard.{EventReader, EventWriter}

/**
 * TensorBoard summaries of one run, written to `logDir/appName/<folder>` through Hadoop's
 * FileSystem API (local paths and `hdfs://` alike). Start TensorBoard with
 * `tensorboard --logdir logDir`. The event file is opened on first write.
 */
abstract class Summary(val logDir: String, val appName: String, folder: String) extends AutoCloseable {

  /** Where this summary's event files are. */
  val path: String = s"${logDir.stripSuffix("/")}/$appName/$folder"

  private var writer: EventWriter = _

  private def events(): EventWriter = synchronized {
    if (writer == null) writer = new EventWriter(path)
    writer
  }

  /** Records `value` under `tag` at `step`. */
  def addScalar(tag: String, value: Float, step: Long): this.type = {
    events().addSummary(step, Seq(EventWriter.scalar(tag, value)), System.currentTimeMillis() / 1000.0)
    this
  }

  /** Records the distribution of `values` under `tag` at `step`. */
  def addHistogram(tag: String, values: Array[Float], step: Long): this.type = {
    events().addSummary(step, Seq(EventWriter.histogram(tag, values)), System.currentTimeMillis() / 1000.0)
    this
  }

  /** `(step, value, wallClockTime)` of every `tag` scalar written so far, in step order. */
  def readScalar(tag: String): Array[(Long, Float, Double)] = EventReader.scalars(path, tag)

  override def close(): Unit = synchronized {
    if (writer != null) writer.close()
    writer = null
  }
}

/**
 * What training reports: `Loss`, `Throughput` and `LearningRate` every iteration, and, when its
 * trigger is set with `setSummaryTrigger("Parameters", trigger)`, histograms of the weights and
 * gradients.
 */
class TrainSummary(logDir: String, appName: String) extends Summary(logDir, appName, "train") {
  private var triggers: Map[String, Trigger] =
    Map("Loss" -> TrainSummary.always, "Throughput" -> TrainSummary.always, "LearningRate" -> TrainSummary.always)

  /** When to record `tag` (Loss, Throughput, LearningRate or Parameters). */
  def setSummaryTrigger(tag: String, trigger: Trigger): this.type = {
    require(TrainSummary.Tags.contains(tag), s"unknown summary tag $tag; known: ${TrainSummary.Tags.mkString(", ")}")
    triggers += tag -> trigger
    this
  }

  def getSummaryTrigger(tag: String): Option[Trigger] = triggers.get(tag)

  /** True when `tag` is due in `state`. */
  def due(tag: String, state: TrainingState): Boolean = triggers.get(tag).exists(_(state))
}

object TrainSummary {
  val Tags: Set[String] = Set("Loss", "Throughput", "LearningRate", "Parameters")

  private val always: Trigger = new Trigger {
    override def apply(s: TrainingState): Boolean = true
    override def toString: String = "everyIteration"
  }

  def apply(logDir: String, appName: String): TrainSummary = new TrainSummary(logDir, appName)
}

/** What validation reports: each validation method's score, under the method's name. */
class ValidationSummary(logDir: String, appName: String) extends Summary(logDir, appName, "validation")

object ValidationSummary {
  def apply(logDir: String, appName: String): ValidationSummary = new ValidationSummary(logDir, appName)
}
