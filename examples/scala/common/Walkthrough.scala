package ferrodl.examples

import java.awt.{BasicStroke, Color, Font, RenderingHints}
import java.awt.image.BufferedImage

import ferrodl.optim.{Optimizer, Trigger}
import ferrodl.visualization.{TrainSummary, ValidationSummary}

/**
 * The parts of the talk's walkthrough the examples share: checkpoints every epoch, resuming,
 * TensorBoard summaries, saving the weights, and a PNG plot of loss and Top1 read back from
 * the summaries.
 */
object Walkthrough {

  /** Sets checkpoints, summaries and resuming from `args` on `optimizer`. */
  def configure(
      optimizer: Optimizer,
      args: MnistMlp.Args,
      appName: String
  ): Option[(TrainSummary, ValidationSummary)] = {
    args.checkpoint.foreach { dir =>
      optimizer.setCheckpoint(dir, Trigger.everyEpoch)
      if (args.resume) {
        optimizer.resume(dir)
        println(s"ferrodl: resuming from $dir at iteration ${optimizer.getOptimMethod.progress.iteration}")
      }
    }
    args.summary.map { logDir =>
      val train = TrainSummary(logDir, appName).setSummaryTrigger("Parameters", Trigger.everyEpoch)
      val validation = ValidationSummary(logDir, appName)
      optimizer.setTrainSummary(train).setValidationSummary(validation)
      println(s"ferrodl: TensorBoard summaries in $logDir/$appName (tensorboard --logdir $logDir)")
      (train, validation)
    }
  }

  /** Writes the flat weights as big-endian floats (for comparing runs byte for byte). */
  def saveWeights(weights: Array[Float], path: String): Unit = {
    val b = java.nio.ByteBuffer.allocate(4 * weights.length)
    b.asFloatBuffer().put(weights)
    java.nio.file.Files.write(java.nio.file.Paths.get(path), b.array())
  }

  /** Writes the summaries' Loss to a text file, one `step value` line each (for tests). */
  def dumpScalars(summary: TrainSummary, tag: String, path: String): Unit = {
    val lines = summary.readScalar(tag).map { case (step, v, _) => s"$step $v" }
    java.nio.file.Files.write(java.nio.file.Paths.get(path), (lines.mkString("\n") + "\n").getBytes("UTF-8"))
  }

  /** Plots training loss and validation Top1 against the iteration into a PNG. */
  def plot(train: TrainSummary, validation: ValidationSummary, path: String): Unit = {
    System.setProperty("java.awt.headless", "true")
    val (w, h) = (1000, 420)
    val img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB)
    val g = img.createGraphics()
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
    g.setColor(Color.WHITE)
    g.fillRect(0, 0, w, h)
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
    val loss = train.readScalar("Loss").map(t => (t._1.toDouble, t._2.toDouble))
    val top1 = validation.readScalar("Top1Accuracy").map(t => (t._1.toDouble, t._2.toDouble))
    panel(g, 0, w / 2, h, "training loss", loss, new Color(31, 119, 180))
    panel(g, w / 2, w / 2, h, "validation Top1 accuracy", top1, new Color(214, 39, 40))
    g.dispose()
    javax.imageio.ImageIO.write(img, "png", new java.io.File(path))
  }

  private def panel(
      g: java.awt.Graphics2D,
      x0: Int,
      w: Int,
      h: Int,
      title: String,
      points: Seq[(Double, Double)],
      colour: Color
  ): Unit = {
    val (left, right, top, bottom) = (x0 + 60, x0 + w - 20, 30, h - 40)
    g.setColor(Color.BLACK)
    g.drawString(title, left, 20)
    g.drawRect(left, top, right - left, bottom - top)
    if (points.nonEmpty) {
      val (xs, ys) = (points.map(_._1), points.map(_._2))
      val (xmin, xmax) = (xs.min, math.max(xs.max, xs.min + 1))
      val (ymin, ymax) = (ys.min, if (ys.max > ys.min) ys.max else ys.min + 1e-6)
      def px(x: Double) = left + ((x - xmin) / (xmax - xmin) * (right - left)).toInt
      def py(y: Double) = bottom - ((y - ymin) / (ymax - ymin) * (bottom - top)).toInt
      for (i <- 0 to 4) {
        val y = ymin + (ymax - ymin) * i / 4
        g.drawString(f"$y%.4g", x0 + 5, py(y) + 4)
        val x = xmin + (xmax - xmin) * i / 4
        g.drawString(f"$x%.0f", px(x) - 10, bottom + 15)
      }
      g.drawString("iteration", (left + right) / 2 - 20, h - 8)
      g.setColor(colour)
      g.setStroke(new BasicStroke(1.5f))
      points.sliding(2).foreach {
        case Seq(a, b) => g.drawLine(px(a._1), py(a._2), px(b._1), py(b._2))
        case Seq(a) => g.fillOval(px(a._1) - 3, py(a._2) - 3, 6, 6)
      }
      if (points.length < 50) points.foreach(p => g.fillOval(px(p._1) - 3, py(p._2) - 3, 6, 6))
    }
  }
}
