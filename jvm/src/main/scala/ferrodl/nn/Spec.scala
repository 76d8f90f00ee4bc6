package ferrodl.nn

import java.io.{ByteArrayOutputStream, DataOutputStream}
import java.nio.charset.StandardCharsets

import ferrodl.utils.ByteReader

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

  private val MaxDepth = 256

  /** Decodes what `encode` wrote, checking every length; corrupt input gives a clear exception. */
  def decode(bytes: Array[Byte], what: String = "model description"): SpecNode = {
    val in = new ByteReader(bytes, what)
    in.magic(Magic)
    val v = in.u16("version")
    if (v != Version) in.fail(s"version $v, this ferrodl reads version $Version")
    val node = read(in, 0)
    in.end()
    node
  }

  private def read(in: ByteReader, depth: Int): SpecNode = {
    if (depth > MaxDepth) in.fail("module tree nested too deeply")
    val kind = in.str("layer type")
    val name = in.str("layer name")
    val attrs = Seq.fill(in.u16("attribute count")) {
      val key = in.str("attribute name")
      val attr: SpecAttr = in.u8("attribute tag") match {
        case 'i' => SpecAttr.Ints(in.longs(key, in.count(key, 8)).toSeq)
        case 'f' => SpecAttr.Floats(in.doubles(key, in.count(key, 8)).toSeq)
        case 's' => SpecAttr.Str(in.str(key))
        case t => in.fail(s"attribute $key of $kind has unknown tag $t")
      }
      key -> attr
    }
    val children = Seq.fill(in.u16("child count"))(read(in, depth + 1))
    SpecNode(kind, name, attrs, children)
  }

  private def writeStr(out: DataOutputStream, s: String): Unit = {
    val b = s.getBytes(StandardCharsets.UTF_8)
    require(b.length <= 65535, s"string too long for a model description: ${b.length} bytes")
    out.writeShort(b.length)
    out.write(b)
  }
}
