package ferrodl.examples

import ferrodl.feature.Sample
import ferrodl.nn._
import ferrodl.optim._
import ferrodl.tensor.Tensor
import ferrodl.utils.{Engine, LoggerFilter, RandomGenerator}
import org.apache.spark.SparkContext

/**
 * Sequence classification with an LSTM on Spark: LookupTable, then Recurrent(LSTM), then the last
 * time step (Select), then Linear and LogSoftMax, as the talk's recurrent models are built.
 *
 * The data is a generated task that needs memory. Every sequence holds the four marker tokens
 * 1-4, each once, in its first four steps and in random order, followed by `--length` - 4
 * noise tokens (5 to `vocab`). The label is the marker in the first step. Every sequence has the
 * same markers, so a bag-of-words model sees no difference between the classes and stays at
 * chance (25%); the LSTM must carry the first token through the whole sequence. The example
 * trains both and prints their test accuracy.
 *
 * {{{
 * spark-submit --master 'local[2]' --jars ferrodl-spark_2.12-0.1.0.jar \
 *   --class ferrodl.examples.SequenceClassification ferrodl-examples_2.12-0.1.0.jar --expect-top1 0.9
 * }}}
 * Options: --train N (8000), --test N (2000), --length T (20), --vocab V (20), --hidden H (32),
 * --epochs N (12), --batch-size N (128), --lr X (Adam, 0.01), --seed N (1), --expect-top1 X (exit
 * 1 when the LSTM's test Top1 is below X, or the bag of words' is not below the LSTM's).
 */
object SequenceClassification {

  final case class Task(length: Int, vocab: Int, seed: Long) {
    require(length > 4 && vocab > 4, "need length > 4 and more than 4 tokens")

    /** `n` sequences of 1-based token ids, with their 1-based labels. */
    def generate(n: Int, offset: Long): Array[(Array[Float], Float)] = {
      val rng = new java.util.SplittableRandom(seed * 1000003L + offset)
      Array.fill(n) {
        val markers = DataBlock.permutation(4, rng.nextLong()).map(_ + 1f)
        val seq = Array.tabulate(length)(t => if (t < 4) markers(t) else (5 + rng.nextInt(vocab - 4)).toFloat)
        (seq, markers(0))
      }
    }
  }

  def lstm(vocab: Int, embed: Int, hidden: Int): Sequential =
    Sequential()
      .add(LookupTable(vocab, embed).setName("embedding"))
      .add(Recurrent().add(LSTM(embed, hidden)).setName("lstm"))
      .add(Select(2, -1))
      .add(Linear(hidden, 4).setName("score"))
      .add(LogSoftMax())

  /** The baseline: token counts (the sum of one-hot rows), then a linear layer. */
  def bagOfWords(vocab: Int, hidden: Int): Sequential =
    Sequential()
      .add(LookupTable(vocab, hidden).setName("counts"))
      .add(Sum(2))
      .add(Tanh())
      .add(Linear(hidden, 4).setName("score"))
      .add(LogSoftMax())

  private def toSamples(data: Array[(Array[Float], Float)], length: Int): Seq[Sample] =
    data.toSeq.map { case (seq, label) => Sample(Tensor(seq, Array(length)), label) }

  def main(argv: Array[String]): Unit = {
    def opt(name: String): Option[String] = argv.sliding(2).collectFirst { case Array(`name`, v) => v }
    val nTrain = opt("--train").map(_.toInt).getOrElse(8000)
    val nTest = opt("--test").map(_.toInt).getOrElse(2000)
    val task = Task(
      opt("--length").map(_.toInt).getOrElse(20),
      opt("--vocab").map(_.toInt).getOrElse(20),
      opt("--seed").map(_.toLong).getOrElse(1L)
    )
    val hidden = opt("--hidden").map(_.toInt).getOrElse(32)
    val epochs = opt("--epochs").map(_.toInt).getOrElse(12)
    val batch = opt("--batch-size").map(_.toInt).getOrElse(128)
    val lr = opt("--lr").map(_.toDouble).getOrElse(0.01)
    LoggerFilter.redirectSparkInfoLogs()
    val sc = new SparkContext(Engine.createSparkConf().setAppName("ferrodl sequence classification"))
    try {
      RandomGenerator.setSeed(task.seed)
      val train = sc.parallelize(toSamples(task.generate(nTrain, 0), task.length), sc.defaultParallelism).cache()
      val test = sc.parallelize(toSamples(task.generate(nTest, 1), task.length), sc.defaultParallelism).cache()
      println(s"ferrodl: ${ferrodl.engine.Native.version()}, master ${sc.master}")
      def fit(name: String, model: Sequential): Double = {
        println(s"$name:\n$model")
        val t0 = System.nanoTime()
        Optimizer(model = model, sampleRDD = train, criterion = ClassNLLCriterion(), batchSize = batch)
          .setOptimMethod(new Adam(learningRate = lr))
          .setGradientClippingByl2Norm(5.0)
          .setEndWhen(Trigger.maxEpoch(epochs))
          .optimize()
        val top1 = model.evaluate(test, Array[ValidationMethod](new Top1Accuracy())).head._1.result()._1
        println(f"$name: test Top1 $top1%.4f after $epochs epochs (${(System.nanoTime() - t0) / 1e9}%.1f s)")
        top1
      }
      val bow = fit("bag of words", bagOfWords(task.vocab, hidden))
      val rnn = fit("LSTM", lstm(task.vocab, 16, hidden))
      println(f"LSTM test Top1 $rnn%.4f, bag-of-words baseline $bow%.4f (chance 0.25)")
      opt("--expect-top1").map(_.toDouble).foreach { min =>
        if (rnn < min || bow >= rnn) {
          System.err.println(s"FAIL: LSTM Top1 $rnn (expected >= $min) and bag of words $bow (expected below it)")
          sys.exit(1)
        } else println(s"PASS: LSTM Top1 $rnn >= $min, bag of words $bow")
      }
    } finally sc.stop()
  }
}
