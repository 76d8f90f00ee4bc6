package ferrodl.examples

import ferrodl.dataset.Mnist
import ferrodl.feature.Sample
import ferrodl.nn.{ClassNLLCriterion, Linear, LogSoftMax, Reshape, Sequential, Tanh}
import ferrodl.optim._
import ferrodl.utils.{Engine, LoggerFilter, RandomGenerator}
import org.apache.spark.rdd.RDD
import org.apache.spark.SparkContext

/**
 * MNIST with logistic regression or a 784-100-10 tanh MLP, trained across Spark executors.
 *
 * {{{
 * spark-submit --master 'local[2]' --jars ferrodl-spark_2.12-0.1.0.jar \
 *   --class ferrodl.examples.MnistMlp ferrodl-examples_2.12-0.1.0.jar --model mlp --epochs 2
 * }}}
 * Options: --data DIR, --model logreg|mlp, --epochs N, --batch-size N, --lr X, --lr-decay X,
 * --expect-top1 X (exit 1 when the test accuracy is below X), --seed N, and the walkthrough's:
 * --checkpoint DIR (every epoch), --resume (from DIR's latest checkpoint), --summary LOGDIR
 * (TensorBoard), --plot FILE.png, --dump-loss FILE, --save-weights FILE, --local (train in
 * this JVM with LocalOptimizer instead of on Spark).
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
      optim: String = "sgd",
      checkpoint: Option[String] = None,
      resume: Boolean = false,
      summary: Option[String] = None,
      plot: Option[String] = None,
      dumpLoss: Option[String] = None,
      saveWeights: Option[String] = None,
      local: Boolean = false,
      seed: Long = 1L
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
    case "--checkpoint" :: v :: rest => parse(rest, a.copy(checkpoint = Some(v)))
    case "--resume" :: rest => parse(rest, a.copy(resume = true))
    case "--summary" :: v :: rest => parse(rest, a.copy(summary = Some(v)))
    case "--plot" :: v :: rest => parse(rest, a.copy(plot = Some(v)))
    case "--dump-loss" :: v :: rest => parse(rest, a.copy(dumpLoss = Some(v)))
    case "--save-weights" :: v :: rest => parse(rest, a.copy(saveWeights = Some(v)))
    case "--local" :: rest => parse(rest, a.copy(local = true))
    case "--seed" :: v :: rest => parse(rest, a.copy(seed = v.toLong))
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
  def report(d: Optimizer): Unit =
    if (d.timings.nonEmpty) {
      val t = d.timings.drop(math.min(5, d.timings.length - 1))
      def mean(f: IterationTiming => Double) = t.map(f).sum / t.length
      println(
        f"ferrodl: trained ${d.timings.length} iterations in ${d.timings.map(_.totalMs).sum / 1000}%.1f s; mean iteration " +
          f"${mean(_.totalMs)}%.1f ms (broadcast ${mean(_.broadcastMs)}%.1f, compute ${mean(_.computeMs)}%.1f, " +
          f"aggregate ${mean(_.aggregateMs)}%.1f)"
      )
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

  /** The samples of a split, in memory (for --local). */
  def samples(dir: java.io.File, split: String): Array[Sample] = {
    val s = Mnist.read(dir, split)
    s.images.zip(s.labels).map { case (img, label) => Mnist.toSample(img, label, s.rows, s.cols) }
  }

  /**
   * Trains `model` on MNIST as `args` say, on Spark or (--local) in this JVM, validating every
   * epoch; `method` sets the optimisation method. Checks the final test Top1.
   */
  def train(args: Args, model: Sequential, appName: String)(method: Optimizer => Unit): Unit = {
    LoggerFilter.redirectSparkInfoLogs()
    val dir = Mnist.locate(args.data)
    RandomGenerator.setSeed(42)
    val sc = if (args.local) None else Some(new SparkContext(Engine.createSparkConf().setAppName(appName)))
    try {
      val where = sc.map(s => s"master ${s.master}").getOrElse("local mode (no Spark)")
      println(s"ferrodl: ${ferrodl.engine.Native.version()}, $where, data $dir\n$model")
      val methods: Array[ValidationMethod] = Array(new Top1Accuracy(), new Top5Accuracy(), new Loss())
      val (optimizer, evaluate) = sc match {
        case Some(sc) =>
          val test = load(sc, dir, "t10k").cache()
          val o = Optimizer(
            model = model,
            sampleRDD = load(sc, dir, "train"),
            criterion = ClassNLLCriterion(),
            batchSize = args.batchSize
          )
          (o.setValidation(Trigger.everyEpoch, test, methods, 1000), () => model.evaluate(test, methods, Some(1000)))
        case None =>
          val test = samples(dir, "t10k")
          val o = Optimizer(
            model = model,
            samples = samples(dir, "train"),
            criterion = ClassNLLCriterion(),
            batchSize = args.batchSize
          )
          (
            o.setLocalValidation(Trigger.everyEpoch, test, methods, 1000),
            () => Evaluator.evaluateLocal(model, test, methods, 1000)
          )
      }
      optimizer.setEndWhen(Trigger.maxEpoch(args.epochs)).setSeed(args.seed)
      method(optimizer)
      val summaries = Walkthrough.configure(optimizer, args, appName.replaceAll("[^A-Za-z0-9_-]", "_"))
      optimizer.optimize()
      report(optimizer)
      args.saveWeights.foreach(p => Walkthrough.saveWeights(model.getWeightsArray(), p))
      summaries.foreach { case (t, v) =>
        args.plot.foreach { p => Walkthrough.plot(t, v, p); println(s"ferrodl: plot of loss and Top1 in $p") }
        args.dumpLoss.foreach(Walkthrough.dumpScalars(t, "Loss", _))
      }
      check(evaluate(), args.expectTop1)
    } finally sc.foreach(_.stop())
  }

  def main(argv: Array[String]): Unit = {
    val args = parse(argv.toList)
    train(args, build(args.model), s"ferrodl MNIST ${args.model}") { optimizer =>
      val lr = args.lr.getOrElse(if (args.model == "mlp") 0.2 else 0.1)
      optimizer.setOptimMethod(new SGD(learningRate = lr, learningRateDecay = args.lrDecay))
    }
  }
}
