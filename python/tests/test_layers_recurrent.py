"""Recurrent wrappers: shapes, masking, TimeDistributed against its layer, and training."""

import numpy as np

from ferrodl.nn.criterion import ClassNLLCriterion
from ferrodl.nn.layer import (GRU, LSTM, BiRecurrent, Highway, JoinTable, Linear, LogSoftMax, LookupTable,
                              LSTMPeephole, MultiRNNCell, Recurrent, ReLU, RnnCell, Select, Sequential, Tanh,
                              TimeDistributed)
from ferrodl.optim.optimizer import Adam, LocalOptimizer, MaxEpoch


def x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_cells_inside_recurrent_give_every_step(sc):
    assert Recurrent().add(LSTM(3, 4)).forward(x(2, 5, 3)).shape == (2, 5, 4)
    assert Recurrent().add(GRU(3, 2)).forward(x(2, 5, 3)).shape == (2, 5, 2)
    assert Recurrent().add(RnnCell(3, 6, ReLU())).forward(x(1, 4, 3)).shape == (1, 4, 6)
    assert Recurrent().add(LSTMPeephole(3, 2)).forward(x(3, 2, 3)).shape == (3, 2, 2)
    stacked = Recurrent().add(MultiRNNCell([LSTM(3, 5), GRU(5, 2)]))
    assert stacked.forward(x(2, 4, 3)).shape == (2, 4, 2)
    assert BiRecurrent(JoinTable(3, 3)).add(GRU(3, 2)).forward(x(2, 5, 3)).shape == (2, 5, 4)
    assert BiRecurrent().add(LSTM(3, 4)).forward(x(2, 5, 3)).shape == (2, 5, 4)
    assert Highway(3, activation=Tanh()).forward(x(4, 3)).shape == (4, 3)


def test_masked_padding_steps_output_zero_and_do_not_change_the_last_state(sc):
    seq = x(1, 6, 3)
    padded = seq.copy()
    padded[:, 4:, :] = 0
    r = Recurrent(mask_zero=True).add(LSTM(3, 4))
    out = r.forward(padded)
    assert np.all(out[:, 4:, :] == 0)
    np.testing.assert_allclose(out[:, :4, :], r.forward(seq[:, :4, :]), atol=1e-6)


def test_time_distributed_applies_its_layer_to_every_step(sc):
    linear = Linear(3, 2)
    td = TimeDistributed(linear)
    td.set_weights(linear.get_weights())
    inp = x(2, 5, 3)
    out = td.forward(inp)
    for t in range(5):
        np.testing.assert_allclose(out[:, t, :], linear.forward(inp[:, t, :]), atol=1e-6)


def test_an_lstm_classifier_learns_the_first_token(sc):
    rng = np.random.default_rng(3)
    n, length = 600, 8
    first = rng.integers(1, 5, n)
    tokens = rng.integers(5, 12, (n, length)).astype(np.float32)
    tokens[:, 0] = first
    model = (Sequential().add(LookupTable(12, 8)).add(Recurrent().add(LSTM(8, 16))).add(Select(2, -1))
             .add(Linear(16, 4)).add(LogSoftMax()))
    # Seeded weights at the scale of each tensor's default initialisation (which is not seeded),
    # so that the outcome does not depend on the draw.
    model.set_weights([(rng.standard_normal(w.shape) * w.std()).astype(np.float32) for w in model.get_weights()])
    opt = LocalOptimizer(X=tokens, Y=first.astype(np.float32), model=model, criterion=ClassNLLCriterion(),
                         optim_method=Adam(learningrate=0.02), end_trigger=MaxEpoch(15), batch_size=50)
    trained = opt.optimize(progress=False)
    predicted = trained.forward(tokens).argmax(axis=1) + 1
    assert (predicted == first).mean() > 0.9


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def test_conv_lstm_with_1x1_kernels_is_a_per_pixel_peephole_lstm(sc):
    from ferrodl.nn.layer import ConvLSTMPeephole
    b_n, t_n, c_n, o_n, h_w = 2, 3, 2, 3, (2, 3)
    rec = Recurrent().add(ConvLSTMPeephole(c_n, o_n, 1, 1))
    rng = np.random.default_rng(3)
    wx, b = rng.uniform(-0.5, 0.5, (4 * o_n, c_n)), rng.uniform(-0.5, 0.5, 4 * o_n)
    wh, p = rng.uniform(-0.5, 0.5, (4 * o_n, o_n)), rng.uniform(-0.5, 0.5, (3, o_n))
    rec.set_weights([wx, b, wh, p])
    seq = x(b_n, t_n, c_n, *h_w)
    got = rec.forward(seq)
    assert got.shape == (b_n, t_n, o_n, *h_w)
    # Gates i, g, f, o; per-channel peepholes p_i, p_f (on c) and p_o (on c').
    h = np.zeros((b_n, o_n, *h_w))
    c = np.zeros_like(h)
    per_channel = lambda v: v[None, :, None, None]
    for t in range(t_n):
        a = np.einsum("gc,bchw->bghw", wx, seq[:, t]) + per_channel(b) + np.einsum("go,bohw->bghw", wh, h)
        ai, ag, af, ao = np.split(a, 4, axis=1)
        i = _sigmoid(ai + per_channel(p[0]) * c)
        f = _sigmoid(af + per_channel(p[1]) * c)
        c = f * c + i * np.tanh(ag)
        h = _sigmoid(ao + per_channel(p[2]) * c) * np.tanh(c)
        np.testing.assert_allclose(got[:, t], h, atol=1e-5)


def test_conv_lstm_cells_give_image_sequences(sc):
    from ferrodl.nn.layer import ConvLSTMPeephole, ConvLSTMPeephole3D
    assert Recurrent().add(ConvLSTMPeephole(2, 4, 3, 3)).forward(x(2, 3, 2, 5, 6)).shape == (2, 3, 4, 5, 6)
    assert Recurrent().add(ConvLSTMPeephole(2, 4, 3, 3, stride=2)).forward(x(1, 2, 2, 5, 6)).shape == (1, 2, 4, 3, 3)
    assert Recurrent().add(ConvLSTMPeephole3D(1, 2, 3, 3)).forward(x(1, 2, 1, 3, 4, 5)).shape == (1, 2, 2, 3, 4, 5)


def test_conv_lstm_cells_stack_and_run_in_both_directions(sc):
    from ferrodl.nn.layer import ConvLSTMPeephole, MultiRNNCell
    seq = x(2, 3, 2, 5, 4)
    stack = Recurrent().add(MultiRNNCell([ConvLSTMPeephole(2, 3, 3, 3, stride=2), ConvLSTMPeephole(3, 2, 3, 3)]))
    assert stack.forward(seq).shape == (2, 3, 2, 3, 2)
    assert len(stack.get_hidden_state()) == 2
    bi = BiRecurrent(JoinTable(2, 4)).add(ConvLSTMPeephole(2, 3, 3, 3))
    joined = bi.forward(seq)
    assert joined.shape == (2, 3, 6, 5, 4)
    # The second direction is an independent cell over the reversed sequence.
    w = bi.get_weights()[0]
    single = Recurrent().add(ConvLSTMPeephole(2, 3, 3, 3))
    single.set_weights([w[:len(w) // 2]])
    np.testing.assert_allclose(joined[:, :, :3], single.forward(seq), atol=1e-5)
    single.set_weights([w[len(w) // 2:]])
    np.testing.assert_allclose(joined[:, :, 3:], single.forward(seq[:, ::-1].copy())[:, ::-1], atol=1e-5)
