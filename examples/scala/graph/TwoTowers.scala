package ferrodl.examples

import ferrodl.dataset.Mnist
import ferrodl.feature.Sample
import ferrodl.nn._
import ferrodl.optim._
import ferrodl.tensor.Tensor
import ferrodl.utils.{Engine, LoggerFilter, RandomGenerator}
import org.apache.spark.SparkContext

/**
 * A graph with two inputs and two outputs, trained on Spark with a ParallelCriterion: the left
 * and right halves of an MNIST digit go through their own towers, are joined, and the model
 * predicts the class (ClassNLLCriterion) and the share of ink in the right half (MSECriterion).
 *
 * {{{
 * spark-submit --master 'local-cluster[2,1,1024]' --jars ferrodl-spark_2.12-0.1.0.jar \
 *   --class ferrodl.examples.TwoTowers ferrodl-examples_2.12-0.1.0.jar --epochs 2 --expect-loss 0.3
 * }}}
 * Options: --data DIR, --epochs N (2), --batch-size N (128), --lr X (0.1), --expect-loss X (exit 1
 * when the test loss is above X).
 */
object TwoTowers {

  def model(): Graph = {
    val left = Input()
    val right = Input()
    val l = ReLU().inputs(Linear(392, 64).setName("left").inputs(left))
    val r = ReLU().inputs(Linear(392, 64).setName("right").inputs(right))
    val joined = Tanh().inputs(Linear(128, 64).setName("joint").inputs(JoinTable(1, 1).inputs(l, r)))
    val cls = LogSoftMax().inputs(Linear(64, 10).setName("class").inputs(joined))
    val ink = Sigmoid().inputs(Linear(64, 1).setName("ink").inputs(joined))
    Graph(Seq(left, right), Seq(cls, ink))
  }

  /** Left and right halves as two features; the class and the right half's share of ink as two labels. */
  def samples(split: Mnist.Split): Seq[Sample] = split.images.indices.map { i =>
    val px = split.images(i).map(b => (b & 0xff) / 255f)
    val left = Array.tabulate(28 * 14)(k => px((k / 14) * 28 + k % 14))
    val right = Array.tabulate(28 * 14)(k => px((k / 14) * 28 + 14 + k % 14))
    val share = right.sum / math.max(1e-3f, px.sum)
    Sample(
      Array(Tensor(left, Array(392)), Tensor(right, Array(392))),
      Array(Tensor(Array((split.labels(i) & 0xff) + 1f), Array(1)), Tensor(Array(share), Array(1)))
    )
  }

  def criterion(): ParallelCriterion = ParallelCriterion().add(ClassNLLCriterion(), 1.0).add(MSECriterion(), 1.0)

  def main(argv: Array[String]): Unit = {
    def opt(name: String): Option[String] = argv.sliding(2).collectFirst { case Array(`name`, v) => v }
    val epochs = opt("--epochs").map(_.toInt).getOrElse(2)
    val batch = opt("--batch-size").map(_.toInt).getOrElse(128)
    val lr = opt("--lr").map(_.toDouble).getOrElse(0.1)
    LoggerFilter.redirectSparkInfoLogs()
    val dir = Mnist.locate(opt("--data"))
    val sc = new SparkContext(Engine.createSparkConf().setAppName("ferrodl two towers"))
    try {
      RandomGenerator.setSeed(7)
      val train = sc.parallelize(samples(Mnist.read(dir, "train")), sc.defaultParallelism)
      val test = samples(Mnist.read(dir, "t10k")).take(2000)
      val net = model()
      println(s"ferrodl: ${ferrodl.engine.Native.version()}, master ${sc.master}\n$net")
      Optimizer(model = net, sampleRDD = train, criterion = criterion(), batchSize = batch)
        .setOptimMethod(new SGD(learningRate = lr))
        .setEndWhen(Trigger.maxEpoch(epochs))
        .optimize()
      net.evaluate()
      val (x, y) = Batching.stackActivity(test)
      val out = net.forward(x).toTable
      val loss = criterion().forward(out, y)
      val top1 = new Top1Accuracy()(out[Tensor](1), y.toTable[Tensor](1)).result()._1
      println(f"Test loss (ParallelCriterion) $loss%.4f, class Top1 $top1%.4f")
      opt("--expect-loss").map(_.toDouble).foreach { max =>
        if (loss > max) { System.err.println(s"FAIL: test loss $loss > $max"); sys.exit(1) }
        else println(s"PASS: test loss $loss <= $max")
      }
    } finally sc.stop()
  }
}
