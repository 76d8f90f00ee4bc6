package ferrodl.visualization.tensorboard

import java.io.ByteArrayOutputStream
import java.nio.{ByteBuffer, ByteOrder}
import java.nio.charset.StandardCharsets

import ferrodl.utils.CorruptDataException

/** The few protocol-buffer wire types TensorBoard's `Event` needs, written and read by hand. */
private[visualization] final class ProtoWriter {
  private val out = new ByteArrayOutputStream()

  private def varint(v: Long): Unit = {
    var x = v
    while ((x & ~0x7fL) != 0) { out.write(((x & 0x7f) | 0x80).toInt); x >>>= 7 }
    out.write(x.toInt)
  }

  private def tag(field: Int, wire: Int): Unit = varint((field.toLong << 3) | wire)

  private def fixed(v: Long, n: Int): Unit = {
    var i = 0
    while (i < n) { out.write(((v >>> (8 * i)) & 0xff).toInt); i += 1 }
  }

  def int64(field: Int, v: Long): this.type = { tag(field, 0); varint(v); this }

  def double(field: Int, v: Double): this.type = { tag(field, 1); fixed(java.lang.Double.doubleToLongBits(v), 8); this }

  def float(field: Int, v: Float): this.type = {
    tag(field, 5); fixed(java.lang.Float.floatToIntBits(v).toLong, 4); this
  }

  def bytes(field: Int, b: Array[Byte]): this.type = { tag(field, 2); varint(b.length.toLong); out.write(b); this }

  def string(field: Int, s: String): this.type = bytes(field, s.getBytes(StandardCharsets.UTF_8))

  def message(field: Int, m: ProtoWriter): this.type = bytes(field, m.toByteArray)

  def packedDoubles(field: Int, vs: Seq[Double]): this.type = {
    val b = ByteBuffer.allocate(8 * vs.length).order(ByteOrder.LITTLE_ENDIAN)
    vs.foreach(b.putDouble)
    bytes(field, b.array())
  }

  def toByteArray: Array[Byte] = out.toByteArray
}

/** Reads the fields of one message: (field number, value), where value is a Long or bytes. */
private[visualization] object ProtoReader {
  sealed trait Value
  final case class Varint(v: Long) extends Value
  final case class Fixed64(v: Long) extends Value
  final case class Fixed32(v: Int) extends Value
  final case class Bytes(b: Array[Byte]) extends Value

  def fields(buf: Array[Byte]): Seq[(Int, Value)] = {
    val in = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN)
    def varint(): Long = {
      var shift = 0
      var result = 0L
      var b = 0x80
      while ((b & 0x80) != 0) {
        if (!in.hasRemaining || shift > 63) throw new CorruptDataException("bad protobuf varint")
        b = in.get() & 0xff
        result |= (b & 0x7fL) << shift
        shift += 7
      }
      result
    }
    val out = Seq.newBuilder[(Int, Value)]
    while (in.hasRemaining) {
      val key = varint()
      val field = (key >>> 3).toInt
      val value = (key & 7).toInt match {
        case 0 => Varint(varint())
        case 1 => need(in, 8); Fixed64(in.getLong())
        case 5 => need(in, 4); Fixed32(in.getInt())
        case 2 =>
          val n = varint()
          if (n < 0 || n > in.remaining()) throw new CorruptDataException(s"protobuf field $field overruns its message")
          val b = new Array[Byte](n.toInt)
          in.get(b)
          Bytes(b)
        case w => throw new CorruptDataException(s"unsupported protobuf wire type $w")
      }
      out += field -> value
    }
    out.result()
  }

  private def need(in: ByteBuffer, n: Int): Unit =
    if (in.remaining() < n) throw new CorruptDataException("truncated protobuf field")
}
