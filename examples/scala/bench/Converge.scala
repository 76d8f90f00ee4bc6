package ferrodl.examples

import ferrodl.dataset.Mnist
import ferrodl.feature.Sample
import ferrodl.nn.ClassNLLCriterion
import ferrodl.optim._
import org.apache.spark.SparkContext

/**
 * The time-to-accuracy workload of the benchmark harness:
 * `converge lenet <batch> <target> <maxEpochs> <spark|local> <localSteps> <records>` trains the
 * LeNet-5 example (SGD, learning rate 0.2 with decay 0.0002, BigDL's initialisation) on the first
 * `records` MNIST training images, validates on the 10,000 test images after every epoch, and
 * stops once test Top1 reaches `target` or after `maxEpochs`. It reports the training time
 * (iterations only: no data loading or validation, as on the PyTorch side), the epochs and the
 * Top1 reached. `localSteps` above 1 trains with local SGD (`Optimizer.setLocalSteps`, Spark).
 */
object Converge {

  def run(sc: => SparkContext, argv: List[String]): String = argv match {
    case "lenet" :: batch :: target :: epochs :: mode :: k :: records :: Nil =>
      train(sc, batch.toInt, target.toDouble, epochs.toInt, mode, k.toInt, records.toInt)
    case _ => throw new IllegalArgumentException(s"converge: unknown arguments ${argv.mkString(" ")}")
  }

  private def samples(split: String, limit: Int): Array[Sample] = {
    val s = Mnist.read(Mnist.locate(None), split)
    s.images.iterator
      .zip(s.labels.iterator)
      .take(limit)
      .map { case (img, label) =>
        Mnist.toSample(img, label, s.rows, s.cols)
      }
      .toArray
  }

  private def train(
      sc: => SparkContext,
      batch: Int,
      target: Double,
      maxEpochs: Int,
      mode: String,
      localSteps: Int,
      records: Int
  ): String = {
    val (train, test) = (samples("train", records), samples("t10k", Int.MaxValue))
    ferrodl.utils.RandomGenerator.setSeed(42) // the same initial weights in every run
    val model = LeNet5.build(10)
    val end = Trigger.or(Trigger.maxEpoch(maxEpochs), Trigger.maxScore(target.toFloat))
    val opt = mode match {
      case "spark" =>
        val rdd = sc.parallelize(train.toSeq, sc.defaultParallelism)
        Optimizer(model, rdd, ClassNLLCriterion(), batch)
          .setValidation(
            Trigger.everyEpoch,
            sc.parallelize(test.toSeq, sc.defaultParallelism),
            Array(new Top1Accuracy()),
            1000
          )
      case "local" =>
        Optimizer(model, train, ClassNLLCriterion(), batch)
          .setLocalValidation(Trigger.everyEpoch, test, Array(new Top1Accuracy()), 1000)
      case other => throw new IllegalArgumentException(s"unknown mode $other (local or spark)")
    }
    opt
      .setOptimMethod(new SGD(learningRate = 0.2, learningRateDecay = 0.0002))
      .setLocalSteps(localSteps)
      .setSeed(42L)
      .setEndWhen(end)
      .optimize()
    val seconds = opt.timings.map(_.totalMs).sum / 1000
    val iterations = opt.timings.map(_.iterations).sum
    val progress = opt.getOptimMethod.progress
    val epochs = iterations.toDouble * batch / train.length
    f"""{"seconds": $seconds%.3f, "epochs": $epochs%.2f, "top1": ${progress.score}%.5f, "reached": ${progress.score >= target}}"""
  }
}
