package ferrodl.nn

import ferrodl.optim.{LocalSparkTrainingTest => _, _}
import ferrodl.tensor.Tensor
import ferrodl.utils.{T, Table}
import org.junit.Assert._
import org.junit.Test

/** Tables, table containers and the functional API from Scala, run natively. */
class GraphTest {

  private def tensor(shape: Int*)(f: Int => Float): Tensor = Tensor(Array.tabulate(shape.product)(f), shape.toArray)

  @Test def tablesCrossJniBothWays(): Unit = {
    val model = Sequential().add(ParallelTable().add(Linear(3, 2)).add(Identity())).add(JoinTable(1, 1))
    val x = T(tensor(4, 3)(i => i * 0.1f), tensor(4, 5)(i => -i * 0.2f))
    val y = model.forward(x).toTensor
    assertArrayEquals(Array(4, 7), y.size())
    val g = model.backward(x, Tensor(Array.fill(28)(1f), Array(4, 7))).toTable
    assertEquals(2, g.length())
    assertArrayEquals(Array(4, 3), g[Tensor](1).size())
    assertArrayEquals(Array.fill(20)(1f), g[Tensor](2).storage, 0f)
    val split = ConcatTable().add(Identity()).add(Tanh())
    val out = split.forward(tensor(2, 2)(_.toFloat): ferrodl.nn.abstractnn.Activity).toTable
    assertEquals(2, out.length())
    assertArrayEquals(Array(0f, 1f, 2f, 3f), out[Tensor](1).storage, 0f)
    assertArrayEquals(Array.tabulate(4)(i => math.tanh(i).toFloat), out[Tensor](2).storage, 1e-6f)
  }

  @Test def theFunctionalApiComputesTheSameAsTheNetworkWrittenOut(): Unit = {
    val input = Input()
    val fc = Linear(3, 4).setName("fc").inputs(input)
    val a = Tanh().inputs(fc)
    val b = Sigmoid().inputs(fc)
    val sum = CAddTable().setName("sum").inputs(a, b)
    val out = Linear(4, 2).setName("out").inputs(sum)
    val graph = Graph(Seq(input), Seq(out))
    assertEquals(
      Seq("fc", "sum", "out"),
      graph.getForwardExecutions().map(_.element.getName()).filter(n => !n.contains("@")).toSeq
    )
    assertTrue(graph("sum").isDefined)
    val w = graph.getWeightsArray()
    assertEquals(12 + 4 + 8 + 2, w.length)
    val x = tensor(2, 3)(i => (i - 3) * 0.3f)
    val y = graph.forward(x)
    for (r <- 0 until 2; o <- 0 until 2) {
      val h = Array.tabulate(4)(j => (0 until 3).map(k => x.storage(r * 3 + k) * w(j * 3 + k)).sum + w(12 + j))
      val act = h.map(v => math.tanh(v) + 1 / (1 + math.exp(-v)))
      val z = (0 until 4).map(j => act(j) * w(16 + o * 4 + j)).sum + w(24 + o)
      assertEquals(z, y.storage(r * 2 + o), 1e-5)
    }
  }

  @Test def graphsWithBranchesTrainOnSpark(): Unit = {
    val sc = ferrodl.optim.LocalSparkTrainingTest.sc
    val started = sc == null || sc.isStopped
    val context =
      if (!started) sc
      else new org.apache.spark.SparkContext(new org.apache.spark.SparkConf().setMaster("local[2]").setAppName("graph"))
    try {
      val data = context.parallelize(ferrodl.optim.LocalSparkTrainingTest.blobs(600, 41), 2)
      val input = Input()
      val h = Linear(4, 8).inputs(input)
      val merged = CAddTable().inputs(Tanh().inputs(h), ReLU().inputs(h))
      val out = LogSoftMax().inputs(Linear(8, 3).inputs(merged))
      val model = Model(input, out)
      Optimizer(model = model, sampleRDD = data, criterion = ClassNLLCriterion(), batchSize = 32)
        .setOptimMethod(new SGD(learningRate = 0.2))
        .setEndWhen(Trigger.maxEpoch(3))
        .optimize()
      val acc = model.evaluate(data, Array[ValidationMethod](new Top1Accuracy()))(0)._1.result()._1
      assertTrue(s"accuracy $acc", acc > 0.95)
    } finally if (started) context.stop()
  }

  @Test def badGraphsAreRefusedAtConstruction(): Unit = {
    val in1 = Input()
    val in2 = Input()
    val out = Linear(3, 2).inputs(in1)
    val unused = assertThrows(classOf[IllegalArgumentException], () => Graph(Seq(in1, in2), Seq(out)))
    assertTrue(unused.getMessage, unused.getMessage.contains("not used by any output"))
    val dangling =
      assertThrows(classOf[IllegalArgumentException], () => Graph(Seq(in1), Seq(CAddTable().inputs(out, in2))))
    assertTrue(dangling.getMessage, dangling.getMessage.contains("dangling"))
    val shared = Linear(2, 2)
    val reused = assertThrows(
      classOf[IllegalArgumentException],
      () => Graph(Seq(in1), Seq(shared.inputs(shared.inputs(Linear(3, 2).inputs(in1)))))
    )
    assertTrue(reused.getMessage, reused.getMessage.contains("used by 2 nodes"))
  }

  @Test def frozenNodesKeepTheirWeightsAndStopGradientCutsTheInputGradient(): Unit = {
    val input = Input()
    val first = Linear(3, 3).setName("first").inputs(input)
    val out = Linear(3, 2).setName("second").inputs(first)
    val graph = Graph(input, out)
    val before = graph.getWeightsArray()
    graph.freeze("first")
    assertArrayEquals("freezing keeps the weights", before, graph.getWeightsArray(), 0f)
    val x = tensor(4, 3)(i => i * 0.1f)
    graph.forward(x)
    graph.backward(x, tensor(4, 2)(_ => 1f))
    val grads = graph.getParameters()._2.storage
    assertTrue(grads.take(12).forall(_ == 0f))
    assertTrue(grads.drop(12).exists(_ != 0f))
    graph.stopGradient(Array("first"))
    graph.forward(x)
    val gx = graph.backward(x, tensor(4, 2)(_ => 1f))
    assertTrue(gx.storage.forall(_ == 0f))
  }
}
