"""The wrappers of ferrodl.nn.layers_conv: each builds its Scala class through Python, gives the
output shape BigDL gives, and one value matches numpy or a hand computation."""

import numpy as np
import pytest

from ferrodl.nn.layer import (LayerNormalization, LocallyConnected1D, LocallyConnected2D, Normalize, ResizeBilinear,
                              SpatialCrossMapLRN, SpatialDilatedConvolution, SpatialFullConvolution,
                              SpatialSeparableConvolution, TemporalConvolution, TemporalMaxPooling, UpSampling1D,
                              UpSampling2D, UpSampling3D, VolumetricAveragePooling, VolumetricConvolution,
                              VolumetricMaxPooling)

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_dilated_convolution(sc):
    conv = SpatialDilatedConvolution(1, 1, 2, 2, dilation_w=2, dilation_h=2)
    conv.set_weights([np.ones(4), np.array([0.5])])
    x = rand(1, 1, 5, 5)
    y = conv.forward(x)
    assert y.shape == (1, 1, 3, 3)
    want = x[0, 0, 0, 0] + x[0, 0, 0, 2] + x[0, 0, 2, 0] + x[0, 0, 2, 2] + 0.5
    np.testing.assert_allclose(y[0, 0, 0, 0], want, rtol=1e-5)


def test_full_convolution(sc):
    assert SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1).forward(rand(2, 2, 4, 5)).shape == (2, 3, 8, 10)
    up = SpatialFullConvolution(1, 1, 1, 1, 2, 2).set_weights([np.array([2.0]), np.array([0.25])])
    x = rand(1, 1, 2, 2)
    y = up.forward(x)
    assert y.shape == (1, 1, 3, 3)
    np.testing.assert_allclose(y[0, 0, ::2, ::2], 2 * x[0, 0] + 0.25, rtol=1e-5)
    np.testing.assert_allclose(y[0, 0, 1, 1], 0.25, rtol=1e-6)
    nobias = SpatialFullConvolution(4, 2, 2, 2, n_group=2, no_bias=True)
    assert nobias.get_weights()[0].size == 4 * 1 * 2 * 2


def test_temporal_convolution_and_max_pooling(sc):
    conv = TemporalConvolution(3, 2, 2)
    w, b = rand(2, 6), rand(2)
    conv.set_weights([w, b])
    x = rand(2, 5, 3)
    y = conv.forward(x)
    assert y.shape == (2, 4, 2)
    np.testing.assert_allclose(y[1, 2], w @ x[1, 2:4].ravel() + b, rtol=1e-5, atol=1e-6)
    x = rand(1, 6, 3)
    y = TemporalMaxPooling(2).forward(x)
    np.testing.assert_allclose(y, x.reshape(1, 3, 2, 3).max(axis=2))
    assert TemporalMaxPooling(3, 1).forward(x).shape == (1, 4, 3)
    with pytest.raises(Exception, match="TemporalConvolution"):
        TemporalConvolution(3, 2, 4).forward(rand(2, 3, 3))


def test_upsampling(sc):
    x = rand(2, 3, 4)
    np.testing.assert_array_equal(UpSampling1D(2).forward(x), np.repeat(x, 2, axis=1))
    x = rand(1, 2, 3, 2)
    y = UpSampling2D([2, 3]).forward(x)
    assert y.shape == (1, 2, 6, 6)
    np.testing.assert_array_equal(y, np.repeat(np.repeat(x, 2, axis=2), 3, axis=3))
    assert UpSampling2D([2, 1], data_format="NHWC").forward(x).shape == (1, 4, 3, 2)


def test_resize_bilinear(sc):
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=np.float32)
    y = ResizeBilinear(3, 3, align_corner=True).forward(x)
    assert y.shape == (1, 1, 3, 3)
    np.testing.assert_allclose(y[0, 0], [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]], rtol=1e-6)
    # Without aligned corners, TensorFlow's sampling: output pixel o reads o * in / out.
    y = ResizeBilinear(1, 4).forward(x)
    np.testing.assert_allclose(y[0, 0, 0], [1, 1.5, 2, 2], rtol=1e-6)


def test_normalizations(sc):
    x = rand(3, 4) * 2 + 1
    y = LayerNormalization(4).forward(x)
    want = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5)
    y = Normalize(2.0).forward(x)
    np.testing.assert_allclose(y, x / np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-5)
    x = rand(1, 4, 2, 2)
    y = SpatialCrossMapLRN(3, 1.0, 0.75, 1.0).forward(x)
    assert y.shape == x.shape
    # Channel 1's window holds channels 0, 1 and 2.
    scale = 1.0 + (x[0, 0:3, 1, 0] ** 2).sum() / 3
    np.testing.assert_allclose(y[0, 1, 1, 0], x[0, 1, 1, 0] * scale ** -0.75, rtol=1e-5)
    with pytest.raises(Exception):
        SpatialCrossMapLRN(4)


def test_volumetric_layers(sc):
    conv = VolumetricConvolution(1, 1, 2, 2, 2)
    conv.set_weights([np.ones(8), np.array([-1.0])])
    x = rand(1, 1, 3, 4, 5)
    y = conv.forward(x)
    assert y.shape == (1, 1, 2, 3, 4)
    np.testing.assert_allclose(y[0, 0, 1, 2, 3], x[0, 0, 1:3, 2:4, 3:5].sum() - 1, rtol=1e-5, atol=1e-5)
    assert VolumetricConvolution(2, 3, 1, 3, 3, pad_w=1, pad_h=1, with_bias=False).forward(rand(2, 4, 5, 5)).shape \
        == (3, 4, 5, 5)
    x = rand(2, 3, 4, 4, 6)
    y = VolumetricMaxPooling(2, 2, 2, 2, 2, 2).forward(x)
    assert y.shape == (2, 3, 2, 2, 3)
    np.testing.assert_allclose(y[1, 2, 1, 0, 2], x[1, 2, 2:4, 0:2, 4:6].max())
    y = VolumetricAveragePooling(2, 3, 2).forward(x)
    assert y.shape == (2, 3, 3, 3, 4)
    np.testing.assert_allclose(y[0, 1, 2, 1, 0], x[0, 1, 2:4, 1:3, 0:3].mean(), rtol=1e-5, atol=1e-6)
    x = rand(1, 2, 2, 3, 2)
    y = UpSampling3D([2, 1, 3]).forward(x)
    np.testing.assert_array_equal(y, np.repeat(np.repeat(x, 2, axis=2), 3, axis=4))


def test_locally_connected(sc):
    m = LocallyConnected1D(5, 2, 3, 2)
    w, b = rand(4, 3, 4), rand(4, 3)
    m.set_weights([w, b])
    x = rand(2, 5, 2)
    y = m.forward(x)
    assert y.shape == (2, 4, 3)
    np.testing.assert_allclose(y[1, 2], w[2] @ x[1, 2:4].ravel() + b[2], rtol=1e-5, atol=1e-6)
    m = LocallyConnected2D(2, 4, 3, 3, 2, 2)
    w, b = rand(6, 3, 8), rand(6, 3)
    m.set_weights([w, b])
    x = rand(1, 2, 3, 4)
    y = m.forward(x)
    assert y.shape == (1, 3, 2, 3)
    # Output pixel (1, 2) is position 5; its window is rows 1:3 and columns 2:4 of each plane.
    np.testing.assert_allclose(y[0, :, 1, 2], w[5] @ x[0, :, 1:3, 2:4].ravel() + b[5], rtol=1e-5, atol=1e-6)


def test_separable_convolution(sc):
    m = SpatialSeparableConvolution(2, 3, 2, 2, 2)
    depth, point, bias = rand(4, 1, 2, 2), rand(3, 4), rand(3)
    m.set_weights([depth, point, bias])
    x = rand(1, 2, 3, 4)
    y = m.forward(x)
    assert y.shape == (1, 3, 2, 3)
    # Depthwise plane k reads input channel k // 2; then the planes mix.
    mid = np.array([(depth[k, 0] * x[0, k // 2, 1:3, 0:2]).sum() for k in range(4)])
    np.testing.assert_allclose(y[0, :, 1, 0], point @ mid + bias, rtol=1e-5, atol=1e-5)
    assert SpatialSeparableConvolution(2, 3, 1, 3, 3, pad_w=-1, pad_h=-1).forward(x).shape == (1, 3, 3, 4)
