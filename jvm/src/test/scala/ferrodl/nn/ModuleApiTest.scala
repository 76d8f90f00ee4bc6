package ferrodl.nn

import ferrodl.optim.{LocalOptimizer, LocalSparkTrainingTest, SGD, Trigger}
import ferrodl.tensor.Tensor
import ferrodl.utils.RandomGenerator
import org.junit.Assert._
import org.junit.Test

/** BigDL's module API: freeze/unFreeze, reset, clone/cloneModule and parameters(). */
class ModuleApiTest {
  private val data = LocalSparkTrainingTest.blobs(120, 3).toArray
  private val x = Tensor(Array.tabulate(8)(i => (i % 5) * 0.3f - 0.6f), Array(2, 4))
  private val gy = Tensor(Array(0.2f, -0.5f, 0.1f, 0.4f, 0.3f, -0.2f), Array(2, 3))

  private def mlp(): Sequential =
    Sequential().add(Linear(4, 5).setName("fc1")).add(Tanh()).add(Linear(5, 3).setName("fc2")).add(LogSoftMax())

  private def gradsOf(m: Sequential): Array[Float] = {
    m.zeroGradParameters()
    m.forward(x)
    m.backward(x, gy)
    m.getParameters()._2.storage
  }

  @Test def frozenLayersGetZeroGradientAndTrainingLeavesThemUnchanged(): Unit = {
    val m = mlp()
    val free = gradsOf(m)
    val gxFree = { m.forward(x); m.backward(x, gy).storage }
    m.freeze("fc1")
    assertTrue(m.modules(0).isFrozen())
    val g = gradsOf(m)
    assertTrue("fc1 (25 parameters) has zero gradient", g.take(25).forall(_ == 0f))
    assertArrayEquals("fc2's gradient is unchanged", free.drop(25), g.drop(25), 0f)
    assertArrayEquals("the input gradient still flows", gxFree, { m.forward(x); m.backward(x, gy).storage }, 0f)

    // Training with weight decay and momentum, which would move weights with zero gradient.
    val before = m.getWeightsArray()
    new LocalOptimizer(m, data, ClassNLLCriterion(), 40, threads = 2)
      .setOptimMethod(new SGD(learningRate = 0.3, momentum = 0.9, weightDecay = 0.1))
      .setEndWhen(Trigger.maxEpoch(2))
      .optimize()
    val after = m.getWeightsArray()
    assertArrayEquals("fc1 unchanged by training", before.take(25), after.take(25), 0f)
    assertFalse("fc2 trained", before.drop(25).sameElements(after.drop(25)))

    // unFreeze() with no names unfreezes the whole tree; freeze() with none freezes all of it.
    m.unFreeze()
    assertTrue(gradsOf(m).take(25).exists(_ != 0f))
    m.freeze()
    assertTrue(gradsOf(m).forall(_ == 0f))
    m.unFreeze("fc1")
    assertTrue("the container is still frozen", gradsOf(m).forall(_ == 0f))
    m.unFreeze()
    val unknown = assertThrows(classOf[IllegalArgumentException], () => m.freeze("fc9"))
    assertTrue(unknown.getMessage, unknown.getMessage.contains("fc9"))
  }

  @Test def frozenNodesOfAGraphByModuleName(): Unit = {
    val in = Input()
    val h = Linear(4, 5).setName("g1").inputs(in)
    val out = LogSoftMax().inputs(Linear(5, 3).setName("g2").inputs(Tanh().inputs(h)))
    val g = Graph(Seq(in), Seq(out))
    val s = Sequential().add(g)
    s.freeze("g2")
    s.zeroGradParameters()
    s.forward(x)
    s.backward(x, gy)
    val grads = s.getParameters()._2.storage
    assertTrue(grads.take(25).exists(_ != 0f))
    assertTrue(grads.drop(25).forall(_ == 0f))
  }

  @Test def resetDrawsNewWeightsReproducibly(): Unit = {
    RandomGenerator.setSeed(42)
    val m = mlp()
    val w0 = m.getWeightsArray()
    RandomGenerator.setSeed(42)
    val again = mlp().getWeightsArray()
    assertArrayEquals(w0, again, 0f)
    m.setWeightsArray(Array.fill(w0.length)(0.5f))
    m.reset()
    val w1 = m.getWeightsArray()
    assertFalse("reset re-initialises", w1.sameElements(Array.fill(w0.length)(0.5f)))
    assertFalse("from a new seed", w1.sameElements(w0))
    // Linear's default: uniform in +-1/sqrt(fanIn).
    assertTrue(w1.take(20).forall(v => math.abs(v) <= 1 / math.sqrt(4.0) + 1e-6))
    // Running statistics start afresh.
    val bn = BatchNormalization(3)
    val fresh = bn.getBuffersArray()
    bn.forward(Tensor(Array.tabulate(6)(_.toFloat), Array(2, 3)))
    assertFalse("training moved the running statistics", bn.getBuffersArray().sameElements(fresh))
    bn.reset()
    assertArrayEquals(fresh, bn.getBuffersArray(), 0f)
  }

  @Test def cloneIsADeepCopyWithWeights(): Unit = {
    val m = mlp()
    m.freeze("fc2")
    val c = m.cloneModule()
    assertNotSame(m, c)
    assertArrayEquals(m.getWeightsArray(), c.getWeightsArray(), 0f)
    assertArrayEquals(m.forward(x).storage, c.forward(x).storage, 0f)
    assertEquals("fc1", c.modules(0).getName())
    assertTrue("frozen marks are copied", c.modules(2).isFrozen())
    c.setWeightsArray(Array.fill(m.numParameters())(0.1f))
    assertFalse("the copy is independent", m.getWeightsArray().sameElements(c.getWeightsArray()))
    val viaClone = m.clone()
    assertArrayEquals(m.getWeightsArray(), viaClone.getWeightsArray(), 0f)
    // A graph clones too (its nodes are copied with it).
    val in = Input()
    val g = Graph(Seq(in), Seq(Linear(4, 2).inputs(in)))
    assertArrayEquals(g.forward(x).storage, g.cloneModule().forward(x).storage, 0f)
  }

  @Test def parametersAreWeightAndBiasPerLayer(): Unit = {
    val m = mlp()
    m.forward(x)
    m.backward(x, gy)
    val (w, g) = m.parameters()
    assertEquals("weight and bias of two layers", 4, w.length)
    assertEquals(Seq(Seq(5, 4), Seq(5), Seq(3, 5), Seq(3)), w.map(_.size().toSeq).toSeq)
    assertEquals(Seq(Seq(5, 4), Seq(5), Seq(3, 5), Seq(3)), g.map(_.size().toSeq).toSeq)
    val flat = m.getParameters()
    assertArrayEquals(flat._1.storage, w.flatMap(_.storage), 0f)
    assertArrayEquals(flat._2.storage, g.flatMap(_.storage), 0f)
  }
}
