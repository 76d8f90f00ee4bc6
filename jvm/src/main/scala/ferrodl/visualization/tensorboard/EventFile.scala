package ferrodl.visualization.tensorboard

import java.io.{DataInputStream, EOFException, InputStream, OutputStream}
import java.nio.{ByteBuffer, ByteOrder}
import java.util.zip.CRC32C

import ferrodl.utils.{CorruptDataException, FileIO}
import org.apache.hadoop.fs.Path

/**
 * TensorFlow's record framing, as TensorBoard reads event files:
 * `length:u64le  masked_crc32c(length):u32le  data  masked_crc32c(data):u32le`.
 */
private[visualization] object TFRecord {

  def maskedCrc(b: Array[Byte], off: Int, len: Int): Int = {
    val c = new CRC32C()
    c.update(b, off, len)
    val crc = c.getValue.toInt
    ((crc >>> 15) | (crc << 17)) + 0xa282ead8
  }

  def frame(data: Array[Byte]): Array[Byte] = {
    val b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN)
    b.putLong(data.length.toLong)
    b.putInt(maskedCrc(b.array(), 0, 8))
    b.put(data)
    b.putInt(maskedCrc(data, 0, data.length))
    b.array()
  }

  /** The records of a stream; a truncated last record (a writer still running) ends the stream. */
  def read(in: InputStream, what: String): Iterator[Array[Byte]] = new Iterator[Array[Byte]] {
    private val din = new DataInputStream(in)
    private var nextRecord: Array[Byte] = fetch()

    private def fetch(): Array[Byte] =
      try {
        val header = new Array[Byte](12)
        din.readFully(header)
        val hb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN)
        val len = hb.getLong(0)
        if (hb.getInt(8) != maskedCrc(header, 0, 8))
          throw new CorruptDataException(s"$what: bad record length checksum")
        if (len < 0 || len > (64 << 20)) throw new CorruptDataException(s"$what: record of $len bytes")
        val data = new Array[Byte](len.toInt)
        din.readFully(data)
        val crc = new Array[Byte](4)
        din.readFully(crc)
        if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt != maskedCrc(data, 0, data.length)) {
          throw new CorruptDataException(s"$what: bad record data checksum")
        }
        data
      } catch { case _: EOFException => null }

    override def hasNext: Boolean = nextRecord != null

    override def next(): Array[Byte] = {
      val r = nextRecord
      nextRecord = fetch()
      r
    }
  }
}

/**
 * One TensorBoard event file, `events.out.tfevents.<seconds>.<host>` in `dir`, written through
 * Hadoop's FileSystem API and flushed after every event so that TensorBoard sees progress live.
 */
private[visualization] final class EventWriter(dir: String) extends AutoCloseable {
  private val out: OutputStream = {
    val (fs, d) = FileIO.fileSystem(dir)
    fs.mkdirs(d)
    val host = java.net.InetAddress.getLocalHost.getHostName
    val name = s"events.out.tfevents.${System.currentTimeMillis() / 1000}.$host.${java.util.UUID.randomUUID()}"
    fs.create(new Path(d, name), false)
  }
  write(new ProtoWriter().double(1, System.currentTimeMillis() / 1000.0).string(3, "brain.Event:2"))

  private def write(event: ProtoWriter): Unit = synchronized {
    out.write(TFRecord.frame(event.toByteArray))
    out.flush()
  }

  /** Writes `values` (each a `Summary.Value`) as one event at `step`. */
  def addSummary(step: Long, values: Seq[ProtoWriter], wallTime: Double): Unit = {
    val summary = new ProtoWriter()
    values.foreach(v => summary.message(1, v))
    write(new ProtoWriter().double(1, wallTime).int64(2, step).message(5, summary))
  }

  override def close(): Unit = synchronized(out.close())
}

private[visualization] object EventWriter {

  def scalar(tag: String, value: Float): ProtoWriter = new ProtoWriter().string(1, tag).float(2, value)

  /** TensorFlow's default bucket edges: ±1e-12·1.1^k up to 1e20, around 0. */
  private val limits: Array[Double] = {
    val pos = Iterator.iterate(1e-12)(_ * 1.1).takeWhile(_ < 1e20).toArray
    pos.reverse.map(-_) ++ Array(0.0) ++ pos ++ Array(Double.MaxValue)
  }

  /** A `HistogramProto` of `values`, with runs of empty buckets merged as TensorFlow does. */
  def histogram(tag: String, values: Array[Float]): ProtoWriter = {
    val counts = new Array[Double](limits.length)
    var (min, max, sum, sumSq) = (Double.MaxValue, -Double.MaxValue, 0.0, 0.0)
    values.foreach { f =>
      val v = f.toDouble
      var i = java.util.Arrays.binarySearch(limits, v)
      i = if (i >= 0) i + 1 else -i - 1
      counts(math.min(i, limits.length - 1)) += 1
      min = math.min(min, v); max = math.max(max, v); sum += v; sumSq += v * v
    }
    val edges = Seq.newBuilder[Double]
    val buckets = Seq.newBuilder[Double]
    var i = 0
    while (i < limits.length) {
      var end = limits(i)
      val count = counts(i)
      i += 1
      if (count <= 0) while (i < limits.length && counts(i) <= 0) { end = limits(i); i += 1 }
      edges += end
      buckets += count
    }
    val h = new ProtoWriter()
      .double(1, if (values.isEmpty) 0 else min)
      .double(2, if (values.isEmpty) 0 else max)
      .double(3, values.length.toDouble)
      .double(4, sum)
      .double(5, sumSq)
      .packedDoubles(6, edges.result())
      .packedDoubles(7, buckets.result())
    new ProtoWriter().string(1, tag).message(5, h)
  }
}
