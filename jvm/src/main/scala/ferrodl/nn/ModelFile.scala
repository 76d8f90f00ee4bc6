package ferrodl.nn

import java.nio.charset.StandardCharsets
import java.util.zip.CRC32

import ferrodl.engine.Native
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.ModelState
import ferrodl.utils.{ByteReader, CorruptDataException, FileIO}

/**
 * A saved model in the native model file (docs/model-format.md): a FlatBuffers file the engine
 * writes and verifies, holding the description as tables, the flat weights with per-tensor
 * names and shapes, the buffers, optional optimiser state, metadata and a CRC-32 of the payload.
 * Files of the older JVM format `FDLM` (version 1) still load.
 *
 * Every failure to load is a [[CorruptDataException]] naming the file and what is wrong
 * ("truncated at byte N", "checksum mismatch", "unknown layer type 'X'", "weight count M does
 * not match the graph's N", features a newer ferrodl requires).
 */
object ModelFile {

  /** The magic of the old JVM-encoded format, still read. */
  val LegacyMagic: Array[Byte] = "FDLM".getBytes(StandardCharsets.US_ASCII)

  /** The FlatBuffers file identifier of the native format (bytes 4 to 8). */
  val Identifier: Array[Byte] = "FDLF".getBytes(StandardCharsets.US_ASCII)

  /** What a model file holds, decoded. `spec` is empty for a weights-only file. */
  final case class Contents(
      spec: Option[SpecNode],
      state: ModelState,
      optimState: Option[Array[Byte]],
      ferrodlVersion: String,
      createdUnixMs: Long,
      tags: Map[String, String]
  )

  private def tagsSpec(tags: Map[String, String]): Array[Byte] =
    SpecNode("Tags", "", tags.toSeq.sortBy(_._1).map { case (k, v) => k -> (SpecAttr.Str(v): SpecAttr) }, Nil)
      .encode()

  /** A model file of `spec` with its state, optionally the optimiser's state and user tags. */
  def encode(
      spec: SpecNode,
      state: ModelState,
      optimState: Option[Array[Byte]] = None,
      tags: Map[String, String] = Map.empty
  ): Array[Byte] =
    Native.modelFileEncode(
      spec.encode(),
      state.weights,
      state.buffers,
      optimState.getOrElse(Array.emptyByteArray),
      tagsSpec(tags),
      false
    )

  /** A weights-only file (`saveWeights`): the tensors of `spec`, named by path, without it. */
  def encodeWeights(spec: SpecNode, state: ModelState): Array[Byte] =
    Native.modelFileEncode(spec.encode(), state.weights, state.buffers, Array.emptyByteArray, tagsSpec(Map.empty), true)

  private def isLegacy(bytes: Array[Byte]): Boolean =
    bytes.length >= 4 && java.util.Arrays.equals(bytes.take(4), LegacyMagic)

  /** Runs a native read, turning the engine's errors into a [[CorruptDataException]] naming `what`. */
  private def checked[A](what: String)(f: => A): A =
    try f
    catch {
      case e @ (_: ferrodl.FerrodlException | _: IllegalArgumentException) =>
        // No cause: callers (py4j) report the root cause's class, and this is the one to report.
        throw new CorruptDataException(s"$what: ${e.getMessage}")
    }

  /** Everything a file holds, checked (the old `FDLM` format too, without metadata). */
  def read(bytes: Array[Byte], what: String): Contents =
    if (isLegacy(bytes)) {
      val (spec, state) = decodeV1(bytes, what)
      Contents(Some(spec), state, None, "", 0L, Map.empty)
    } else
      checked(what) {
        if (bytes.length >= 8 && !java.util.Arrays.equals(bytes.slice(4, 8), Identifier)) {
          throw new CorruptDataException(s"$what: not a ferrodl model file (neither FDLF nor the older FDLM)")
        }
        val specBytes = Native.modelFileBytes(bytes, 0)
        val spec = if (specBytes.isEmpty) None else Some(SpecNode.decode(specBytes, s"$what (model description)"))
        val optim = Native.modelFileBytes(bytes, 1)
        val meta = SpecNode.decode(Native.modelFileBytes(bytes, 2), s"$what (metadata)")
        val attrs = meta.attrs.toMap
        Contents(
          spec,
          ModelState(Native.modelFileFloats(bytes, false), Native.modelFileFloats(bytes, true)),
          if (optim.isEmpty) None else Some(optim),
          attrs.get("ferrodlVersion").collect { case SpecAttr.Str(v) => v }.getOrElse(""),
          attrs.get("createdUnixMs").collect { case SpecAttr.Ints(v) if v.nonEmpty => v.head }.getOrElse(0L),
          meta.children
            .map(t => t.name -> t.attrs.collectFirst { case ("value", SpecAttr.Str(v)) => v }.getOrElse(""))
            .toMap
        )
      }

  /** The description and state of a model file (either format). */
  def decode(bytes: Array[Byte], what: String): (SpecNode, ModelState) = {
    val c = read(bytes, what)
    val spec = c.spec.getOrElse(
      throw new CorruptDataException(s"$what: a weights-only file (saveWeights) holds no model; use loadWeights")
    )
    (spec, c.state)
  }

  /** The old JVM format: "FDLM" version:u16 spec:bytes weights:floats buffers:floats crc32:u32. */
  private def decodeV1(bytes: Array[Byte], what: String): (SpecNode, ModelState) = {
    val in = new ByteReader(bytes, what)
    in.magic(LegacyMagic)
    val v = in.u16("version")
    if (v != 1) in.fail(s"unknown FDLM version $v")
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

  /** Writes `model`'s weights and buffers, named by layer path, without its description. */
  def saveWeights(model: AbstractModule, path: String, overWrite: Boolean): Unit =
    FileIO.writeAtomically(path, encodeWeights(model.toSpec, model.getState()), overWrite)

  /**
   * Loads weights written by `saveWeights` (or a whole model file) into `model`: every tensor
   * must be in the file under the same layer path with the same shape; buffers load when the
   * file has the model's number of them.
   */
  def loadWeights(model: AbstractModule, path: String): Unit = {
    val bytes = FileIO.readAll(path)
    if (isLegacy(bytes)) {
      model.setState(decodeV1(bytes, path)._2)
    } else {
      val weights = checked(path)(Native.modelFileWeightsFor(model.toSpec.encode(), bytes))
      val buffers = checked(path)(Native.modelFileFloats(bytes, true))
      model.setWeightsArray(weights)
      if (buffers.length == model.getBuffersArray().length) model.setBuffersArray(buffers)
      else if (buffers.nonEmpty) {
        throw new CorruptDataException(
          s"$path: ${buffers.length} buffers in the file, the model has ${model.getBuffersArray().length}"
        )
      }
    }
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
