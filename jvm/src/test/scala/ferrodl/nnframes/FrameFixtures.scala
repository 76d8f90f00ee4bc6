package ferrodl.nnframes

import ferrodl.nn.{Linear, LogSoftMax, Sequential, Tanh}
import org.apache.spark.ml.linalg.Vectors
import org.apache.spark.sql.{DataFrame, SparkSession}

import scala.util.Random

/** One local SparkSession for the nnframes tests, and small seeded data sets. */
object FrameFixtures {
  @volatile private var session: SparkSession = _

  def spark: SparkSession = synchronized {
    if (session == null || session.sparkContext.isStopped) {
      session = SparkSession
        .builder()
        .master("local[2]")
        .appName("ferrodl-nnframes-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
      session.sparkContext.setLogLevel("WARN")
    }
    session
  }

  def stop(): Unit = synchronized {
    if (session != null) session.stop()
    session = null
  }

  private val centres = Array(Array(2.0, 0.0, 0.0, 1.0), Array(-2.0, 1.0, 0.0, 0.0), Array(0.0, -2.0, 2.0, 0.0))

  /** A row of [[blobs]]. */
  final case class Blob(
      id: String,
      f1: Double,
      f2: Double,
      f3: Double,
      f4: Double,
      arr: Seq[Double],
      arrFloat: Seq[Float],
      colour: String,
      kind: String,
      label: Double,
      features: org.apache.spark.ml.linalg.Vector
  )

  /**
   * `n` points of three Gaussian blobs in 4-D (class = row index mod 3): features as numeric
   * columns, double and float arrays; `kind` is the class's name and `colour` a noise category.
   */
  def blobRows(n: Int, seed: Int, classes: Int = 3): Seq[Blob] = {
    val r = new Random(seed)
    Seq.tabulate(n) { i =>
      val c = i % classes
      val x = Array.tabulate(4)(j => centres(c)(j) + 0.5 * r.nextGaussian())
      Blob(
        s"r$i",
        x(0),
        x(1),
        x(2),
        x(3),
        x.toSeq,
        x.map(_.toFloat).toSeq,
        Seq("red", "green")(r.nextInt(2)),
        Seq("setosa", "versicolor", "virginica")(c),
        c.toDouble,
        Vectors.dense(x)
      )
    }
  }

  /** [[blobRows]] as a DataFrame (the `features` column is an ML Vector). */
  def blobs(n: Int, seed: Int, classes: Int = 3): DataFrame = spark.createDataFrame(blobRows(n, seed, classes))

  /** A 4-8-k tanh MLP with LogSoftMax, with fixed initial weights. */
  def mlp(inputs: Int = 4, classes: Int = 3): Sequential = {
    val m = Sequential().add(Linear(inputs, 8)).add(Tanh()).add(Linear(8, classes)).add(LogSoftMax())
    val r = new Random(7)
    m.setWeightsArray(Array.fill(m.numParameters())((r.nextGaussian() * 0.3).toFloat))
  }
}
