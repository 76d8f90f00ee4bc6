"""The wrappers of VolumetricFullConvolution, SpatialShareConvolution, SpatialWithinChannelLRN, the subtractive and
divisive normalisations, Cosine, Euclidean and Bilinear (ferrodl.nn.layers_conv), BilinearFiller, and regularisers on
the convolutions: each builds its Scala class through Python and matches numpy."""

import numpy as np
import pytest

from ferrodl.nn.layer import (Bilinear, BilinearFiller, ConstInitMethod, Cosine, Euclidean, SpatialConvolution,
                              SpatialDilatedConvolution, SpatialDivisiveNormalization, SpatialFullConvolution,
                              SpatialShareConvolution, SpatialSubtractiveNormalization, SpatialWithinChannelLRN,
                              TemporalConvolution, VolumetricConvolution, VolumetricFullConvolution, Zeros)
from ferrodl.optim.optimizer import L2Regularizer

RNG = np.random.default_rng(11)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_volumetric_full_convolution(sc):
    layer = VolumetricFullConvolution(2, 3, 2, 3, 2, 2, 2, 1, 1, 1, 0, 1, 1, 0)
    assert layer.forward(rand(2, 2, 3, 3, 4)).shape == (2, 3, 5, 4, 8)
    up = VolumetricFullConvolution(1, 1, 1, 1, 1, 2, 2, 2).set_weights([np.array([3.0, 0.5])])
    x = rand(1, 1, 2, 2, 2)
    y = up.forward(x)
    assert y.shape == (1, 1, 3, 3, 3)
    np.testing.assert_allclose(y[0, 0, ::2, ::2, ::2], 3 * x[0, 0] + 0.5, rtol=1e-5)
    np.testing.assert_allclose(y[0, 0, 1], 0.5)


def test_share_convolution_is_spatial_convolution(sc):
    x = rand(2, 4, 5, 6)
    share = SpatialShareConvolution(4, 2, 3, 2, 2, 1, 1, 0, n_group=2)
    conv = SpatialConvolution(4, 2, 3, 2, 2, 1, 1, 0, n_group=2).set_weights(share.get_weights())
    np.testing.assert_allclose(share.forward(x), conv.forward(x), rtol=1e-6)


def test_within_channel_lrn(sc):
    x = rand(1, 2, 4, 5)
    y = SpatialWithinChannelLRN(3, 2.0, 0.5).forward(x)
    p = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    s = sum(p[:, :, i:i + 4, j:j + 5] ** 2 for i in range(3) for j in range(3))
    np.testing.assert_allclose(y, x * (1 + 2.0 / 9 * s) ** -0.5, rtol=1e-5)


def _local_mean(x, k):
    """Torch7's local mean over all channels with the kernel ``k`` (2-D), corrected at the borders."""
    c, h, w = x.shape[1:]
    kh, kw = k.shape
    pad = lambda a: np.pad(a, ((0, 0), (0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)))
    corr = lambda a: sum(k[i, j] * pad(a)[:, :, i:i + h, j:j + w] for i in range(kh) for j in range(kw)).sum(1)
    return corr(x) / corr(np.ones_like(x[:1]))


def test_subtractive_and_divisive_normalization(sc):
    x = rand(2, 3, 5, 6)
    k = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]], dtype=np.float32)
    y = SpatialSubtractiveNormalization(3, k).forward(x)
    np.testing.assert_allclose(y, x - _local_mean(x, k)[:, None], rtol=1e-4, atol=1e-5)
    y = SpatialDivisiveNormalization(3, k).forward(x)
    # Torch7: the kernel normalised to sum 1/3 (three planes); the deviation √(Σ kn x²) over the border coefficient.
    kn = k / (k.sum() * 3)
    h, w = x.shape[2:]
    coef = sum(kn[i, j] * np.pad(np.ones((h, w)), 1)[i:i + h, j:j + w] for i in range(3) for j in range(3)) * 3
    s = sum(kn[i, j] * np.pad(x * x, ((0, 0), (0, 0), (1, 1), (1, 1)))[:, :, i:i + h, j:j + w]
            for i in range(3) for j in range(3)).sum(1)
    std = np.sqrt(s) / coef
    np.testing.assert_allclose(y, x / np.where(std > 1e-4, std, 1e-4)[:, None], rtol=1e-4)
    default = SpatialSubtractiveNormalization().forward(rand(1, 1, 10, 10))
    assert default.shape == (1, 1, 10, 10)
    with pytest.raises(Exception, match="SpatialSubtractiveNormalization"):
        SpatialSubtractiveNormalization(2).forward(rand(1, 3, 4, 4))


def test_cosine_and_euclidean(sc):
    x = rand(4, 5)
    cos = Cosine(5, 3)
    w = cos.get_weights()[0].reshape(3, 5)
    want = x @ w.T / np.linalg.norm(w, axis=1) / np.linalg.norm(x, axis=1, keepdims=True)
    np.testing.assert_allclose(cos.forward(x), want, rtol=1e-5)
    euc = Euclidean(5, 3)
    w = euc.get_weights()[0].reshape(5, 3)
    want = np.linalg.norm(x[:, :, None] - w[None], axis=1)
    np.testing.assert_allclose(euc.forward(x), want, rtol=1e-5)


def test_bilinear_over_a_table(sc):
    a, b = rand(3, 2), rand(3, 4)
    layer = Bilinear(2, 4, 5)
    flat = layer.get_weights()[0]
    w, bias = flat[:40].reshape(5, 2, 4), flat[40:]
    np.testing.assert_allclose(layer.forward([a, b]), np.einsum("ni,kij,nj->nk", a, w, b) + bias, rtol=1e-5,
                               atol=1e-6)
    ga, gb = layer.backward([a, b], np.ones((3, 5), dtype=np.float32))
    np.testing.assert_allclose(ga, np.einsum("kij,nj->ni", w, b), rtol=1e-5, atol=1e-6)
    assert Bilinear(2, 4, 5, bias_res=False, wRegularizer=L2Regularizer(0.1)).get_weights()[0].size == 40


def test_bilinear_filler_and_init_methods(sc):
    up = SpatialFullConvolution(1, 1, 4, 4, 2, 2, 1, 1).set_init_method(BilinearFiller(), Zeros())
    taps = np.array([0.25, 0.75, 0.75, 0.25])
    np.testing.assert_allclose(up.get_weights()[0][:16], np.outer(taps, taps).ravel(), rtol=1e-6)
    layer = VolumetricFullConvolution(2, 2, 1, 2, 2).set_init_method(ConstInitMethod(0.5), ConstInitMethod(-1.0))
    np.testing.assert_array_equal(layer.get_weights()[0], [0.5] * 16 + [-1.0] * 2)


def test_convolutions_take_regularizers(sc):
    for layer in (SpatialDilatedConvolution(1, 2, 2, 2, wRegularizer=L2Regularizer(0.1)),
                  SpatialFullConvolution(1, 2, 2, 2, bRegularizer=L2Regularizer(0.1)),
                  TemporalConvolution(3, 2, 2, weight_regularizer=L2Regularizer(0.1)),
                  VolumetricConvolution(1, 2, 1, 2, 2, wRegularizer=L2Regularizer(0.1)),
                  VolumetricFullConvolution(1, 2, 1, 2, 2, wRegularizer=L2Regularizer(0.1)),
                  SpatialShareConvolution(1, 2, 2, 2, wRegularizer=L2Regularizer(0.1))):
        assert "Regularizer" in str(layer.value.toSpec())
