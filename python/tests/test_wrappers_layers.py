"""Layer wrappers, family by family: each builds its Scala class, its arguments read back through the
Scala vals, and its forward pass matches numpy."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.optim.optimizer import L2Regularizer
from ferrodl.util.jvm import FerrodlValueError

INT_MIN = -2 ** 31


def scala_name(layer):
    return layer.value.getClass().getName()


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


X = np.array([[-2.5, -1.2, -0.3, 0.0, 0.4, 1.1, 2.7, 7.0],
              [3.0, -0.7, 0.2, -4.0, 0.9, -0.05, 1.6, -1.5]], dtype=np.float32)
POSITIVE = np.abs(X) + 0.1

# (layer, its Scala vals and their values, numpy reference, input)
ACTIVATIONS = [
    (lambda: Sigmoid(), {}, sigmoid, X),
    (lambda: ReLU6(True), {"inplace": True}, lambda x: np.clip(x, 0, 6), X),
    (lambda: LeakyReLU(0.2), {"negval": 0.2, "inplace": False}, lambda x: np.where(x > 0, x, 0.2 * x), X),
    (lambda: ELU(0.7), {"alpha": 0.7}, lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)), X),
    (lambda: HardTanh(-0.5, 2.0, True), {"minValue": -0.5, "maxValue": 2.0, "inplace": True},
     lambda x: np.clip(x, -0.5, 2.0), X),
    (lambda: Clamp(-1, 1.5), {"min": -1.0, "max": 1.5}, lambda x: np.clip(x, -1, 1.5), X),
    (lambda: HardSigmoid(), {}, lambda x: np.clip(0.2 * x + 0.5, 0, 1), X),
    (lambda: LogSigmoid(), {}, lambda x: -np.log1p(np.exp(-x)), X),
    (lambda: SoftPlus(2.0), {"beta": 2.0}, lambda x: np.log1p(np.exp(2 * x)) / 2, X),
    (lambda: SoftSign(), {}, lambda x: x / (1 + np.abs(x)), X),
    (lambda: SoftShrink(0.5), {"lambda": 0.5}, lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)), X),
    (lambda: HardShrink(1.0), {"lambda": 1.0}, lambda x: np.where(np.abs(x) > 1, x, 0), X),
    (lambda: TanhShrink(), {}, lambda x: x - np.tanh(x), X),
    (lambda: Threshold(0.5, -1.0, True), {"th": 0.5, "v": -1.0, "ip": True}, lambda x: np.where(x > 0.5, x, -1.0), X),
    (lambda: Abs(), {}, np.abs, X),
    (lambda: Square(), {}, np.square, X),
    (lambda: Sqrt(), {}, np.sqrt, POSITIVE),
    (lambda: Exp(), {}, np.exp, X),
    (lambda: Log(), {}, np.log, POSITIVE),
    (lambda: Power(2, 0.5, 1.0), {"power": 2.0, "scale": 0.5, "shift": 1.0}, lambda x: (1 + 0.5 * x) ** 2, X),
    (lambda: MulConstant(2.5), {"scalar": 2.5}, lambda x: 2.5 * x, X),
    (lambda: AddConstant(1.5, True), {"constant_scalar": 1.5, "inplace": True}, lambda x: x + 1.5, X),
    (lambda: SoftMax(), {}, softmax, X),
    (lambda: SoftMin(), {}, lambda x: softmax(-x), X),
    (lambda: Identity(), {}, lambda x: x, X),
    (lambda: Echo(), {}, lambda x: x, X),
    (lambda: Contiguous(), {}, lambda x: x, X),
    (lambda: ReLU(True), {"ip": True}, lambda x: np.maximum(x, 0), X),
    (lambda: Tanh(), {}, np.tanh, X),
    (lambda: LogSoftMax(), {}, lambda x: np.log(softmax(x)), X),
]


def check_vals(layer, vals):
    for name, expected in vals.items():
        got = getattr(layer.value, name)()
        assert got == (pytest.approx(expected) if isinstance(expected, float) else expected), name


@pytest.mark.parametrize("make, vals, reference, x", ACTIVATIONS,
                         ids=[f"{i}" for i in range(len(ACTIVATIONS))])
def test_activations(sc, make, vals, reference, x):
    layer = make()
    assert scala_name(layer) == "ferrodl.nn." + type(layer).__name__
    check_vals(layer, vals)
    np.testing.assert_allclose(layer.forward(x), reference(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_activation_defaults_are_bigdls(sc):
    check_vals(LeakyReLU(), {"negval": 0.01, "inplace": False})
    check_vals(ELU(), {"alpha": 1.0})
    check_vals(HardTanh(), {"minValue": -1.0, "maxValue": 1.0})
    check_vals(SoftPlus(), {"beta": 1.0})
    check_vals(SoftShrink(), {"lambda": 0.5})
    check_vals(Threshold(), {"th": 1e-6, "v": 0.0, "ip": False})
    check_vals(Power(3), {"power": 3.0, "scale": 1.0, "shift": 0.0})
    assert Sigmoid(bigdl_type="float").value is not None


def test_shape_layers(sc):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    view = View([4, 3], num_input_dims=2)
    assert scala_name(view) == "ferrodl.nn.View" and list(view.value.sizes()) == [4, 3]
    assert "numInputDims=2" in str(view)
    np.testing.assert_array_equal(view.forward(x), x.reshape(2, 4, 3))
    assert "numInputDims=-1" in str(View([2, 12]))

    sq = Squeeze(2)
    assert (sq.value.dim(), sq.value.numInputDims()) == (2, INT_MIN)
    np.testing.assert_array_equal(sq.forward(x.reshape(3, 1, 8)), x.reshape(3, 8))
    assert Squeeze().value.dim() == INT_MIN
    np.testing.assert_array_equal(Squeeze().forward(x.reshape(1, 24, 1)), x.reshape(24))
    un = Unsqueeze(2, 1)
    assert (un.value.pos(), un.value.numInputDims()) == (2, 1)
    np.testing.assert_array_equal(Unsqueeze(2).forward(x), x.reshape(2, 1, 3, 4))

    tr = Transpose([(1, 2), (2, 3)])
    perms = tr.value.permutations()
    assert [(perms[i]._1(), perms[i]._2()) for i in range(len(perms))] == [(1, 2), (2, 3)]
    np.testing.assert_array_equal(tr.forward(x), np.transpose(x, (1, 2, 0)))

    narrow = Narrow(3, 2, 2)
    assert (narrow.value.dimension(), narrow.value.offset(), narrow.value.length()) == (3, 2, 2)
    np.testing.assert_array_equal(narrow.forward(x), x[:, :, 1:3])
    select = Select(2, 3)
    assert (select.value.dim(), select.value.index()) == (2, 3)
    np.testing.assert_array_equal(select.forward(x), x[:, 2])


def test_reductions(sc):
    x = np.random.RandomState(0).randn(3, 4).astype(np.float32)
    s = Sum(2, size_average=True, squeeze=False)
    v = s.value
    assert (v.dimension(), v.nInputDims(), v.sizeAverage(), v.squeeze()) == (2, -1, True, False)
    np.testing.assert_allclose(s.forward(x), x.mean(axis=1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(Sum(2).forward(x), x.sum(axis=1), rtol=1e-5)
    mean = Mean(1, 1, True)
    assert (mean.value.dimension(), mean.value.nInputDims(), mean.value.squeeze()) == (1, 1, True)
    np.testing.assert_allclose(Mean().forward(x), x.mean(axis=0), rtol=1e-5)
    mx, mn = Max(2), Min(1, 1)
    assert (mx.value.dim(), mx.value.numInputDims(), mn.value.dim(), mn.value.numInputDims()) == (2, INT_MIN, 1, 1)
    np.testing.assert_array_equal(mx.forward(x), x.max(axis=1))
    np.testing.assert_array_equal(Min().forward(x), x.min(axis=0))


def test_average_pooling(sc):
    pool = SpatialAveragePooling(2, 2, 2, 2, 1, 0, ceil_mode=True, count_include_pad=False, divide=True)
    v = pool.value
    assert scala_name(pool) == "ferrodl.nn.SpatialAveragePooling"
    assert (v.kW(), v.kH(), v.dW(), v.dH(), v.padW(), v.padH(), v.globalPooling(), v.countIncludePad(),
            v.divide()) == (2, 2, 2, 2, 1, 0, False, False, True)
    assert "ceilMode=1" in str(pool) and "ceilMode=0" in str(SpatialAveragePooling(3, 3))
    x = np.arange(32, dtype=np.float32).reshape(1, 2, 4, 4)
    blocks = x.reshape(1, 2, 2, 2, 2, 2).mean(axis=(3, 5))
    np.testing.assert_allclose(SpatialAveragePooling(2, 2, 2, 2).forward(x), blocks, rtol=1e-6)
    np.testing.assert_allclose(SpatialAveragePooling(2, 2, 2, 2, divide=False).forward(x), 4 * blocks, rtol=1e-6)
    np.testing.assert_allclose(SpatialAveragePooling(0, 0, global_pooling=True).forward(x),
                               x.mean(axis=(2, 3), keepdims=True), rtol=1e-6)
    with pytest.raises(NotImplementedError):
        SpatialAveragePooling(2, 2, format="NHWC")


def test_batch_normalization(sc):
    bn = BatchNormalization(3, eps=1e-3, momentum=0.2, affine=True)
    v = bn.value
    assert scala_name(bn) == "ferrodl.nn.BatchNormalization"
    assert (v.nOutput(), v.eps(), v.momentum(), v.affine()) == (3, pytest.approx(1e-3), pytest.approx(0.2), True)
    gamma, beta = np.array([1.0, 2.0, 0.5], np.float32), np.array([0.0, -1.0, 3.0], np.float32)
    bn.set_weights([gamma, beta]).evaluate()
    x = np.random.RandomState(1).randn(4, 3).astype(np.float32)
    # Fresh running statistics are mean 0, variance 1.
    np.testing.assert_allclose(bn.forward(x), x / np.sqrt(1 + 1e-3) * gamma + beta, rtol=1e-5, atol=1e-6)
    sbn = SpatialBatchNormalization(2, affine=False)
    assert scala_name(sbn) == "ferrodl.nn.SpatialBatchNormalization" and not sbn.value.affine()
    y = sbn.forward(np.random.RandomState(2).randn(4, 2, 3, 3).astype(np.float32))
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    with pytest.raises(NotImplementedError):
        BatchNormalization(2, init_weight=np.ones(2))


def test_lookup_table(sc):
    lt = LookupTable(5, 3, padding_value=1, should_scale_grad_by_freq=True, wRegularizer=L2Regularizer(0.1))
    v = lt.value
    assert (v.nIndex(), v.nOutput(), v.paddingValue(), v.normType(), v.shouldScaleGradByFreq()) == (
        5, 3, 1.0, 2.0, True)
    assert v.maxNorm() == DOUBLEMAX and v.wRegularizer().l2() == pytest.approx(0.1)
    table = np.arange(15, dtype=np.float32) / 10
    lt.set_weights([table])
    idx = np.array([[1, 3], [5, 2]], dtype=np.float32)
    np.testing.assert_allclose(lt.forward(idx), table.reshape(5, 3)[idx.astype(int) - 1], rtol=1e-6)
    with pytest.raises(FerrodlValueError):
        LookupTable(5, 3, max_norm=1.0)


def test_learned_scales_and_shifts(sc):
    x = np.random.RandomState(3).randn(2, 3).astype(np.float32)
    w = np.array([0.5, -2.0, 3.0], np.float32)
    cmul = CMul([1, 3])
    assert scala_name(cmul) == "ferrodl.nn.CMul" and list(cmul.value.size()) == [1, 3]
    np.testing.assert_allclose(cmul.set_weights([w]).forward(x), x * w, rtol=1e-6)
    cadd = CAdd([3])
    assert list(cadd.value.size()) == [3]
    np.testing.assert_allclose(cadd.set_weights([w]).forward(x), x + w, rtol=1e-6)
    np.testing.assert_allclose(Mul().set_weights([np.array([1.5], np.float32)]).forward(x), 1.5 * x, rtol=1e-6)
    add = Add(3)
    assert add.value.inputSize() == 3
    np.testing.assert_allclose(add.set_weights([w]).forward(x), x + w, rtol=1e-6)
    prelu = PReLU()
    assert prelu.value.nOutputPlane() == 0
    np.testing.assert_allclose(prelu.set_weights([np.array([0.25], np.float32)]).forward(x),
                               np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    assert PReLU(4).value.nOutputPlane() == 4
    # The regularisers reach the Scala layers (LayerRegularizerTest checks where the engine applies them).
    assert CMul([3], wRegularizer=L2Regularizer(0.5)).value.wRegularizer().l2() == 0.5
    assert CAdd([3], bRegularizer=L2Regularizer(0.25)).value.bRegularizer().l2() == 0.25


def test_containers_hold_the_new_layers(sc):
    seq = Sequential().add(Linear(3, 4)).add(Sigmoid()).add(Sum(2)).add(MulConstant(0.5))
    assert scala_name(seq) == "ferrodl.nn.Sequential" and seq.value.modules().size() == 4
    x = np.random.RandomState(4).randn(5, 3).astype(np.float32)
    w = seq.get_weights()[0]
    expected = 0.5 * sigmoid(x @ w[:12].reshape(4, 3).T + w[12:]).sum(axis=1)
    np.testing.assert_allclose(seq.forward(x), expected, rtol=1e-5)
