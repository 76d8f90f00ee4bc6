package ferrodl.engine

import java.nio.file.Files

import ferrodl.FerrodlException
import ferrodl.nn._
import ferrodl.nn.abstractnn.{AbstractCriterion, AbstractModule}
import ferrodl.tensor.Tensor
import ferrodl.utils.T
import org.junit.Assert._
import org.junit.Test

/**
 * Many kinds of bad input across the API, one table: each row names the kind, the exception class
 * it must raise and words its message must contain. After every row a valid call on the same
 * engine must still work: a bad input never leaves the executor broken.
 */
class BadInputTableTest {

  private final case class Case(kind: String, cls: Class[_ <: Throwable], needles: Seq[String], body: () => Any)

  private val IAE = classOf[IllegalArgumentException]
  private val ISE = classOf[IllegalStateException]
  private val FDL = classOf[FerrodlException]

  private def t(shape: Int*)(v: Int => Float = i => (i % 7) * 0.1f): Tensor =
    Tensor(Array.tabulate(shape.product)(v), shape.toArray)

  private def labels(v: Float*): Tensor = Tensor(v.toArray, Array(v.length))

  private def fwd(m: AbstractModule, x: Tensor): Any = m.forward(x)

  private def crit(c: AbstractCriterion, x: Tensor, y: Tensor): Any = c.forward(x, y)

  /** A raw handle, for calls that go around the Scala wrappers. */
  private def rawModel(m: AbstractModule): Long = Native.createModel(m.toSpec.encode(), 1L)

  private val cases: Seq[Case] = Seq(
    // Shapes, per layer family: the message names the layer and both shapes.
    Case("Linear: wrong width", IAE, Seq("Linear(4 -> 3)", "[2, 5]"), () => fwd(Linear(4, 3), t(2, 5)())),
    Case("Linear: rank 3", IAE, Seq("Linear"), () => fwd(Linear(4, 3), t(2, 2, 4)())),
    Case(
      "SpatialConvolution: wrong channels",
      IAE,
      Seq("SpatialConvolution", "[1, 2, 8, 8]"),
      () => fwd(SpatialConvolution(3, 4, 3, 3), t(1, 2, 8, 8)())
    ),
    Case(
      "SpatialConvolution: image smaller than kernel",
      IAE,
      Seq("SpatialConvolution"),
      () => fwd(SpatialConvolution(1, 4, 5, 5), t(1, 1, 3, 3)())
    ),
    Case(
      "SpatialConvolution: rank 2",
      IAE,
      Seq("SpatialConvolution"),
      () => fwd(SpatialConvolution(1, 4, 3, 3), t(4, 4)())
    ),
    Case(
      "SpatialMaxPooling: image smaller than window",
      IAE,
      Seq("SpatialMaxPooling"),
      () => fwd(SpatialMaxPooling(4, 4, 4, 4), t(1, 1, 2, 2)())
    ),
    Case(
      "SpatialAveragePooling: rank 1",
      IAE,
      Seq("SpatialAveragePooling"),
      () => fwd(SpatialAveragePooling(2, 2), t(16)())
    ),
    Case(
      "BatchNormalization: wrong features",
      IAE,
      Seq("BatchNormalization", "[4, 3]"),
      () => fwd(BatchNormalization(5), t(4, 3)())
    ),
    Case(
      "SpatialBatchNormalization: wrong channels",
      IAE,
      Seq("BatchNormalization"),
      () => fwd(SpatialBatchNormalization(3), t(2, 2, 4, 4)())
    ),
    Case("Reshape: element count", IAE, Seq("Reshape", "[2, 7]"), () => fwd(Reshape(Array(3, 3)), t(2, 7)())),
    Case("View: element count", IAE, Seq("View"), () => fwd(View(5), t(2, 7)())),
    Case("Narrow: out of range", IAE, Seq("Narrow"), () => fwd(Narrow(2, 3, 4), t(2, 4)())),
    Case("Select: index out of range", IAE, Seq("Select"), () => fwd(Select(2, 9), t(2, 4)())),
    Case("LookupTable: index 0 (1-based)", IAE, Seq("LookupTable", "0"), () => fwd(LookupTable(10, 4), labels(1, 0))),
    Case("LookupTable: index past nIndex", IAE, Seq("LookupTable", "11"), () => fwd(LookupTable(10, 4), labels(1, 11))),
    Case("LookupTable: fractional index", IAE, Seq("LookupTable", "1.5"), () => fwd(LookupTable(10, 4), labels(1.5f))),
    Case("JoinTable: mismatched shapes", IAE, Seq("JoinTable"), () => JoinTable(2, 2).forward(T(t(2, 3)(), t(3, 3)()))),
    Case("CAddTable: mismatched shapes", IAE, Seq("CAddTable"), () => CAddTable().forward(T(t(2, 3)(), t(2, 4)()))),
    Case("table where a tensor is expected", IAE, Seq("Linear"), () => Linear(3, 2).forward(T(t(2, 3)(), t(2, 3)()))),
    Case(
      "empty batch to a loss",
      IAE,
      Seq("empty"),
      () => crit(ClassNLLCriterion(), Tensor(new Array[Float](0), Array(0, 3)), Tensor(new Array[Float](0), Array(0)))
    ),
    Case(
      "zero-size feature dimension",
      IAE,
      Seq("Linear"),
      () => fwd(Linear(3, 2), Tensor(new Array[Float](0), Array(2, 0)))
    ),
    // Sizes that would overflow or exhaust memory.
    Case(
      "layer too large to allocate",
      IAE,
      Seq("Linear", "more than"),
      () => new NativeModel(Linear(1 << 30, 1 << 12).toSpec.encode(), 1L)
    ),
    Case(
      "shape whose product overflows",
      IAE,
      Seq("forward"),
      () => {
        val h = rawModel(Linear(3, 2))
        try Native.forward(h, new Array[Float](6), Array(1 << 16, 1 << 16, 1 << 16, 2))
        finally Native.freeModel(h)
      }
    ),
    Case(
      "data shorter than its shape",
      IAE,
      Seq("forward"),
      () => {
        val h = rawModel(Linear(3, 2))
        try Native.forward(h, new Array[Float](5), Array(2, 3))
        finally Native.freeModel(h)
      }
    ),
    Case(
      "negative dimension",
      IAE,
      Seq("forward"),
      () => {
        val h = rawModel(Linear(3, 2))
        try Native.forward(h, new Array[Float](6), Array(-2, -3))
        finally Native.freeModel(h)
      }
    ),
    // Labels and targets.
    Case(
      "ClassNLL: label above the class count",
      IAE,
      Seq("label 3"),
      () => crit(ClassNLLCriterion(), t(2, 2)(_ => -1f), labels(1, 3))
    ),
    Case(
      "ClassNLL: label 0 (1-based)",
      IAE,
      Seq("label 0"),
      () => crit(ClassNLLCriterion(), t(2, 2)(_ => -1f), labels(0, 1))
    ),
    Case(
      "ClassNLL: fractional label",
      IAE,
      Seq("1.5"),
      () => crit(ClassNLLCriterion(), t(2, 2)(_ => -1f), labels(1.5f, 1))
    ),
    Case(
      "ClassNLL: label count differs from batch",
      IAE,
      Seq("ClassNLL"),
      () => crit(ClassNLLCriterion(), t(2, 2)(_ => -1f), labels(1, 1, 2))
    ),
    Case(
      "CrossEntropy: label out of range",
      IAE,
      Seq("label 7"),
      () => crit(CrossEntropyCriterion(), t(2, 3)(), labels(1, 7))
    ),
    Case("MSE: target size", IAE, Seq("MSE"), () => crit(MSECriterion(), t(2, 3)(), t(2, 2)())),
    Case(
      "BCE: probability outside [0, 1]",
      IAE,
      Seq("BCE"),
      () => crit(BCECriterion(), labels(0.5f, 1.5f), labels(0f, 1f))
    ),
    // Non-finite values.
    Case("NaN input", IAE, Seq("NaN"), () => fwd(Linear(2, 2), t(1, 2)(i => if (i == 1) Float.NaN else 1f))),
    Case("infinite input", IAE, Seq("infinity"), () => fwd(Linear(2, 2), t(1, 2)(_ => Float.PositiveInfinity))),
    Case("NaN target", IAE, Seq("NaN"), () => crit(MSECriterion(), t(2, 2)(), t(2, 2)(_ => Float.NaN))),
    // Handles.
    Case(
      "closed model",
      ISE,
      Seq("closed"),
      () => {
        val m = new NativeModel(Linear(2, 2).toSpec.encode(), 1L); m.close(); m.describe()
      }
    ),
    Case(
      "closed criterion",
      ISE,
      Seq("closed"),
      () => {
        val c = new NativeCriterion(MSECriterion().toSpec.encode()); c.close(); c.forward(t(1)(), t(1)())
      }
    ),
    Case(
      "closed optimiser",
      ISE,
      Seq("closed"),
      () => {
        val o = new ferrodl.optim.SGD(learningRate = 0.1).createNative(); o.close(); o.currentRate()
      }
    ),
    Case(
      "freed raw handle",
      ISE,
      Seq("model handle is zero, closed"),
      () => {
        val h = rawModel(Linear(2, 2)); Native.freeModel(h); Native.describe(h)
      }
    ),
    Case("made-up handle", ISE, Seq("handle is zero, closed"), () => Native.describe(0x5eed00000001L)),
    Case(
      "criterion handle used as a model",
      ISE,
      Seq("not a model handle"),
      () => {
        val c = Native.createCriterion(MSECriterion().toSpec.encode())
        try Native.describe(c)
        finally Native.freeCriterion(c)
      }
    ),
    // Descriptions, model files and state.
    Case(
      "truncated description",
      FDL,
      Seq("corrupt model data at byte"),
      () => {
        val good = Sequential().add(Linear(2, 2)).toSpec.encode(); new NativeModel(good.take(good.length / 2), 1L)
      }
    ),
    Case(
      "corrupted description",
      FDL,
      Seq(""),
      () => {
        val bytes = Sequential().add(Linear(2, 2)).toSpec.encode(); bytes(bytes.length / 3) = 0x7f.toByte
        new NativeModel(bytes.map(b => (b ^ 0x5a).toByte), 1L)
      }
    ),
    Case(
      "unknown layer",
      FDL,
      Seq("Frobnicate"),
      () => new NativeModel(SpecNode("Frobnicate", "", Nil, Nil).encode(), 1L)
    ),
    Case(
      "invalid layer argument",
      IAE,
      Seq("Linear"),
      () =>
        new NativeModel(
          SpecNode("Linear", "", Seq("inputSize" -> SpecAttr.int(-3), "outputSize" -> SpecAttr.int(2)), Nil).encode(),
          1L
        )
    ),
    Case("wrong-sized weight buffer", IAE, Seq("8", "5"), () => Linear(3, 2).setWeightsArray(new Array[Float](5))),
    Case(
      "wrong-sized running statistics",
      IAE,
      Seq("buffer"),
      () => BatchNormalization(3).setBuffersArray(new Array[Float](2))
    ),
    Case(
      "truncated model file",
      classOf[Exception],
      Seq(""),
      () => {
        val f = Files.createTempFile("bad", ".model")
        Linear(3, 2).saveModule(f.toString, overWrite = true)
        val bytes = Files.readAllBytes(f)
        Files.write(f, bytes.take(bytes.length - 7))
        Module.loadModule(f.toString)
      }
    ),
    Case(
      "not a model file",
      classOf[Exception],
      Seq(""),
      () => {
        val f = Files.createTempFile("bad", ".model"); Files.write(f, "hello, world".getBytes("UTF-8"))
        Module.loadModule(f.toString)
      }
    ),
    Case(
      "corrupt optimiser state",
      FDL,
      Seq(""),
      () => {
        val o = new ferrodl.optim.Adam().createNative()
        try o.setState(Array[Byte](70, 68, 76, 50, 9, 9, 9))
        finally o.close()
      }
    ),
    Case(
      "optimiser step: buffers of different lengths",
      IAE,
      Seq("3", "2"),
      () => {
        val o = new ferrodl.optim.SGD(learningRate = 0.1).createNative()
        try o.step(new Array[Float](3), new Array[Float](2))
        finally o.close()
      }
    ),
    Case(
      "optimiser: NaN learning rate",
      IAE,
      Seq("learningRate"),
      () => new ferrodl.optim.SGD(learningRate = Double.NaN).createNative()
    ),
    Case(
      "backward before forward",
      classOf[Exception],
      Seq("before forward"),
      () => {
        val m = new NativeModel(Linear(2, 2).toSpec.encode(), 1L)
        try m.backward(t(1, 2)(), t(1, 2)())
        finally m.close()
      }
    ),
    Case(
      "gradOutput of the wrong shape",
      IAE,
      Seq("Linear"),
      () => {
        val m = Linear(3, 2); m.forward(t(2, 3)()); m.backward(t(2, 3)(), t(2, 5)())
      }
    )
  )

  @Test def everyKindOfBadInputRaisesAClearExceptionAndTheEngineKeepsWorking(): Unit = {
    val sanity = Sequential().add(Linear(4, 3)).add(LogSoftMax())
    val ok = t(2, 4)()
    val expected = sanity.forward(ok).storage.clone()
    val problems = cases.flatMap { c =>
      val outcome =
        try { c.body(); Some(s"${c.kind}: no exception") }
        catch {
          case e: Throwable if c.cls.isInstance(e) =>
            val msg = String.valueOf(e.getMessage)
            c.needles.find(n => !msg.contains(n)).map(n => s"${c.kind}: message lacks '$n': $msg")
          case e: Throwable => Some(s"${c.kind}: expected ${c.cls.getSimpleName}, got $e")
        }
      val after =
        try {
          if (sanity.forward(ok).storage.sameElements(expected)) None else Some(s"${c.kind}: later call differs")
        } catch { case e: Throwable => Some(s"${c.kind}: later call failed: $e") }
      outcome.toSeq ++ after
    }
    assertTrue(s"${cases.length} kinds tried, need at least 40", cases.length >= 40)
    assertTrue(problems.mkString("\n"), problems.isEmpty)
  }
}
