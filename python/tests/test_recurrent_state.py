"""set_hidden_state / get_hidden_state and RecurrentDecoder from Python (issue 5)."""

import numpy as np
import pytest

from ferrodl.nn.layer import GRU, LSTM, BiRecurrent, Identity, Recurrent, RecurrentDecoder, Sequential
from ferrodl.util.jvm import FerrodlError


def x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_a_sequence_split_in_two_continues_from_the_carried_state(sc):
    whole = Recurrent().add(LSTM(3, 4))
    seq = x(2, 6, 3)
    y = whole.forward(seq)
    h, c = whole.get_hidden_state()
    assert h.shape == (2, 4) and c.shape == (2, 4)
    np.testing.assert_allclose(h, y[:, -1, :], atol=1e-6)
    part = Recurrent().add(LSTM(3, 4))
    model = Sequential().add(Identity()).add(part)  # the state reaches the layer inside a model
    model.set_weights(whole.get_weights())
    model.forward(seq[:, :4, :])
    part.set_hidden_state(part.get_hidden_state())
    np.testing.assert_allclose(model.forward(seq[:, 4:, :]), y[:, 4:, :], atol=1e-5)
    part.set_hidden_state(None)
    np.testing.assert_allclose(model.forward(seq[:, :4, :]), y[:, :4, :], atol=1e-5)


def test_recurrent_decoder_feeds_each_output_back(sc):
    dec = RecurrentDecoder(4).add(GRU(3, 3))
    x0 = x(2, 3, seed=1)
    y = dec.forward(x0)
    assert y.shape == (2, 4, 3)
    step = Recurrent().add(GRU(3, 3))
    step.set_weights(dec.get_weights())
    inp = x0
    for t in range(4):
        out = step.forward(inp[:, None, :])[:, 0, :]
        np.testing.assert_allclose(out, y[:, t, :], atol=1e-5)
        step.set_hidden_state(step.get_hidden_state())
        inp = out
    np.testing.assert_allclose(dec.get_hidden_state(), y[:, -1, :], atol=1e-6)


def test_bad_states_are_refused(sc):
    rec = Recurrent().add(LSTM(2, 3))
    with pytest.raises(FerrodlError):
        rec.set_hidden_state(x(2, 3))  # an LSTM's state is [h, c]
    with pytest.raises(FerrodlError):
        RecurrentDecoder(2).add(LSTM(2, 3))
    bi = BiRecurrent().add(GRU(2, 3))
    bi.forward(x(1, 4, 2))
    fwd, bwd = bi.get_hidden_state()
    assert fwd.shape == bwd.shape == (1, 3)


def test_layer_regularizers_reach_the_scala_layers(sc):
    """Issue 3: the regularisers of Maxout, LocallyConnected1D/2D and SpatialSeparableConvolution."""
    from ferrodl.nn.layer import LocallyConnected1D, LocallyConnected2D, Maxout, SpatialSeparableConvolution
    from ferrodl.optim.optimizer import L1Regularizer, L2Regularizer
    m = Maxout(4, 3, 2, w_regularizer=L2Regularizer(0.5), b_regularizer=L1Regularizer(0.25))
    assert (m.value.wRegularizer().l2(), m.value.bRegularizer().l1()) == (0.5, 0.25)
    lc1 = LocallyConnected1D(6, 2, 3, 2, weight_regularizer=L2Regularizer(0.5))
    assert lc1.value.wRegularizer().l2() == 0.5 and lc1.value.bRegularizer() is None
    lc2 = LocallyConnected2D(2, 4, 3, 2, 2, 2, bRegularizer=L2Regularizer(0.5), with_bias=False)
    assert lc2.value.bRegularizer().l2() == 0.5 and not lc2.value.withBias()
    sep = SpatialSeparableConvolution(2, 3, 2, 2, 2, w_regularizer=L2Regularizer(0.5), p_regularizer=L2Regularizer(0.5))
    assert sep.value.pRegularizer().l2() == 0.5
    assert sep.forward(x(1, 2, 4, 4)).shape == (1, 3, 3, 3)
    with pytest.raises(FerrodlError):
        SpatialSeparableConvolution(2, 3, 2, 2, 2, w_regularizer=L2Regularizer(0.5))
