package ferrodl.nn

import java.io.{ByteArrayOutputStream, DataOutputStream}
import java.nio.file.{Files, Path}
import java.util.zip.CRC32

import ferrodl.optim.ModelState
import ferrodl.tensor.Tensor
import ferrodl.utils.CorruptDataException
import org.junit.Assert._
import org.junit.Test

/** The native model file from Scala: save/load, weights files, tags, old FDLM files, errors. */
class ModelFileTest {

  private def lenet(): Sequential =
    Sequential()
      .add(Reshape(Array(1, 8, 8)))
      .add(SpatialConvolution(1, 4, 3, 3))
      .add(SpatialBatchNormalization(4))
      .add(ReLU())
      .add(SpatialMaxPooling(2, 2, 2, 2))
      .add(Reshape(Array(4 * 3 * 3)))
      .add(Linear(36, 10))
      .add(LogSoftMax())

  private val x = Tensor(Array.tabulate(2 * 64)(i => ((i * 37) % 11) * 0.1f - 0.5f), Array(2, 64))

  /** A model whose running statistics moved off their initial values. */
  private def trained(): Sequential = {
    val m = lenet()
    m.training()
    m.forward(x)
    m.evaluate()
    // The engine keeps running statistics in f64 and exposes them as f32, as files hold them:
    // the reference model runs on the f32 values too.
    m.setBuffersArray(m.getBuffersArray())
  }

  private def dir(): Path = Files.createTempDirectory("ferrodl-modelfile")

  @Test def saveAndLoadGiveTheSameOutputsOnLocalPathsAndFileUris(): Unit = {
    val m = trained()
    val y = m.forward(x).storage
    for (path <- Seq(dir().resolve("m.fdl").toString, dir().resolve("m.fdl").toUri.toString)) {
      m.saveModule(path)
      val back = Module.loadModule(path)
      assertArrayEquals(m.getWeightsArray(), back.getWeightsArray(), 0f)
      assertArrayEquals(m.getBuffersArray(), back.getBuffersArray(), 0f)
      back.evaluate()
      assertArrayEquals(path, y, back.forward(x).storage, 0f)
      assertThrows(classOf[java.io.IOException], () => m.saveModule(path))
      m.save(path, overWrite = true)
      assertArrayEquals(y, Module.load(path).evaluate().forward(x).storage, 0f)
    }
  }

  @Test def weightsFilesLoadByNameAndShape(): Unit = {
    val m = trained()
    val path = dir().resolve("w.fdl").toUri.toString
    m.saveWeights(path)
    val fresh = lenet()
    assertFalse(java.util.Arrays.equals(m.getWeightsArray(), fresh.getWeightsArray()))
    fresh.loadWeights(path).evaluate()
    assertArrayEquals(m.getWeightsArray(), fresh.getWeightsArray(), 0f)
    assertArrayEquals(m.evaluate().forward(x).storage, fresh.forward(x).storage, 0f)
    // A model file is not a weights file's reader's problem: it loads weights too.
    val whole = dir().resolve("m.fdl").toString
    m.saveModule(whole)
    assertArrayEquals(m.getWeightsArray(), lenet().loadWeights(whole).getWeightsArray(), 0f)
    // A weights-only file is not a model.
    val e = assertThrows(classOf[CorruptDataException], () => Module.loadModule(path))
    assertTrue(e.getMessage, e.getMessage.contains("weights-only"))
    // Another structure: the tensor and both shapes are named.
    val other = Sequential().add(Linear(64, 10)).add(LogSoftMax())
    val w = assertThrows(classOf[CorruptDataException], () => other.loadWeights(path))
    assertTrue(w.getMessage, w.getMessage.contains("is not in the file"))
    val wider = Sequential()
      .add(Reshape(Array(1, 8, 8)))
      .add(SpatialConvolution(1, 5, 3, 3))
      .add(SpatialBatchNormalization(5))
      .add(ReLU())
      .add(SpatialMaxPooling(2, 2, 2, 2))
      .add(Reshape(Array(5 * 3 * 3)))
      .add(Linear(45, 10))
      .add(LogSoftMax())
    val s = assertThrows(classOf[CorruptDataException], () => wider.loadWeights(path))
    assertTrue(
      s.getMessage,
      s.getMessage.contains(
        "tensor 'Sequential#0/SpatialConvolution#1/weight' has shape [1, 4, 1, 3, 3] in the file, the model needs [1, 5, 1, 3, 3]"
      )
    )
  }

  @Test def tagsOptimiserStateAndMetadataRoundTrip(): Unit = {
    val m = trained()
    val bytes = ModelFile.encode(m.toSpec, m.getState(), Some(Array[Byte](1, 2, 3)), Map("team" -> "vision"))
    val c = ModelFile.read(bytes, "mem")
    assertEquals(Map("team" -> "vision"), c.tags)
    assertArrayEquals(Array[Byte](1, 2, 3), c.optimState.get)
    assertTrue(c.ferrodlVersion, c.ferrodlVersion.matches("[0-9]+[.][0-9]+[.][0-9]+.*"))
    assertTrue(c.createdUnixMs > 1600000000000L)
    assertEquals("FDLF", new String(bytes.slice(4, 8), "US-ASCII"))
  }

  @Test def brokenFilesSayWhatIsWrong(): Unit = {
    val bytes = ModelFile.encode(Linear(3, 2).toSpec, Linear(3, 2).getState())
    def fails(b: Array[Byte]): String =
      assertThrows(classOf[CorruptDataException], () => ModelFile.read(b, "bad.fdl")).getMessage
    val t = fails(bytes.take(bytes.length / 2))
    assertTrue(t, t.startsWith("bad.fdl: ") && t.contains("truncated at byte"))
    val flipped = bytes.clone()
    flipped(bytes.length - 10) = (flipped(bytes.length - 10) ^ 0x40).toByte
    assertTrue(fails(flipped).contains("checksum mismatch"))
    assertTrue(fails("hello, world".getBytes("UTF-8")).contains("not a ferrodl model file"))
    assertTrue(fails(Array[Byte](1, 2)).contains("truncated at byte 2"))
  }

  /** The format ModelFile.scala wrote before the native file: users' checkpoints still load. */
  @Test def oldFdlmFilesStillLoad(): Unit = {
    val m = trained()
    val state = m.getState()
    val bytes = new ByteArrayOutputStream()
    val out = new DataOutputStream(bytes)
    out.write("FDLM".getBytes("US-ASCII"))
    out.writeShort(1)
    val s = m.toSpec.encode()
    out.writeInt(s.length)
    out.write(s)
    for (a <- Seq(state.weights, state.buffers)) {
      out.writeInt(a.length)
      a.foreach(out.writeFloat)
    }
    out.flush()
    val crc = new CRC32()
    crc.update(bytes.toByteArray)
    out.writeInt(crc.getValue.toInt)
    out.flush()
    val path = dir().resolve("old.model")
    Files.write(path, bytes.toByteArray)
    val back = Module.loadModule(path.toString).evaluate()
    assertArrayEquals(m.forward(x).storage, back.forward(x).storage, 0f)
    val (_, st) = ModelFile.decode(bytes.toByteArray, "old")
    assertArrayEquals(state.buffers, st.buffers, 0f)
    assertEquals(ModelState(state.weights, state.buffers).weights.length, st.weights.length)
  }
}
