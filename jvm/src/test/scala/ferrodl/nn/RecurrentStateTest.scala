package ferrodl.nn

import ferrodl.tensor.Tensor
import ferrodl.utils.T
import org.junit.Assert._
import org.junit.Test

/**
 * `setHiddenState` / `getHiddenState` and `RecurrentDecoder` through the Scala API against the
 * PyTorch fixtures of native/core/tests/fixtures/gen_torch_reference_rnn_state.py.
 */
class RecurrentStateTest {
  private val fixtures: Map[String, Tensor] =
    TorchFixtures.read("native/core/tests/fixtures/torch_reference_rnn_state.txt")

  private def close(what: String, want: Tensor, got: Tensor): Unit = TorchFixtures.assertClose(what, want, got)

  private def forwardBackward(c: String, model: ferrodl.nn.abstractnn.AbstractModule, x: Tensor): Unit = {
    close(s"$c output", fixtures(s"$c/output"), model.forward(x))
    model.zeroGradParameters()
    close(s"$c grad_input", fixtures(s"$c/grad_input"), model.backward(x, fixtures(s"$c/grad_output")))
    close(s"$c grad_params", Tensor.fromArray(fixtures(s"$c/grad_params").storage.clone()), model.getParameters()._2)
  }

  @Test def lstmStateInsideAModelMatchesTorch(): Unit = {
    val rec = Recurrent().add(LSTM(4, 6))
    val model = Sequential().add(Identity()).add(rec)
    model.setWeightsArray(fixtures("lstm_state/params").storage.clone())
    rec.setHiddenState(T(fixtures("lstm_state/h0"), fixtures("lstm_state/c0")))
    forwardBackward("lstm_state", model, fixtures("lstm_state/input"))
    val state = rec.getHiddenState().toTable
    close("h_n", fixtures("lstm_state/hn"), state[Tensor](1))
    close("c_n", fixtures("lstm_state/cn"), state[Tensor](2))
    // null goes back to zeros: another output.
    rec.setHiddenState(null)
    val zeros = model.forward(fixtures("lstm_state/input"))
    assertNotEquals(fixtures("lstm_state/output").storage(0), zeros.storage(0), 1e-4f)
  }

  @Test def gruStateOnTheLayerItselfMatchesTorch(): Unit = {
    val rec = Recurrent().add(GRU(4, 6))
    rec.setWeightsArray(fixtures("gru_state/params").storage.clone())
    rec.setHiddenState(fixtures("gru_state/h0"))
    forwardBackward("gru_state", rec, fixtures("gru_state/input"))
    close("h_n", fixtures("gru_state/hn"), rec.getHiddenState().toTensor)
  }

  @Test def recurrentDecoderMatchesAnUnrolledTorchLoop(): Unit = {
    val cases = Seq[(String, () => RecurrentDecoder)](
      ("decoder_lstm", () => RecurrentDecoder(4).add(LSTM(5, 5))),
      ("decoder_gru", () => RecurrentDecoder(5).add(GRU(4, 4))),
      ("decoder_rnn", () => RecurrentDecoder(3).add(RnnCell(4, 4, Tanh())))
    )
    for ((c, make) <- cases) {
      val d = make()
      d.setWeightsArray(fixtures(s"$c/params").storage.clone())
      forwardBackward(c, d, fixtures(s"$c/input"))
    }
    val d = RecurrentDecoder(3).add(LSTM(5, 5))
    d.setWeightsArray(fixtures("decoder_lstm_state/params").storage.clone())
    d.setHiddenState(T(fixtures("decoder_lstm_state/h0"), fixtures("decoder_lstm_state/c0")))
    forwardBackward("decoder_lstm_state", d, fixtures("decoder_lstm_state/input"))
    // The state after the last step is the last step's output (h).
    val h = d.getHiddenState().toTable[Tensor](1)
    val y = fixtures("decoder_lstm_state/output")
    for (b <- 0 until 2; j <- 0 until 5) assertEquals(y.storage((b * 3 + 2) * 5 + j), h.storage(b * 5 + j), 2e-4f)
  }

  @Test def badStatesAndCellsAreRefused(): Unit = {
    val rec = Recurrent().add(LSTM(2, 3))
    intercept(rec.setHiddenState(Tensor(new Array[Float](6), Array(2, 3)))) // an LSTM needs T(h, c)
    intercept(
      rec.setHiddenState(T(Tensor(new Array[Float](6), Array(2, 3)), Tensor(new Array[Float](4), Array(2, 2))))
    )
    intercept(rec.getHiddenState()) // no forward yet
    rec.setHiddenState(T(Tensor(new Array[Float](6), Array(2, 3)), Tensor(new Array[Float](6), Array(2, 3))))
    intercept(rec.forward(Tensor(new Array[Float](3 * 4 * 2), Array(3, 4, 2)))) // batch 3, state for 2
    intercept(RecurrentDecoder(2).add(LSTM(2, 3)))
    intercept(RecurrentDecoder(0))
    val bi = BiRecurrent().add(GRU(2, 3))
    bi.forward(Tensor(Array.fill(8)(0.3f), Array(1, 4, 2)))
    val both = bi.getHiddenState().toTable
    assertEquals(2, both.length())
    assertArrayEquals(Array(1, 3), both[Tensor](2).size())
  }

  private def intercept(f: => Any): Unit =
    try { f; fail("expected an IllegalArgumentException or IllegalStateException") }
    catch { case _: IllegalArgumentException | _: IllegalStateException => }
}
