package ferrodl.nn

import java.io.{ByteArrayOutputStream, DataOutputStream}
import java.nio.charset.StandardCharsets
import java.util.zip.CRC32

import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.ModelState
import ferrodl.utils.{ByteReader, CorruptDataException, FileIO}

/**
 * A saved model: its description, flat weights and flat buffers, with a CRC-32 of the whole.
 *
 * {{{
 * file := "FDLM" version:u16 spec:bytes weights:floats buffers:floats crc32:u32
 * bytes := n:i32 u8*n ; floats := n:i32 f32*n (big-endian)
 * }}}
 * Loading checks the checksum and every length before building anything; the engine then
 * checks the weight count against the description.
 */
object ModelFile {
  val Magic: Array[Byte] = "FDLM".getBytes(StandardCharsets.US_ASCII)
  val Version: Int = 1

  def encode(spec: SpecNode, state: ModelState): Array[Byte] = {
    val bytes = new ByteArrayOutputStream()
    val out = new DataOutputStream(bytes)
    out.write(Magic)
    out.writeShort(Version)
    val s = spec.encode()
    out.writeInt(s.length)
    out.write(s)
    writeFloats(out, state.weights)
    writeFloats(out, state.buffers)
    out.flush()
    val crc = new CRC32()
    crc.update(bytes.toByteArray)
    out.writeInt(crc.getValue.toInt)
    out.flush()
    bytes.toByteArray
  }

  private[ferrodl] def writeFloats(out: DataOutputStream, a: Array[Float]): Unit = {
    out.writeInt(a.length)
    val b = java.nio.ByteBuffer.allocate(4 * a.length)
    b.asFloatBuffer().put(a)
    out.write(b.array())
  }

  def decode(bytes: Array[Byte], what: String): (SpecNode, ModelState) = {
    val in = new ByteReader(bytes, what)
    in.magic(Magic)
    val v = in.u16("version")
    if (v > Version) in.fail(s"written by a newer ferrodl (format version $v, this one reads up to $Version)")
    if (bytes.length < 4 + 2 + 4) in.fail("truncated: no checksum")
    val crc = new CRC32()
    crc.update(bytes, 0, bytes.length - 4)
    val stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt
    val spec = SpecNode.decode(in.bytes("model description"), s"$what (model description)")
    val weights = in.floats("weights")
    val buffers = in.floats("buffers")
    in.int("checksum")
    in.end()
    if (stored != crc.getValue.toInt) {
      throw new CorruptDataException(
        f"$what: checksum mismatch (stored $stored%08x, computed ${crc.getValue.toInt}%08x)"
      )
    }
    (spec, ModelState(weights, buffers))
  }

  def save(model: AbstractModule, path: String, overWrite: Boolean): Unit =
    FileIO.writeAtomically(path, encode(model.toSpec, model.getState()), overWrite)

  def load(path: String): AbstractModule = {
    val (spec, state) = decode(FileIO.readAll(path), path)
    new SpecModule(spec).setState(state)
  }
}

/**
 * A module rebuilt from a saved description: it trains, predicts and saves like the original,
 * but is not an instance of the original Scala class.
 */
final class SpecModule(spec: SpecNode) extends AbstractModule {
  if (spec.name.nonEmpty) setName(spec.name)
  override protected def kind: String = spec.kind
  override protected def attrs: Seq[(String, SpecAttr)] = spec.attrs
  override def toSpec: SpecNode = spec.copy(name = Option(getNameOrNull).getOrElse(""))
  override def describe(): String = SpecModule.describe(spec, "")
}

object SpecModule {
  private def describe(s: SpecNode, indent: String): String = {
    val args = s.attrs.map {
      case (k, SpecAttr.Ints(v)) => s"$k=${v.mkString(",")}"
      case (k, SpecAttr.Floats(v)) => s"$k=${v.mkString(",")}"
      case (k, SpecAttr.Str(v)) => s"$k=$v"
    }
    val head = if (args.isEmpty) s.kind else s"${s.kind}(${args.mkString(", ")})"
    if (s.children.isEmpty) head
    else (head +: s.children.map(c => s"$indent  " + describe(c, indent + "  "))).mkString("\n")
  }
}

/** BigDL's entry points for saved models. */
object Module {

  /** Loads a model written by `saveModule`/`save` (local path or any Hadoop file system). */
  def loadModule(path: String): AbstractModule = ModelFile.load(path)

  /** BigDL's older name for `loadModule`. */
  def load(path: String): AbstractModule = ModelFile.load(path)

  /** Imports an ONNX model (see docs/onnx.md): an ordinary ferrodl model that trains. */
  def loadONNX(path: String): AbstractModule = Onnx.load(path)
}
