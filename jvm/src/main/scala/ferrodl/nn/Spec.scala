package ferrodl.nn

import java.io.{ByteArrayOutputStream, DataOutputStream}
import java.nio.charset.StandardCharsets

/** An attribute of a model description. */
sealed trait SpecAttr

object SpecAttr {
  final case class Ints(values: Seq[Long]) extends SpecAttr
  final case class Floats(values: Seq[Double]) extends SpecAttr
  final case class Str(value: String) extends SpecAttr

  def int(v: Long): SpecAttr = Ints(Seq(v))
  def bool(v: Boolean): SpecAttr = Ints(Seq(if (v) 1L else 0L))
  def ints(v: Seq[Int]): SpecAttr = Ints(v.map(_.toLong))
  def floats(v: Seq[Double]): SpecAttr = Floats(v)
}

/** A module or criterion as the engine builds it: type, name, arguments, children. */
final case class SpecNode(kind: String, name: String, attrs: Seq[(String, SpecAttr)], children: Seq[SpecNode]) {

  /** The binary encoding the native engine decodes (see `native/core/src/spec/codec.rs`). */
  def encode(): Array[Byte] = {
    val bytes = new ByteArrayOutputStream()
    val out = new DataOutputStream(bytes)
    out.write(SpecNode.Magic)
    out.writeShort(SpecNode.Version)
    write(out)
    out.flush()
    bytes.toByteArray
  }

  private def write(out: DataOutputStream): Unit = {
    SpecNode.writeStr(out, kind)
    SpecNode.writeStr(out, name)
    out.writeShort(attrs.length)
    attrs.foreach { case (key, attr) =>
      SpecNode.writeStr(out, key)
      attr match {
        case SpecAttr.Ints(v) =>
          out.writeByte('i'); out.writeInt(v.length); v.foreach(out.writeLong)
        case SpecAttr.Floats(v) =>
          out.writeByte('f'); out.writeInt(v.length); v.foreach(out.writeDouble)
        case SpecAttr.Str(s) =>
          out.writeByte('s'); SpecNode.writeStr(out, s)
      }
    }
    out.writeShort(children.length)
    children.foreach(_.write(out))
  }
}

object SpecNode {
  val Magic: Array[Byte] = "FDLS".getBytes(StandardCharsets.US_ASCII)
  val Version: Int = 1

  private def writeStr(out: DataOutputStream, s: String): Unit = {
    val b = s.getBytes(StandardCharsets.UTF_8)
    require(b.length <= 65535, s"string too long for a model description: ${b.length} bytes")
    out.writeShort(b.length)
    out.write(b)
  }
}
