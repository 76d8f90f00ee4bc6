package ferrodl.examples

import java.io.{BufferedReader, InputStreamReader}

import ferrodl.engine.NativeModel
import ferrodl.feature.Sample
import ferrodl.nn._
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim._
import ferrodl.tensor.Tensor
import ferrodl.utils.{Engine, LoggerFilter}
import org.apache.spark.SparkContext

/**
 * The ferrodl side of the benchmark harness (`bench/run.sh`): a server that reads one workload
 * per line on stdin and answers with one `RESULT <json>` line, so that the driver can interleave
 * it with the PyTorch side in the same run. Workloads:
 *
 *   - `train <model> <batch> <local|spark> <iterations> [none|bf16] [k]`: training throughput (records/s per
 *     iteration) with [[LocalOptimizer]] on 2 threads, or on Spark (`local[2]`) with
 *     [[DistriOptimizer]]; `model` is `lenet`, `mlp` (784-1024-1024-10), `lstm` or any name in
 *     [[Bench.models]]; then the gradient compression and the local SGD steps per Spark job
 *     (`setLocalSteps(k)`; `iterations` then counts rounds of k) (Spark only);
 *   - `infer lenet <batch> <records>`: inference throughput on 2 threads, one native model each;
 *   - `converge lenet ...`: time to a test accuracy on MNIST ([[Converge]]);
 *   - `quit`.
 *
 * Every model is trained with plain SGD (learning rate 0.01) on seeded random data, with
 * BigDL's default initialisation, as the PyTorch side does with its own default.
 */
object Bench {

  /** A model, the shape of one record, and the number of classes. */
  final case class Workload(build: () => AbstractModule, shape: Array[Int], classes: Int)

  val models: Map[String, Workload] = Map(
    "lenet" -> Workload(() => LeNet5.build(10), Array(784), 10),
    // LeNet-5 after quantize() (int8 Linear and convolutions), for `infer lenet_int8 ...`.
    "lenet_int8" -> Workload(() => LeNet5.build(10).quantize(), Array(784), 10),
    "mlp" -> Workload(
      () =>
        Sequential()
          .add(Linear(784, 1024))
          .add(ReLU())
          .add(Linear(1024, 1024))
          .add(ReLU())
          .add(Linear(1024, 10))
          .add(LogSoftMax()),
      Array(784),
      10
    ),
    // Sequence 50, input 100, hidden 128, the last step into Linear(128, 5).
    "lstm" -> Workload(
      () =>
        Sequential()
          .add(Recurrent().add(LSTM(100, 128)))
          .add(Select(2, -1))
          .add(Linear(128, 5))
          .add(LogSoftMax()),
      Array(50, 100),
      5
    ),
    // For the Spark overhead split: about 1M and 25M parameters, little compute per record.
    "mlp1m" -> Workload(() => mlp(Seq(784, 1200, 10)), Array(784), 10),
    "mlp25m" -> Workload(() => mlp(Seq(784, 4096, 4096, 1024, 10)), Array(784), 10)
  )

  private def mlp(sizes: Seq[Int]): AbstractModule = {
    val s = Sequential()
    sizes.sliding(2).zipWithIndex.foreach { case (Seq(a, b), i) =>
      s.add(Linear(a, b))
      s.add(if (i == sizes.length - 2) LogSoftMax() else ReLU())
    }
    s
  }

  private val threads = 2

  private def data(w: Workload, n: Int, seed: Long): Array[Sample] = {
    val rng = new java.util.SplittableRandom(seed)
    val len = w.shape.product
    Array.tabulate(n) { i =>
      val x = Array.fill(len)((rng.nextDouble() - 0.5).toFloat)
      Sample(Tensor(x, w.shape), Tensor(Array((i % w.classes + 1).toFloat), Array(1)))
    }
  }

  private def stats(xs: Seq[Double]): String = {
    val s = xs.sorted
    f"""{"median": ${s(s.length / 2)}%.3f, "min": ${s.head}%.3f, "max": ${s.last}%.3f, "n": ${s.length}}"""
  }

  private def train(
      sc: => SparkContext,
      model: String,
      batch: Int,
      mode: String,
      iterations: Int,
      compression: String,
      localSteps: Int
  ): String = {
    val w = models.getOrElse(model, throw new IllegalArgumentException(s"unknown model $model"))
    // On Spark the JVM compiles the driver's and the tasks' code and grows its heap during the
    // first iterations, on the same 2 cores: LeNet-5 at batch 2048 was still getting faster
    // over iterations 2-16 (compute 200 to 125 ms); local mode and PyTorch settle within 3.
    val warmup = if (mode == "spark") 10 else 3
    val samples = data(w, batch * 4 * localSteps, 7L)
    val m = w.build()
    val opt = mode match {
      case "local" => new LocalOptimizer(m, samples, ClassNLLCriterion(), batch, threads)
      case "spark" =>
        val rdd = sc.parallelize(samples.toSeq, threads).cache()
        rdd.count()
        Optimizer(model = m, sampleRDD = rdd, criterion = ClassNLLCriterion(), batchSize = batch)
      case other => throw new IllegalArgumentException(s"unknown mode $other (local or spark)")
    }
    opt
      .setOptimMethod(new SGD(learningRate = 0.01))
      .setGradientCompression(compression)
      .setLocalSteps(localSteps)
      .setEndWhen(Trigger.maxIteration((warmup + iterations) * localSteps))
      .optimize()
    val t = opt.timings.drop(warmup)
    def per(f: IterationTiming => Double) = stats(t.map(f))
    s"""{"records_per_s": ${stats(t.map(x => batch * x.iterations * 1000.0 / x.totalMs))}, "iteration_ms": ${per(
        _.totalMs
      )}, """ +
      s""""broadcast_ms": ${per(_.broadcastMs)}, "compute_ms": ${per(_.computeMs)}, "aggregate_ms": ${per(
          _.aggregateMs
        )}, "update_ms": ${per(_.updateMs)}, "params": ${m.numParameters()}}"""
  }

  private def infer(model: String, batch: Int, records: Int): String = {
    val w = models.getOrElse(model, throw new IllegalArgumentException(s"unknown model $model"))
    val m = w.build()
    val spec = m.toSpec.encode()
    val state = m.getState()
    val len = w.shape.product
    val rng = new java.util.SplittableRandom(11L)
    val all = Array.fill(records * len)((rng.nextDouble() - 0.5).toFloat)
    val replicas = Array.fill(threads)(new NativeModel(spec, 0L))
    try {
      replicas.foreach { r => r.setState(state); r.setTraining(false) }
      val pool = java.util.concurrent.Executors.newFixedThreadPool(threads)
      def pass(): Double = {
        val t0 = System.nanoTime()
        val jobs = (0 until threads).map { k =>
          pool.submit(new Runnable {
            override def run(): Unit = {
              var start = k * batch
              while (start < records) {
                val n = math.min(batch, records - start)
                val x = Tensor(java.util.Arrays.copyOfRange(all, start * len, (start + n) * len), n +: w.shape)
                replicas(k).forward(x)
                start += threads * batch
              }
            }
          })
        }
        jobs.foreach(_.get())
        records / ((System.nanoTime() - t0) / 1e9)
      }
      try {
        pass()
        s"""{"records_per_s": ${stats((1 to 5).map(_ => pass()))}}"""
      } finally pool.shutdown()
    } finally replicas.foreach(_.close())
  }

  def main(argv: Array[String]): Unit = {
    LoggerFilter.redirectSparkInfoLogs()
    var started: Option[SparkContext] = None
    def sc: SparkContext = started.getOrElse {
      val c =
        new SparkContext(Engine.createSparkConf().setAppName("ferrodl bench").setIfMissing("spark.master", "local[2]"))
      started = Some(c)
      c
    }
    val in = new BufferedReader(new InputStreamReader(System.in))
    println(s"READY ${ferrodl.engine.Native.version()} gemm=${ferrodl.engine.Native.GEMM_BACKEND}")
    var line = in.readLine()
    while (line != null && line.trim != "quit") {
      val result =
        try {
          line.trim.split("\\s+").toList match {
            case "train" :: model :: b :: mode :: it :: Nil => train(sc, model, b.toInt, mode, it.toInt, "none", 1)
            case "train" :: model :: b :: mode :: it :: compression :: Nil =>
              train(sc, model, b.toInt, mode, it.toInt, compression, 1)
            case "train" :: model :: b :: mode :: it :: compression :: k :: Nil =>
              train(sc, model, b.toInt, mode, it.toInt, compression, k.toInt)
            case "infer" :: model :: b :: n :: Nil => infer(model, b.toInt, n.toInt)
            case "converge" :: rest => Converge.run(sc, rest)
            case _ => throw new IllegalArgumentException(s"unknown workload: $line")
          }
        } catch {
          case e: Exception =>
            val msg = String.valueOf(e.getMessage).replace("\\", "\\\\").replace("\"", "'").replace("\n", " ")
            s"""{"error": "$msg"}"""
        }
      println(s"RESULT $result")
      System.out.flush()
      line = in.readLine()
    }
    started.foreach(_.stop())
  }
}
