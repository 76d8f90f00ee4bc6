package ferrodl.nn

import ferrodl.feature.Sample
import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.optim.{Adam, Evaluator, LocalOptimizer, Loss, Top1Accuracy, Trigger}
import ferrodl.tensor.Tensor
import org.junit.Assert._
import org.junit.Test

/** The recurrent layers through the Scala API: PyTorch fixtures, training, errors. */
class RecurrentTest {
  private val fixtures: Map[String, Tensor] = TorchFixtures.read("native/core/tests/fixtures/torch_reference_rnn.txt")

  private def close(what: String, want: Tensor, got: Tensor): Unit = TorchFixtures.assertClose(what, want, got)

  private def check(caseName: String, m: AbstractModule): Unit = {
    m.setWeightsArray(fixtures(s"$caseName/params").storage.clone())
    val x = fixtures(s"$caseName/input")
    close(s"$caseName output", fixtures(s"$caseName/output"), m.forward(x))
    m.zeroGradParameters()
    close(s"$caseName grad_input", fixtures(s"$caseName/grad_input"), m.backward(x, fixtures(s"$caseName/grad_output")))
    val want = fixtures(s"$caseName/grad_params")
    close(s"$caseName grad_params", Tensor.fromArray(want.storage.clone()), m.getParameters()._2)
  }

  @Test def lstmMatchesTorch(): Unit = check("lstm", Recurrent().add(LSTM(4, 6)))

  @Test def cellsMatchTorch(): Unit = {
    check("rnn_tanh", Recurrent().add(RnnCell(4, 6, Tanh())))
    check("rnn_relu", Recurrent().add(RnnCell(4, 6, ReLU())))
    check("gru", Recurrent().add(GRU(4, 6)))
    check("lstm_peephole", Recurrent().add(LSTMPeephole(4, 6)))
  }

  @Test def birecurrentAndStackedCellsMatchTorch(): Unit = {
    check("bilstm_join", BiRecurrent(JoinTable(3, 3)).add(LSTM(4, 6)))
    check("gru_two_layers", Recurrent().add(MultiRNNCell(Array[Cell](GRU(4, 6), GRU(6, 6)))))
  }

  @Test def parameterCountsAndShapes(): Unit = {
    assertEquals(24 * 4 + 24 + 24 * 6, Recurrent().add(LSTM(4, 6)).numParameters())
    assertEquals(2 * (18 * 4 + 18 + 18 * 6 + 6), BiRecurrent().add(GRU(4, 6)).numParameters())
    val x = Tensor(Array.fill(2 * 3 * 4)(0.5f), Array(2, 3, 4))
    assertArrayEquals(Array(2, 3, 6), BiRecurrent().add(GRU(4, 6)).forward(x).size())
    assertArrayEquals(Array(2, 3, 12), BiRecurrent(JoinTable(3, 3)).add(GRU(4, 6)).forward(x).size())
    val one = Tensor(Array.fill(3 * 4)(0.5f), Array(3, 4))
    assertArrayEquals(Array(3, 5), Recurrent().add(RnnCell(4, 5, Sigmoid())).forward(one).size())
  }

  @Test def maskZeroKeepsPaddedStepsOut(): Unit = {
    val r = Recurrent(maskZero = true).add(LSTM(2, 3))
    // Sample 1 has 2 real steps then 2 padding steps; sample 2 has 4 real steps.
    val x = Tensor(Array[Float](1, 2, -1, 0.5f, 0, 0, 0, 0, 0.3f, 0.1f, 1, 1, -2, 0.2f, 0.7f, 0.4f), Array(2, 4, 2))
    val y = r.forward(x)
    for (t <- 2 until 4; j <- 0 until 3) assertEquals(0f, y.storage(t * 3 + j), 0f)
    val short = Tensor(Array[Float](1, 2, -1, 0.5f), Array(1, 2, 2))
    val ys = Recurrent().add(LSTM(2, 3)).setWeightsArray(r.getWeightsArray()).forward(short)
    for (i <- 0 until 6) assertEquals(ys.storage(i), y.storage(i), 1e-6f)
    val g = r.backward(x, Tensor(Array.fill(24)(1f), Array(2, 4, 3)))
    for (i <- 4 until 8) assertEquals("no gradient at padded steps", 0f, g.storage(i), 0f)
  }

  @Test def lstmClassifierTrainsLocally(): Unit = {
    // The label is fixed by the first of 6 tokens (1-2 -> class 1, 3-4 -> 2, 5-6 -> 3); the
    // others are noise, so the LSTM must carry it to the last step.
    val rng = new scala.util.Random(7)
    val data = Array.fill(300) {
      val tokens = Array.fill(6)((rng.nextInt(6) + 1).toFloat)
      Sample(Tensor(tokens, Array(6)), ((tokens(0).toInt - 1) / 2 + 1).toFloat)
    }
    val model = Sequential()
      .add(LookupTable(6, 8))
      .add(Recurrent().add(LSTM(8, 16)))
      .add(Select(2, -1))
      .add(Linear(16, 3))
      .add(LogSoftMax())
    def scores(): (Double, Double) = {
      val r = Evaluator.evaluateLocal(model, data, Array(new Loss, new Top1Accuracy), 100)
      (r(0)._1.result()._1.toDouble, r(1)._1.result()._1.toDouble)
    }
    val (lossBefore, _) = scores()
    new LocalOptimizer(model, data, ClassNLLCriterion(), 30, threads = 2)
      .setOptimMethod(new Adam(learningRate = 0.02))
      .setEndWhen(Trigger.maxEpoch(15))
      .optimize()
    val (lossAfter, accuracy) = scores()
    assertTrue(s"loss $lossBefore -> $lossAfter", lossAfter < 0.3 * lossBefore)
    assertTrue(s"accuracy $accuracy", accuracy > 0.9)
  }

  @Test def timeDistributedAppliesTheLayerAtEveryStep(): Unit = {
    val linear = Linear(3, 2)
    val td = TimeDistributed(linear)
    val x = Tensor(Array.tabulate(2 * 4 * 3)(i => math.sin(i.toDouble).toFloat), Array(2, 4, 3))
    td.setWeightsArray(linear.getWeightsArray())
    val y = td.forward(x)
    assertArrayEquals(Array(2, 4, 2), y.size())
    val step = Tensor(Array.tabulate(3)(j => x.storage(1 * 12 + 2 * 3 + j)), Array(1, 3))
    val ys = linear.forward(step)
    for (j <- 0 until 2) assertEquals(ys.storage(j), y.storage(1 * 8 + 2 * 2 + j), 1e-6f)
    val model = Sequential().add(Recurrent().add(GRU(3, 5))).add(TimeDistributed(Linear(5, 2)))
    assertArrayEquals(Array(2, 4, 2), model.forward(x).size())
  }

  @Test def dropoutOnlyInTraining(): Unit = {
    val x = Tensor(Array.tabulate(2 * 5 * 3)(i => math.cos(i.toDouble).toFloat), Array(2, 5, 3))
    val dropped = Recurrent().add(GRU(3, 4, p = 0.5))
    val plain = Recurrent().add(GRU(3, 4)).setWeightsArray(dropped.getWeightsArray())
    val want = plain.forward(x)
    assertFalse("training drops", dropped.forward(x).storage.sameElements(want.storage))
    close("evaluation", want, dropped.evaluate().forward(x))
  }

  @Test def highwayMixesTransformAndInput(): Unit = {
    val hw = Highway(3, withBias = false)
    val w = Array.tabulate(18)(i => ((i % 5) - 2) * 0.1f)
    hw.setWeightsArray(w)
    val x = Tensor(Array[Float](0.5f, -1f, 2f), Array(1, 3))
    val y = hw.forward(x)
    for (j <- 0 until 3) {
      def dot(off: Int) = (0 until 3).map(k => w(off + j * 3 + k) * x.storage(k)).sum
      val t = 1 / (1 + math.exp(-dot(0)))
      assertEquals((t * dot(9) + (1 - t) * x.storage(j)).toFloat, y.storage(j), 1e-5f)
    }
    assertEquals(2 * (9 + 3), Highway(3, activation = Tanh()).numParameters())
    assertThrows(
      classOf[IllegalArgumentException],
      () => Highway(3, wRegularizer = new ferrodl.optim.L2Regularizer(0.1))
    )
  }

  @Test def errorsNameTheLayerAndShapes(): Unit = {
    val r = Recurrent().add(LSTM(3, 4))
    val e =
      assertThrows(classOf[IllegalArgumentException], () => r.forward(Tensor(new Array[Float](70), Array(2, 5, 7))))
    assertTrue(e.getMessage, e.getMessage.contains("Recurrent(LSTM(3 -> 4))"))
    assertTrue(e.getMessage, e.getMessage.contains("[batch, time, 3]") && e.getMessage.contains("[2, 5, 7]"))
    assertThrows(classOf[IllegalArgumentException], () => LSTM(3, 4, p = 1.0))
    assertThrows(classOf[IllegalArgumentException], () => Recurrent().add(Linear(3, 4)))
    assertThrows(classOf[IllegalArgumentException], () => Recurrent().add(GRU(3, 4)).add(GRU(4, 4)))
    assertThrows(classOf[IllegalArgumentException], () => BiRecurrent(JoinTable(2, 3)))
    assertThrows(classOf[IllegalArgumentException], () => MultiRNNCell(Array[Cell](GRU(3, 4), GRU(5, 4))))
  }
}
