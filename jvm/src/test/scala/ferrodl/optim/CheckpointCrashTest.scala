package ferrodl.optim

import java.io.File
import java.lang.management.ManagementFactory
import java.nio.file.Files

import scala.collection.JavaConverters._
import scala.util.Random

import ferrodl.feature.Sample
import ferrodl.nn.{Linear, MSECriterion, Sequential}
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/**
 * The child process of [[CheckpointCrashTest]]: trains a 4-million-parameter model (a 16 MB model
 * file and 16 MB of momentum per checkpoint) with a checkpoint after every iteration, overwriting
 * the previous one, until it is killed; it resumes from the folder's checkpoint if there is one.
 */
object CheckpointCrashWriter {
  val width = 2000

  def model(): Sequential = Sequential().add(Linear(width, width))

  def data(): Array[Sample] = {
    val r = new Random(7)
    Array.fill(32)(
      Sample(Tensor(Array.fill(width)(r.nextFloat()), Array(width)), Tensor(Array.fill(width)(0.5f), Array(width)))
    )
  }

  def optimizer(): Optimizer =
    new LocalOptimizer(model(), data(), MSECriterion(), 8, threads = 1)
      .setOptimMethod(new SGD(learningRate = 1e-4, momentum = 0.9))

  def main(args: Array[String]): Unit = {
    val dir = args(0)
    val opt = optimizer().setCheckpoint(dir, Trigger.severalIteration(1)).overWriteCheckpoint()
    if (Checkpoint.latest(dir).isDefined) opt.resume(dir)
    opt.setEndWhen(Trigger.maxIteration(Int.MaxValue)).optimize()
  }
}

/**
 * Checkpoints are written atomically: a child JVM writing large checkpoints in a loop is killed
 * with SIGKILL at random moments, several times; after every kill the latest complete checkpoint
 * loads through `Optimizer.resume`, holds at least as many iterations as the one seen after the
 * previous kill, and the next child continues from it. At the end, training resumes in this JVM.
 */
class CheckpointCrashTest {
  import CheckpointCrashWriter._

  private def child(dir: File, log: File): Process = {
    val java = new File(System.getProperty("java.home"), "bin/java").getPath
    val inherited = ManagementFactory.getRuntimeMXBean.getInputArguments.asScala.filter(a =>
      a.startsWith("--add-") || a.startsWith("-Dferrodl.")
    )
    val cmd = Seq(java, "-Xmx1g", "-cp", System.getProperty("java.class.path")) ++ inherited ++
      Seq(CheckpointCrashWriter.getClass.getName.stripSuffix("$"), dir.getPath)
    new ProcessBuilder(cmd.asJava).redirectErrorStream(true).redirectOutput(log).start()
  }

  private def latest(dir: File): Int = Checkpoint.latest(dir.getPath).map(_.iteration).getOrElse(0)

  private def waitFor(what: String, seconds: Int, p: Process, log: File)(cond: => Boolean): Unit = {
    val end = System.nanoTime() + seconds * 1000000000L
    while (!cond) {
      if (!p.isAlive || System.nanoTime() > end) {
        p.destroyForcibly()
        val tail = new String(Files.readAllBytes(log.toPath)).linesIterator.toSeq.takeRight(30).mkString("\n")
        fail(s"$what: the child ${if (p.isAlive) "timed out" else s"exited ${p.exitValue()}"}:\n$tail")
      }
      Thread.sleep(20)
    }
  }

  /** The iterations of the checkpoint that `resume` loads (which fails if it is unusable). */
  private def resumedIteration(dir: File): Int = {
    val opt = optimizer().resume(dir.getPath)
    opt.getOptimMethod.progress.iteration - 1
  }

  @Test def killingTheWriterMidWriteLeavesAUsableCheckpoint(): Unit = {
    val base = Files.createTempDirectory("ferrodl-ckpt-crash").toFile
    val dir = new File(base, "ckpt")
    val log = new File(base, "child.log")
    val rnd = new Random(13)
    var seen = 0
    var midWrite = 0
    val kills = 6
    def partial(): Set[String] = Option(dir.list()).map(_.filter(_.endsWith(".tmp")).toSet).getOrElse(Set.empty)
    for (round <- 1 to kills) {
      val leftOver = partial() // the killed writes of earlier rounds
      val p = child(dir, log)
      // Wait until this child has written a checkpoint of its own, then a random moment more.
      waitFor(s"round $round", 120, p, log)(latest(dir) > seen)
      Thread.sleep(rnd.nextInt(500).toLong)
      // Every other round waits for a write to begin, so that some kills surely land inside one.
      if (round % 2 == 0) {
        val seenTmp = partial()
        val end = System.nanoTime() + 5000000000L
        while ((partial() -- seenTmp -- leftOver).isEmpty && System.nanoTime() < end) Thread.sleep(1)
        Thread.sleep(rnd.nextInt(5).toLong)
      }
      p.destroyForcibly() // SIGKILL
      if ((partial() -- leftOver).nonEmpty) midWrite += 1
      assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
      val n = resumedIteration(dir)
      assertTrue(s"round $round: resumed at $n after seeing $seen", n > seen && n == latest(dir))
      seen = n
    }
    // Continue in this JVM for three more iterations from the last checkpoint.
    val opt = optimizer().resume(dir.getPath)
    val trained = opt.setEndWhen(Trigger.maxIteration(seen + 3)).optimize()
    assertEquals(seen + 4, opt.getOptimMethod.progress.iteration)
    assertTrue(trained.getState().weights.forall(v => !v.isNaN && !v.isInfinite))
    println(
      s"CheckpointCrashTest: $kills SIGKILLs, $midWrite with a checkpoint file being written; last checkpoint $seen"
    )
    assertTrue(s"no kill hit a write ($midWrite of $kills)", midWrite > 0)
    org.apache.commons.io.FileUtils.deleteDirectory(base)
  }
}
