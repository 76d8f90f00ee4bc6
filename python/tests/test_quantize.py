"""``model.quantize()`` from Python: the int8 model against a numpy re-implementation of the scheme
(per-channel weight scales, per-sample activation scales, i32 sums), save/load, inference only."""

import numpy as np
import pytest

from ferrodl.nn.layer import Layer, Linear, LogSoftMax, Reshape, Sequential, SpatialConvolution, Tanh


def round_away(v):
    """Rounding half away from zero, as the engine rounds (numpy's round is half to even)."""
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def quantized_linear(x, w, b):
    """The int8 Linear in numpy: codes and scales per output row of ``w``, per row of ``x``."""
    sw = np.abs(w).max(axis=1) / 127
    qw = np.where(sw[:, None] > 0, round_away(w / np.where(sw > 0, sw, 1)[:, None]), 0)
    sx = np.abs(x).max(axis=1) / 127
    sx = np.where(sx > 0, sx, 1)
    qx = np.clip(round_away(x / sx[:, None]), -127, 127)
    acc = qx.astype(np.int64) @ qw.astype(np.int64).T
    return acc * (sx[:, None] * sw[None, :]) + b, qw, sw


def test_quantized_mlp_matches_the_numpy_scheme(sc):
    rng = np.random.default_rng(11)
    model = Sequential().add(Linear(6, 4)).add(Tanh()).add(Linear(4, 3))
    w = rng.uniform(-0.5, 0.5, 6 * 4 + 4 + 4 * 3 + 3).astype(np.float32)
    w[6:12] = 0  # output channel 1 of the first layer is all zeros
    model.set_weights([w])
    x = rng.standard_normal((5, 6)).astype(np.float32)
    x[2] = 0  # an all-zero sample
    q = model.quantize()
    assert "QuantizedLinear" in str(q.value.describe())
    w1, b1 = w[:24].reshape(4, 6), w[24:28]
    w2, b2 = w[28:40].reshape(3, 4), w[40:]
    h, qw1, sw1 = quantized_linear(x.astype(np.float64), w1, b1)
    want, _, _ = quantized_linear(np.tanh(h), w2, b2)
    got = q.predict(x)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert np.abs(got - model.predict(x)).max() > 0, "the int8 path differs from float"
    qflat = q.get_weights()[0]
    np.testing.assert_array_equal(qflat[:24].reshape(4, 6), qw1)
    np.testing.assert_allclose(qflat[24:28], sw1, rtol=1e-6)
    assert sw1[1] == 0 and np.all(qflat[6:12] == 0)
    np.testing.assert_array_equal(model.get_weights()[0], w)  # the float model is unchanged


def test_quantized_convnet_saves_loads_and_refuses_backward(sc, tmp_path):
    rng = np.random.default_rng(5)
    model = (Sequential().add(Reshape([1, 8, 8])).add(SpatialConvolution(1, 3, 3, 3)).add(Tanh())
             .add(Reshape([3 * 6 * 6])).add(Linear(3 * 6 * 6, 4)).add(LogSoftMax()))
    x = rng.standard_normal((7, 8, 8)).astype(np.float32)
    q = model.quantize()
    yq = q.predict(x)
    assert np.abs(yq - model.predict(x)).max() < 0.1
    path = str(tmp_path / "int8.model")
    q.save(path)
    loaded = Layer.load(path)
    np.testing.assert_array_equal(loaded.predict(x), yq)
    with pytest.raises(Exception, match="inference-only"):
        q.forward(x)
        q.backward(x, np.ones_like(yq))
