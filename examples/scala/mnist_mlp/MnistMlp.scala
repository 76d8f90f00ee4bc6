package ferrodl.examples

import ferrodl.dataset.Mnist
import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Reshape, Sequential, Tanh}
import ferrodl.optim._
import ferrodl.utils.{LoggerFilter, RandomGenerator}
import org.apache.spark.rdd.RDD
import org.apache.spark.{SparkConf, SparkContext}

/**
 * MNIST with logistic regression or a 784-100-10 tanh MLP, trained across Spark executors.
 *
 * {{{
 * spark-submit --master 'local[2]' --jars ferrodl-spark_2.12-0.1.0.jar \
 *   --class ferrodl.examples.MnistMlp ferrodl-examples_2.12-0.1.0.jar --model mlp --epochs 2
 * }}}
 * Options: --data DIR, --model logreg|mlp, --epochs N, --batch-size N, --lr X, --lr-decay X,
 * --expect-top1 X (exit 1 when the test accuracy is below X).
 */
object MnistMlp {

  final case class Args(
      data: Option[String] = None,
      model: String = "mlp",
      epochs: Int = 2,
      batchSize: Int = 128,
      lr: Option[Double] = None,
      lrDecay: Double = 0.0,
      expectTop1: Option[Double] = None,
      optim: String = "sgd"
  )

  def parse(args: List[String], a: Args = Args()): Args = args match {
    case Nil => a
    case "--data" :: v :: rest => parse(rest, a.copy(data = Some(v)))
    case "--model" :: v :: rest => parse(rest, a.copy(model = v))
    case "--epochs" :: v :: rest => parse(rest, a.copy(epochs = v.toInt))
    case "--batch-size" :: v :: rest => parse(rest, a.copy(batchSize = v.toInt))
    case "--lr" :: v :: rest => parse(rest, a.copy(lr = Some(v.toDouble)))
    case "--lr-decay" :: v :: rest => parse(rest, a.copy(lrDecay = v.toDouble))
    case "--expect-top1" :: v :: rest => parse(rest, a.copy(expectTop1 = Some(v.toDouble)))
    case "--optim" :: v :: rest => parse(rest, a.copy(optim = v))
    case other :: _ => throw new IllegalArgumentException(s"unknown option $other")
  }

  def build(kind: String): Sequential = kind match {
    case "logreg" => Sequential().add(Reshape(Array(784))).add(Linear(784, 10)).add(LogSoftMax())
    case "mlp" =>
      Sequential().add(Reshape(Array(784))).add(Linear(784, 100)).add(Tanh()).add(Linear(100, 10)).add(LogSoftMax())
    case other => throw new IllegalArgumentException(s"unknown model $other (logreg or mlp)")
  }

  def load(sc: SparkContext, dir: java.io.File, split: String): RDD[Sample] = {
    val s = Mnist.read(dir, split)
    val (rows, cols) = (s.rows, s.cols)
    sc.parallelize(s.images.zip(s.labels), sc.defaultParallelism)
      .map { case (img, label) => Mnist.toSample(img, label, rows, cols) }
  }

  /** Prints where the iterations' time went (skipping the first few, which warm up). */
  def report(optimizer: Optimizer): Unit = optimizer match {
    case d: DistriOptimizer if d.timings.nonEmpty =>
      val t = d.timings.drop(math.min(5, d.timings.length - 1))
      def mean(f: IterationTiming => Double) = t.map(f).sum / t.length
      println(
        f"ferrodl: trained ${d.timings.length} iterations in ${d.timings.map(_.totalMs).sum / 1000}%.1f s; mean iteration " +
          f"${mean(_.totalMs)}%.1f ms (broadcast ${mean(_.broadcastMs)}%.1f, compute ${mean(_.computeMs)}%.1f, " +
          f"aggregate ${mean(_.aggregateMs)}%.1f)"
      )
    case _ =>
  }

  /** Prints the results; exits with status 1 when Top1 is below `expect`. */
  def check(result: Array[(ValidationResult, ValidationMethod)], expect: Option[Double]): Unit = {
    result.foreach { case (r, m) => println(s"${m.format()} is $r") }
    val top1 = result.head._1.result()._1
    expect.foreach { min =>
      if (top1 < min) {
        System.err.println(s"FAIL: test Top1 $top1 < expected $min")
        sys.exit(1)
      } else println(s"PASS: test Top1 $top1 >= $min")
    }
  }

  def main(argv: Array[String]): Unit = {
    val args = parse(argv.toList)
    LoggerFilter.redirectSparkInfoLogs()
    val dir = Mnist.locate(args.data)
    val sc = new SparkContext(new SparkConf().setAppName(s"ferrodl MNIST ${args.model}"))
    try {
      RandomGenerator.setSeed(42)
      val train = load(sc, dir, "train")
      val test = load(sc, dir, "t10k").cache()
      val model = build(args.model)
      println(s"ferrodl: ${ferrodl.engine.Native.version()}, master ${sc.master}, data $dir\n$model")
      val optimizer =
        Optimizer(model = model, sampleRDD = train, criterion = ClassNLLCriterion(), batchSize = args.batchSize)
          .setOptimMethod(
            new SGD(
              learningRate = args.lr.getOrElse(if (args.model == "mlp") 0.2 else 0.1),
              learningRateDecay = args.lrDecay
            )
          )
          .setEndWhen(Trigger.maxEpoch(args.epochs))
      val trained = optimizer.optimize()
      report(optimizer)
      check(trained.evaluate(test, Array(new Top1Accuracy()), Some(1000)), args.expectTop1)
    } finally sc.stop()
  }
}
