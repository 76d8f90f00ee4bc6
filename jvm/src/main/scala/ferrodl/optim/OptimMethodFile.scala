package ferrodl.optim

import java.io.{ByteArrayOutputStream, DataOutputStream}
import java.nio.charset.StandardCharsets
import java.util.zip.CRC32

import ferrodl.nn.{SpecAttr, SpecNode}
import ferrodl.utils.{ByteReader, CorruptDataException, FileIO}

/**
 * A saved optimisation method: hyper-parameters and schedule, the engine's state (step count,
 * moments) and the driver's training progress, with a CRC-32.
 *
 * {{{
 * file := "FDLP" version:u16 spec:bytes hasState:u8 [state:bytes]
 *         hasProgress:u8 [epoch:i32 iteration:i32 records:i64 seed:i64 loss:f64 score:f64 bestScore:f64 epochFinished:u8]
 *         crc32:u32
 * }}}
 */
object OptimMethodFile {
  val Magic: Array[Byte] = "FDLP".getBytes(StandardCharsets.US_ASCII)
  val Version: Int = 1

  def encode(method: OptimMethod): Array[Byte] = {
    val bytes = new ByteArrayOutputStream()
    val out = new DataOutputStream(bytes)
    out.write(Magic)
    out.writeShort(Version)
    val spec = method.toSpec().encode()
    out.writeInt(spec.length)
    out.write(spec)
    Option(method.state) match {
      case Some(s) => out.writeByte(1); out.writeInt(s.length); out.write(s)
      case None => out.writeByte(0)
    }
    Option(method.progress) match {
      case Some(p) =>
        out.writeByte(1)
        out.writeInt(p.epoch)
        out.writeInt(p.iteration)
        out.writeLong(p.recordsThisEpoch)
        out.writeLong(p.seed)
        out.writeDouble(p.loss)
        out.writeDouble(p.score)
        out.writeDouble(p.bestScore)
        out.writeByte(if (p.epochFinished) 1 else 0)
      case None => out.writeByte(0)
    }
    out.flush()
    val crc = new CRC32()
    crc.update(bytes.toByteArray)
    out.writeInt(crc.getValue.toInt)
    out.flush()
    bytes.toByteArray
  }

  def decode(bytes: Array[Byte], what: String): OptimMethod = {
    val in = new ByteReader(bytes, what)
    in.magic(Magic)
    val v = in.u16("version")
    if (v > Version) in.fail(s"written by a newer ferrodl (format version $v, this one reads up to $Version)")
    val spec = SpecNode.decode(in.bytes("method description"), s"$what (method description)")
    val state = if (in.u8("state flag") == 1) in.bytes("method state") else null
    val progress =
      if (in.u8("progress flag") == 1) {
        TrainingProgress(
          epoch = in.int("epoch"),
          iteration = in.int("iteration"),
          recordsThisEpoch = in.long("records"),
          seed = in.long("seed"),
          loss = in.double("loss"),
          score = in.double("score"),
          bestScore = in.double("bestScore"),
          epochFinished = in.u8("epochFinished") == 1
        )
      } else null
    in.int("checksum")
    in.end()
    val crc = new CRC32()
    crc.update(bytes, 0, bytes.length - 4)
    val stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt
    if (stored != crc.getValue.toInt) throw new CorruptDataException(s"$what: checksum mismatch")
    val m = new SpecOptimMethod(spec)
    m.state = state
    m.progress = progress
    m
  }
}

/** A method rebuilt from a saved description (`OptimMethod.load`). */
final class SpecOptimMethod(spec: SpecNode) extends OptimMethod {
  override protected def kind: String = spec.kind
  override protected def attrs: Seq[(String, SpecAttr)] = spec.attrs
  override def toSpec(extra: Seq[(String, SpecAttr)]): SpecNode =
    spec.copy(
      attrs = spec.attrs ++ extra,
      children = Option(getLearningRateSchedule).map(s => Seq(s.toSpec)).getOrElse(spec.children)
    )
}
