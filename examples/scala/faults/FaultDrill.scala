package ferrodl.examples

import ferrodl.feature.Sample
import ferrodl.nn._
import ferrodl.optim._
import ferrodl.tensor.Tensor
import ferrodl.utils.Engine
import org.apache.spark.SparkContext
import org.apache.spark.rdd.RDD

/**
 * The training run `tests/faults.sh` injects faults into: a two-class problem in 64 dimensions
 * (made up, no download), an MLP trained with SGD, frequent checkpoints, and a large validation
 * set that takes some seconds to evaluate, so that an executor can be killed while validation
 * runs. It prints `FaultDrill: started at iteration N` and, at the end,
 * `FaultDrill: trained to iteration N, validation Top1 X`.
 *
 * Options: --iterations N (200), --checkpoint DIR, --every N (checkpoint every N iterations, 20),
 * --resume, --validate-every N (100), --val-size N (300000), --expect-top1 X (exit 1 below it).
 */
object FaultDrill {
  val dims = 64

  /** Record `i` of a stream: class 1 or 2, Gaussian around +-0.6 in every dimension. */
  def sample(i: Long, stream: Long): Sample = {
    val r = new scala.util.Random(i * 1000003L + stream)
    val c = (i % 2).toInt
    val x = Array.fill(dims)((if (c == 0) -0.6 else 0.6).toFloat + r.nextGaussian().toFloat)
    Sample(Tensor(x, Array(dims)), (c + 1).toFloat)
  }

  def data(sc: SparkContext, n: Int, stream: Long): RDD[Sample] =
    sc.parallelize(0L until n.toLong, sc.defaultParallelism * 2).map(sample(_, stream))

  def main(argv: Array[String]): Unit = {
    def opt(name: String): Option[String] = argv.sliding(2).collectFirst { case Array(`name`, v) => v }
    val iterations = opt("--iterations").map(_.toInt).getOrElse(200)
    val every = opt("--every").map(_.toInt).getOrElse(20)
    val validateEvery = opt("--validate-every").map(_.toInt).getOrElse(100)
    val valSize = opt("--val-size").map(_.toInt).getOrElse(300000)
    val sc = new SparkContext(Engine.createSparkConf().setAppName("ferrodl fault drill"))
    println(s"FaultDrill: application ${sc.applicationId}") // tests/faults.sh finds its executors by it
    try {
      val model = Sequential()
        .add(Linear(dims, 512).setName("hidden"))
        .add(ReLU())
        .add(Linear(512, 2).setName("out"))
        .add(LogSoftMax())
      val optimizer = Optimizer(model, data(sc, 20000, 1L), ClassNLLCriterion(), 64)
        .setOptimMethod(new SGD(learningRate = 0.05))
        .setSeed(3L)
        .setEndWhen(Trigger.maxIteration(iterations))
        .setValidation(Trigger.severalIteration(validateEvery), data(sc, valSize, 2L), Array(new Top1Accuracy()), 4096)
      opt("--checkpoint").foreach { dir =>
        optimizer.setCheckpoint(dir, Trigger.severalIteration(every)).overWriteCheckpoint()
        if (argv.contains("--resume")) optimizer.resume(dir)
      }
      println(
        s"FaultDrill: started at iteration ${Option(optimizer.getOptimMethod.progress).map(_.iteration).getOrElse(1)}"
      )
      val trained = optimizer.optimize()
      val top1 = trained
        .evaluate(data(sc, 20000, 3L), Array(new Top1Accuracy()), Some(4096))
        .head
        ._1
        .result()
        ._1
      println(
        s"FaultDrill: trained to iteration ${optimizer.getOptimMethod.progress.iteration - 1}, validation Top1 $top1"
      )
      opt("--expect-top1").map(_.toDouble).foreach { t =>
        if (top1 < t) { println(s"FAIL: Top1 $top1 < $t"); sys.exit(1) }
      }
    } finally sc.stop()
  }
}
