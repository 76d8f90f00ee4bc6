package ferrodl.utils

import java.nio.{ByteBuffer, ByteOrder}
import java.nio.charset.StandardCharsets

/** Thrown when a file or description is truncated or corrupt; says what and where. */
class CorruptDataException(message: String) extends java.io.IOException(message)

/**
 * Big-endian reads (as `DataOutputStream` writes) that check every length against the bytes
 * left before allocating, so a truncated or hostile file gives a clear exception, never a huge
 * allocation. `what` names the file in messages.
 */
final class ByteReader(bytes: Array[Byte], what: String) {
  private val buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN)

  def position: Int = buf.position()

  def remaining: Int = buf.remaining()

  def fail(message: String): Nothing = throw new CorruptDataException(s"$what: $message (at byte $position)")

  private def need(n: Long, field: String): Unit =
    if (n > buf.remaining()) fail(s"truncated: $field needs $n bytes, ${buf.remaining()} left")

  def magic(expected: Array[Byte]): Unit = {
    need(expected.length.toLong, "the magic number")
    val got = new Array[Byte](expected.length)
    buf.get(got)
    if (!java.util.Arrays.equals(got, expected)) {
      fail(
        s"not a ${new String(expected, StandardCharsets.US_ASCII)} file (starts with ${got.map("%02x".format(_)).mkString})"
      )
    }
  }

  def u8(field: String): Int = { need(1, field); buf.get() & 0xff }

  def u16(field: String): Int = { need(2, field); buf.getShort() & 0xffff }

  def int(field: String): Int = { need(4, field); buf.getInt() }

  def long(field: String): Long = { need(8, field); buf.getLong() }

  def double(field: String): Double = { need(8, field); buf.getDouble() }

  /** A non-negative count of elements of `elemSize` bytes that must fit in what is left. */
  def count(field: String, elemSize: Int): Int = {
    val n = int(field)
    if (n < 0) fail(s"$field has negative length $n")
    need(n.toLong * elemSize, s"$field ($n elements)")
    n
  }

  def bytes(field: String): Array[Byte] = {
    val n = count(field, 1)
    val b = new Array[Byte](n)
    buf.get(b)
    b
  }

  def floats(field: String): Array[Float] = {
    val n = count(field, 4)
    val f = new Array[Float](n)
    buf.asFloatBuffer().get(f)
    buf.position(buf.position() + 4 * n)
    f
  }

  def doubles(field: String, n: Int): Array[Double] = {
    need(8L * n, field)
    Array.fill(n)(buf.getDouble())
  }

  def longs(field: String, n: Int): Array[Long] = {
    need(8L * n, field)
    Array.fill(n)(buf.getLong())
  }

  def str(field: String): String = {
    val n = u16(field)
    need(n.toLong, field)
    val b = new Array[Byte](n)
    buf.get(b)
    new String(b, StandardCharsets.UTF_8)
  }

  def end(): Unit = if (buf.remaining() != 0) fail(s"${buf.remaining()} unexpected bytes after the end")
}
