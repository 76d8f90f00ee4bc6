package ferrodl.python

import java.nio.{ByteBuffer, ByteOrder}

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.{Evaluator, Predictor, ValidationMethod}
import ferrodl.tensor.Tensor
import ferrodl.visualization.Summary
import org.apache.spark.api.java.JavaRDD
import org.apache.spark.rdd.RDD

/**
 * What the Python API (`python/ferrodl`) calls through py4j besides the Scala classes
 * themselves: bulk data crosses as raw little-endian buffers, never pickled objects.
 *
 * {{{
 * tensor := rank:i32 dim:i32*rank value:f32*Π(dims)
 * sample := nFeatures:i32 tensor*nFeatures nLabels:i32 tensor*nLabels
 * }}}
 */
object PythonApi {

  private def le(b: Array[Byte]) = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)

  private def readTensor(buf: ByteBuffer, what: String): Tensor = {
    def need(n: Long): Unit =
      if (n > buf.remaining()) {
        throw new IllegalArgumentException(s"$what: truncated record ($n bytes needed, ${buf.remaining()} left)")
      }
    need(4)
    val rank = buf.getInt()
    if (rank < 0 || rank > 16) throw new IllegalArgumentException(s"$what: bad rank $rank")
    need(4L * rank)
    val dims = Array.fill(rank)(buf.getInt())
    if (dims.exists(_ < 0))
      throw new IllegalArgumentException(s"$what: negative dimension in ${dims.mkString("[", ", ", "]")}")
    val n = dims.foldLeft(1L)(_ * _)
    need(4 * n)
    val data = new Array[Float](n.toInt)
    buf.asFloatBuffer().get(data)
    buf.position(buf.position() + 4 * n.toInt)
    Tensor(data, dims)
  }

  private def writeTensor(t: Tensor, buf: ByteBuffer): Unit = {
    buf.putInt(t.size().length)
    t.size().foreach(d => buf.putInt(d))
    buf.asFloatBuffer().put(t.storage)
    buf.position(buf.position() + 4 * t.storage.length)
  }

  private def tensorBytes(t: Tensor): Int = 4 + 4 * t.size().length + 4 * t.storage.length

  def tensorFromBytes(b: Array[Byte]): Tensor = {
    val buf = le(b)
    val t = readTensor(buf, "tensor")
    if (buf.hasRemaining) throw new IllegalArgumentException(s"tensor: ${buf.remaining()} bytes after the data")
    t
  }

  def tensorToBytes(t: Tensor): Array[Byte] = {
    val buf = ByteBuffer.allocate(tensorBytes(t)).order(ByteOrder.LITTLE_ENDIAN)
    writeTensor(t, buf)
    buf.array()
  }

  def sampleFromBytes(b: Array[Byte]): Sample = {
    val buf = le(b)
    def slots(what: String): Array[Tensor] = {
      if (buf.remaining() < 4) throw new IllegalArgumentException(s"sample: truncated before the $what count")
      val n = buf.getInt()
      if (n < 1 || n > 64) throw new IllegalArgumentException(s"sample: $n ${what}s (1 to 64 allowed)")
      Array.tabulate(n)(i => readTensor(buf, s"sample $what ${i + 1}"))
    }
    val s = Sample(slots("feature"), slots("label"))
    if (buf.hasRemaining) throw new IllegalArgumentException(s"sample: ${buf.remaining()} bytes after the data")
    s
  }

  /** Python's records become Samples in the executors, once. */
  def samplesFromBytes(records: JavaRDD[Array[Byte]]): RDD[Sample] = records.rdd.map(sampleFromBytes)

  def samplesFromLocal(records: java.util.List[Array[Byte]]): Array[Sample] = {
    val out = new Array[Sample](records.size())
    var i = 0
    while (i < out.length) { out(i) = sampleFromBytes(records.get(i)); i += 1 }
    out
  }

  /** Per-record outputs as tensor buffers (numpy arrays in Python). */
  def predict(model: AbstractModule, data: RDD[Sample], batchSize: Int): JavaRDD[Array[Byte]] =
    Predictor.predict(model, data, batchSize).map(tensorToBytes).toJavaRDD()

  /** Per-record 1-based classes as 4-byte little-endian ints. */
  def predictClass(model: AbstractModule, data: RDD[Sample], batchSize: Int): JavaRDD[Array[Byte]] =
    Predictor
      .predictClass(model, data, batchSize)
      .map(c => ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(c).array())
      .toJavaRDD()

  /** `[name, value, count]` per method. */
  def evaluate(
      model: AbstractModule,
      data: RDD[Sample],
      methods: java.util.List[ValidationMethod],
      batchSize: Int
  ): Array[Array[Any]] = {
    val ms = (0 until methods.size()).map(methods.get).toArray
    Evaluator.evaluate(model, data, ms, Some(batchSize)).map { case (r, m) =>
      Array[Any](m.format(), r.result()._1.toDouble, r.result()._2)
    }
  }

  def evaluateLocal(
      model: AbstractModule,
      samples: Array[Sample],
      methods: java.util.List[ValidationMethod],
      batchSize: Int
  ): Array[Array[Any]] = {
    val ms = (0 until methods.size()).map(methods.get).toArray
    Evaluator.evaluateLocal(model, samples, ms, batchSize).map { case (r, m) =>
      Array[Any](m.format(), r.result()._1.toDouble, r.result()._2)
    }
  }

  /** `readScalar(tag)` as little-endian (step:i64, value:f32, wallTime:f64) records. */
  def readScalar(summary: Summary, tag: String): Array[Byte] = {
    val rows = summary.readScalar(tag)
    val buf = ByteBuffer.allocate(20 * rows.length).order(ByteOrder.LITTLE_ENDIAN)
    rows.foreach { case (s, v, w) => buf.putLong(s).putFloat(v).putDouble(w) }
    buf.array()
  }

  def floatsToBytes(a: Array[Float]): Array[Byte] = {
    val buf = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN)
    buf.asFloatBuffer().put(a)
    buf.array()
  }

  def floatsFromBytes(b: Array[Byte]): Array[Float] = {
    if (b.length % 4 != 0) throw new IllegalArgumentException(s"${b.length} bytes is not a whole number of floats")
    val a = new Array[Float](b.length / 4)
    le(b).asFloatBuffer().get(a)
    a
  }

  def ints(values: java.util.List[Integer]): Array[Int] = (0 until values.size()).map(values.get(_).intValue).toArray

  def doubles(values: java.util.List[java.lang.Double]): Array[Double] =
    (0 until values.size()).map(values.get(_).doubleValue).toArray

  def seq[A](values: java.util.List[A]): Seq[A] = (0 until values.size()).map(values.get)

  /** Recurrent cells as the array MultiRNNCell takes. */
  def cells(values: java.util.List[ferrodl.nn.Cell]): Array[ferrodl.nn.Cell] =
    (0 until values.size()).map(values.get).toArray

  /**
   * An activity (tensor or table) from little-endian floats and the layout of
   * `ferrodl.engine.ActivityCodec` (a tensor: 0, rank, dims...; a table: 1, n, items...).
   */
  def decodeActivity(data: Array[Byte], layout: Array[Int]): ferrodl.nn.abstractnn.Activity =
    ferrodl.engine.ActivityCodec.decode(floatsFromBytes(data), layout)

  /** `module.forward` on an activity (so a tensor input may give a table output). */
  def forward(module: AbstractModule, input: ferrodl.nn.abstractnn.Activity): ferrodl.nn.abstractnn.Activity =
    module.forward(input)

  def backward(
      module: AbstractModule,
      input: ferrodl.nn.abstractnn.Activity,
      gradOutput: ferrodl.nn.abstractnn.Activity
  ): ferrodl.nn.abstractnn.Activity = module.backward(input, gradOutput)

  def criterionForward(
      c: ferrodl.nn.abstractnn.AbstractCriterion,
      input: ferrodl.nn.abstractnn.Activity,
      target: ferrodl.nn.abstractnn.Activity
  ): Double = c.forward(input, target).toDouble

  def criterionBackward(
      c: ferrodl.nn.abstractnn.AbstractCriterion,
      input: ferrodl.nn.abstractnn.Activity,
      target: ferrodl.nn.abstractnn.Activity
  ): ferrodl.nn.abstractnn.Activity = c.backward(input, target)

  /** An activity as `[little-endian floats, little-endian int32 layout]`. */
  def encodeActivity(a: ferrodl.nn.abstractnn.Activity): Array[Array[Byte]] = {
    val (data, layout) = ferrodl.engine.ActivityCodec.encode(a)
    val l = ByteBuffer.allocate(4 * layout.length).order(ByteOrder.LITTLE_ENDIAN)
    layout.foreach(v => l.putInt(v))
    Array(floatsToBytes(data), l.array())
  }

  /** A function of the (1-based) epoch from its values for epochs 1..n; the last value holds after. */
  def epochFunction(values: Array[Double]): Int => Double = {
    require(values.nonEmpty, "an epoch function needs at least one value")
    (e: Int) => values(math.min(math.max(e, 1), values.length) - 1)
  }

  /** `setOptimMethods` from Python: a Java map (dict) of submodule names to methods. */
  def setOptimMethods(
      optimizer: ferrodl.optim.Optimizer,
      methods: java.util.Map[String, ferrodl.optim.OptimMethod]
  ): ferrodl.optim.Optimizer = {
    val it = methods.entrySet().iterator()
    optimizer.setOptimMethods(
      Iterator.continually(it).takeWhile(_.hasNext).map(_.next()).map(e => e.getKey -> e.getValue).toMap
    )
  }

  /** A Scala `Map[String, Double]` from a Java map (Python dict). */
  def doubleMap(m: java.util.Map[String, java.lang.Double]): Map[String, Double] = {
    val it = m.entrySet().iterator()
    Iterator.continually(it).takeWhile(_.hasNext).map(_.next()).map(e => e.getKey -> e.getValue.doubleValue).toMap
  }

  /** Scala's `Option` for a value that may be null (Python's None). */
  def option(value: AnyRef): Option[AnyRef] = Option(value)

  /**
   * The public classes of the Scala API a Python user works with: modules, criterions,
   * optimisation methods, schedules, triggers' factory, metrics, regularisers and summaries.
   */
  def scalaApiClasses(): Array[String] = ApiClasses.list()
}
