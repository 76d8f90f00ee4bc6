package ferrodl.nn

import ferrodl.nn.abstractnn.AbstractModule
import ferrodl.tensor.Tensor
import ferrodl.utils.T
import org.junit.Assert._
import org.junit.Test

/**
 * ConvLSTMPeephole and ConvLSTMPeephole3D through the Scala API inside Recurrent (alone and in a
 * MultiRNNCell) and BiRecurrent, against the cell
 * written out in torch (native/core/tests/fixtures/torch_reference_conv_lstm.txt): one forward and
 * backward, the hidden state, and refused uses.
 */
class ConvLstmTest {
  private val fixtures: Map[String, Tensor] =
    TorchFixtures.read("native/core/tests/fixtures/torch_reference_conv_lstm.txt")

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

  @Test def convLstmMatchesTorch(): Unit = {
    check("conv_lstm", Recurrent().add(ConvLSTMPeephole(2, 3, 3, 3)))
    check("conv_lstm_stride_even", Recurrent().add(ConvLSTMPeephole(2, 2, 2, 4, stride = 2)))
    val plain =
      ConvLSTMPeephole(1, 2, 3, 3, padding = 1, activation = Sigmoid(), innerActivation = Tanh(), withPeephole = false)
    check("conv_lstm_plain", Recurrent().add(plain))
  }

  @Test def convLstm3DMatchesTorch(): Unit = {
    check("conv_lstm_3d", Recurrent().add(ConvLSTMPeephole3D(2, 2, 3, 3)))
    check("conv_lstm_3d_one_step", Recurrent().add(ConvLSTMPeephole3D(1, 3, 1, 3)))
  }

  @Test def hiddenStateMatchesTorch(): Unit = {
    val rec = Recurrent().add(ConvLSTMPeephole(2, 2, 3, 3))
    rec.setHiddenState(T(fixtures("conv_lstm_state/initial_h"), fixtures("conv_lstm_state/initial_c")))
    check("conv_lstm_state", rec)
    val state = rec.getHiddenState().toTable
    close("final h", fixtures("conv_lstm_state/final_h"), state[Tensor](1))
    close("final c", fixtures("conv_lstm_state/final_c"), state[Tensor](2))
  }

  @Test def finalStateWithoutInitialStateMatchesTorch(): Unit = {
    val rec = Recurrent().add(ConvLSTMPeephole(2, 3, 3, 3))
    check("conv_lstm", rec)
    val state = rec.getHiddenState().toTable
    close("final h", fixtures("conv_lstm/final_h"), state[Tensor](1))
    close("final c", fixtures("conv_lstm/final_c"), state[Tensor](2))
    val three = Recurrent().add(ConvLSTMPeephole3D(2, 2, 3, 3))
    check("conv_lstm_3d", three)
    close("final h 3d", fixtures("conv_lstm_3d/final_h"), three.getHiddenState().toTable[Tensor](1))
  }

  @Test def stackedAndBidirectionalMatchTorch(): Unit = {
    val stack = MultiRNNCell(Array(ConvLSTMPeephole(2, 3, 3, 3, stride = 2), ConvLSTMPeephole(3, 2, 3, 3)))
    check("conv_lstm_stack", Recurrent().add(stack))
    check("conv_lstm_bi_add", BiRecurrent().add(ConvLSTMPeephole(2, 3, 3, 3)))
    val three = MultiRNNCell(Array(ConvLSTMPeephole3D(1, 2, 3, 3), ConvLSTMPeephole3D(2, 2, 1, 3)))
    check("conv_lstm_bi_join_stack_3d", BiRecurrent(JoinTable(2, 5)).add(three))
  }

  @Test def stackedBidirectionalHiddenStateRoundTrips(): Unit = {
    val stack = MultiRNNCell(Array(ConvLSTMPeephole(2, 3, 3, 3, stride = 2), ConvLSTMPeephole(3, 2, 3, 3)))
    val bi = BiRecurrent(JoinTable(2, 4)).add(stack)
    val x = Tensor(Array.tabulate(2 * 3 * 2 * 5 * 4)(i => math.sin(i * 0.37).toFloat), Array(2, 3, 2, 5, 4))
    assertArrayEquals(Array(2, 3, 4, 3, 2), bi.forward(x).size())
    val state = bi.getHiddenState().toTable
    val fwd = state[ferrodl.utils.Table](1)
    assertEquals(2, state.length())
    assertArrayEquals(Array(2, 3, 3, 2), fwd[ferrodl.utils.Table](1)[Tensor](1).size())
    assertArrayEquals(Array(2, 2, 3, 2), fwd[ferrodl.utils.Table](2)[Tensor](2).size())
    // Starting from the final state changes the output; starting from zeros again restores it.
    val first = bi.forward(x).copyTensor()
    bi.setHiddenState(state)
    val continued = bi.forward(x).copyTensor()
    assertTrue(first.storage.zip(continued.storage).exists { case (a, b) => math.abs(a - b) > 1e-4 })
    bi.setHiddenState(null)
    close("from zeros again", first, bi.forward(x))
  }

  @Test def parameterCount(): Unit = {
    // W_x [12, 2, 3, 3], b [12], W_h [12, 3, 3, 3], peepholes [3, 3].
    assertEquals(12 * 2 * 9 + 12 + 12 * 3 * 9 + 9, Recurrent().add(ConvLSTMPeephole(2, 3, 3, 3)).numParameters())
    assertEquals(
      8 * 27 + 8 + 8 * 2 * 27,
      Recurrent().add(ConvLSTMPeephole3D(1, 2, 3, 3, withPeephole = false)).numParameters()
    )
  }

  @Test def badUsesAreRefused(): Unit = {
    refused(RecurrentDecoder(2).add(ConvLSTMPeephole(2, 2, 3, 3)), "ConvLSTMPeephole")
    refused(MultiRNNCell(Array(ConvLSTMPeephole(2, 3, 3, 3), LSTM(3, 3))), "MultiRNNCell")
    refused(MultiRNNCell(Array(ConvLSTMPeephole(2, 3, 3, 3), ConvLSTMPeephole3D(3, 3, 3, 3))), "MultiRNNCell")
    refused(BiRecurrent(JoinTable(4, 4)).add(ConvLSTMPeephole(2, 3, 3, 3)), "JoinTable(2,4)")
    refused(ConvLSTMPeephole(2, 3, 3, 3, padding = -2), "padding")
    refused(ConvLSTMPeephole3D(0, 3, 3, 3), "inputSize=0")
    val rec = Recurrent().add(ConvLSTMPeephole(2, 3, 3, 3))
    // 5 channels instead of 2: the engine names the layer and both shapes.
    val e = refused(rec.forward(Tensor(new Array[Float](1 * 2 * 5 * 4 * 4), Array(1, 2, 5, 4, 4))), "ConvLSTMPeephole")
    assertTrue(
      e.getMessage,
      e.getMessage.contains("[batch, time, 2, H, W]") && e.getMessage.contains("[1, 2, 5, 4, 4]")
    )
    // The state is T(h, c) of [batch, outputSize, H, W] tensors.
    refused(
      rec.setHiddenState(T(Tensor(new Array[Float](6), Array(2, 3)), Tensor(new Array[Float](6), Array(2, 3)))),
      "ConvLSTMPeephole"
    )
  }

  private def refused(f: => Any, mentions: String): Exception =
    try { f; throw new AssertionError("expected an exception") }
    catch {
      case e: AssertionError => throw e
      case e: Exception =>
        assertTrue(s"'${e.getMessage}' should mention $mentions", e.getMessage.contains(mentions))
        e
    }
}
