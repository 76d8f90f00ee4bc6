"""The layers of layers_more_shape.py: each builds its Scala class through Python and its forward
pass (evaluation mode for the random ones) matches numpy."""

import numpy as np
import pytest

from ferrodl.nn.layer import *  # noqa: F401,F403
from ferrodl.nn.layers_more_shape import (Cropping2D, Cropping3D, GaussianDropout, GaussianNoise, InferReshape,
                                          L1Penalty, Masking, Maxout, Padding, Replicate, Reverse, RReLU, Scale,
                                          SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, SpatialZeroPadding,
                                          SReLU)

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


X2, X3, X4, X5 = rand(3, 4), rand(2, 3, 4), rand(2, 3, 4, 5), rand(1, 2, 3, 4, 5)
XM = rand(2, 4, 3)
XM[0, 1] = 0.5
XM[1, 3] = 0.5


def rrelu_eval(x, lo, hi):
    return np.where(x > 0, x, x * (lo + hi) / 2)


# (layer, input, numpy reference of the forward pass in evaluation mode)
CASES = [
    (lambda: InferReshape([4, 0, 3, -1]), rand(4, 5, 6, 7), lambda x: x.reshape(4, 5, 3, 14)),
    (lambda: InferReshape([3, -1], batch_mode=True), rand(2, 6, 2), lambda x: x.reshape(2, 3, 4)),
    (lambda: Replicate(3, dim=2), X2, lambda x: np.repeat(x[:, None, :], 3, axis=1)),
    (lambda: Replicate(2, dim=1, n_dim=1), X2, lambda x: np.repeat(x[:, None, :], 2, axis=1)),
    (lambda: Reverse(2), X3, lambda x: x[:, ::-1, :]),
    (lambda: Padding(2, -2, 2, value=0.5), X2, lambda x: np.pad(x, ((0, 0), (2, 0)), constant_values=0.5)),
    (lambda: Padding(1, 3, 1, value=-1.0), X2, lambda x: np.pad(x, ((0, 0), (0, 3)), constant_values=-1.0)),
    (lambda: Padding(2, -1, 2, value=2.0, n_index=2), X2,
     lambda x: np.concatenate([x[:, :1], np.full((3, 1), 2.0), x[:, 1:]], 1)),
    (lambda: SpatialZeroPadding(1, 2, 0, 3), X4, lambda x: np.pad(x, ((0, 0), (0, 0), (0, 3), (1, 2)))),
    (lambda: SpatialZeroPadding(-1, 1, 1, -1), X3, lambda x: np.pad(x[:, :-1, 1:], ((0, 0), (1, 0), (0, 1)))),
    (lambda: Cropping2D([1, 0], [1, 2]), X4, lambda x: x[:, :, 1:, 1:3]),
    (lambda: Cropping2D([0, 1], [2, 0], data_format="NHWC"), X4, lambda x: x[:, 0:2, 2:, :]),
    (lambda: Cropping3D([1, 0], [0, 1], [1, 1]), X5, lambda x: x[:, :, 1:, :3, 1:4]),
    (lambda: Cropping3D([0, 1], [1, 1], [0, 2], data_format="channel_last"), X5, lambda x: x[:, :1, 1:2, :2, :]),
    (lambda: Masking(0.5), XM, lambda x: x * (x != 0.5).any(-1, keepdims=True)),
    (lambda: RReLU(), X3, lambda x: rrelu_eval(x, 1 / 8, 1 / 3)),
    (lambda: RReLU(0.2, 0.6), X2, lambda x: rrelu_eval(x, 0.2, 0.6)),
    (lambda: L1Penalty(2), X2, lambda x: x),
    (lambda: GaussianDropout(0.3), X2, lambda x: x),
    (lambda: GaussianNoise(0.2), X3, lambda x: x),
    (lambda: SpatialDropout1D(0.3), X3, lambda x: 0.7 * x),
    (lambda: SpatialDropout2D(0.25), X4, lambda x: 0.75 * x),
    (lambda: SpatialDropout3D(data_format="NHWC"), X5, lambda x: 0.5 * x),
]


@pytest.mark.parametrize("make, x, reference", CASES)
def test_forward_matches_numpy(sc, make, x, reference):
    layer = make()
    y = layer.evaluate().forward(x)
    np.testing.assert_allclose(y, reference(x), rtol=1e-5, atol=1e-6)


def test_layers_with_parameters(sc):
    x = rand(4, 5)
    m = Maxout(5, 3, 4)
    w = m.get_weights()[0]
    assert w.size == 12 * 5 + 12
    lin = x @ w[:60].reshape(12, 5).T + w[60:]
    np.testing.assert_allclose(m.forward(x), lin.reshape(4, 4, 3).max(1), rtol=1e-5, atol=1e-5)

    s = Scale([3, 1, 1])
    w = s.get_weights()[0]
    np.testing.assert_allclose(s.forward(X4[:, :, :2, :2]), X4[:, :, :2, :2] * w[:3, None, None] + w[3:, None, None],
                               rtol=1e-5, atol=1e-6)

    r = SReLU([3, 4])
    params = np.concatenate([np.full(12, -0.5), np.full(12, 0.3), np.full(12, 0.5), np.full(12, 2.0)])
    r.set_weights([params])
    expected = np.where(X3 >= 0.5, 0.5 + 2 * (X3 - 0.5), np.where(X3 <= -0.5, -0.5 + 0.3 * (X3 + 0.5), X3))
    np.testing.assert_allclose(r.forward(X3), expected, rtol=1e-5, atol=1e-6)
    assert SReLU([2, 3], share_axes=[2]).get_weights()[0].size == 4 * 2


def test_l1_penalty_gradient(sc):
    layer = L1Penalty(3)
    layer.forward(X2)
    g = np.ones_like(X2)
    np.testing.assert_allclose(layer.backward(X2, g), g + 3 * np.sign(X2), rtol=1e-6)


def test_training_mode_draws_noise(sc):
    x = np.ones((2, 3, 8), dtype=np.float32)
    y = SpatialDropout1D(0.5).training().forward(x)
    # Whole channels are dropped together: each (sample, channel) column is all 0 or all 1.
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert (y.min(axis=1) == y.max(axis=1)).all()


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        Cropping2D([1], [1, 1])


def test_unsupported_maxout_options_raise():
    with pytest.raises(NotImplementedError):
        Maxout(2, 2, 2, init_weight=np.zeros((2, 4), np.float32))
