"""Initialisation methods (and ``Layer.set_init_method``), DistriOptimizer and Validator."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import ClassNLLCriterion
from ferrodl.nn import initialization_method
from ferrodl.optim.optimizer import *
from ferrodl.util.common import Sample


def scala_name(obj):
    return obj.value.getClass().getName()


def test_initialization_methods_build_their_scala_values(sc):
    cases = [
        (Zeros(), "ferrodl.nn.Zeros$", "Zeros", []),
        (Ones(), "ferrodl.nn.Ones$", "Ones", []),
        (Xavier(), "ferrodl.nn.Xavier$", "Xavier", []),
        (RandomUniform(), "ferrodl.nn.RandomUniform$", "RandomUniform", []),
        (RandomUniform(-0.1, 0.2), "ferrodl.nn.RandomUniform", "RandomUniform", [-0.1, 0.2]),
        (RandomUniform(upper=0.2, lower=-0.1), "ferrodl.nn.RandomUniform", "RandomUniform", [-0.1, 0.2]),
        (RandomNormal(1, 0.5), "ferrodl.nn.RandomNormal", "RandomNormal", [1.0, 0.5]),
        (ConstInitMethod(3), "ferrodl.nn.ConstInitMethod", "ConstInitMethod", [3.0]),
        (MsraFiller(), "ferrodl.nn.MsraFiller", "MsraFiller", [1.0]),
        (MsraFiller(False), "ferrodl.nn.MsraFiller", "MsraFiller", [0.0]),
    ]
    for method, cls, name, args in cases:
        assert isinstance(method, initialization_method.InitializationMethod)
        assert (scala_name(method), method.name()) == (cls, name)
        assert method.args() == pytest.approx(args)
    uniform = RandomUniform(0.3, -0.2)
    assert (uniform.value.lower(), uniform.value.upper()) == (pytest.approx(-0.2), pytest.approx(0.3))
    normal = RandomNormal(0.5, 2)
    assert (normal.value.mean(), normal.value.stdv()) == (0.5, 2.0)
    assert ConstInitMethod(0.25).value.value() == 0.25 and not MsraFiller(False).value.varianceNormAverage()
    with pytest.raises(ValueError):
        RandomUniform(0.1)


def test_set_init_method_fills_weights_and_biases(sc):
    lin = Linear(4, 3).set_init_method(ConstInitMethod(0.25), Zeros())
    w = lin.get_weights()[0]
    np.testing.assert_array_equal(w[:12], 0.25)
    np.testing.assert_array_equal(w[12:], 0)
    lin.set_init_method(bias_init_method=Ones())          # the weight goes back to its default
    w = lin.get_weights()[0]
    np.testing.assert_array_equal(w[12:], 1)
    assert np.abs(w[:12]).max() <= 0.5 and len(np.unique(w[:12])) > 1
    x = np.ones((1, 1, 3, 3), np.float32)
    conv = SpatialConvolution(1, 2, 2, 2).set_init_method(Ones(), ConstInitMethod(0.5))
    np.testing.assert_allclose(conv.forward(x), np.full((1, 2, 2, 2), 4.5), rtol=1e-6)
    table = LookupTable(10, 4).set_init_method(Zeros())
    np.testing.assert_array_equal(table.get_weights()[0], 0)


def test_random_initialisations_have_their_distributions(sc):
    def weights(method, n_in=200, n_out=100):
        return Linear(n_in, n_out).set_init_method(method, Zeros()).get_weights()[0][:n_in * n_out]

    u = weights(RandomUniform(-0.1, 0.3))
    assert u.min() >= -0.1 and u.max() < 0.3 and u.mean() == pytest.approx(0.1, abs=0.01)
    n = weights(RandomNormal(1.0, 0.5))
    assert n.mean() == pytest.approx(1.0, abs=0.02) and n.std() == pytest.approx(0.5, rel=0.05)
    limit = np.sqrt(6 / (200 + 100))
    x = weights(Xavier())
    assert np.abs(x).max() <= limit and x.std() == pytest.approx(limit / np.sqrt(3), rel=0.05)
    fan_in = weights(RandomUniform())
    assert np.abs(fan_in).max() <= 1 / np.sqrt(200)
    m = weights(MsraFiller(False))
    assert m.std() == pytest.approx(np.sqrt(2 / 200), rel=0.05)


def two_blobs(n, seed):
    rng = np.random.RandomState(seed)
    labels = np.arange(n) % 2 + 1
    x = np.array([[2.0, 0.0] if y == 1 else [-2.0, 0.0] for y in labels]) + 0.3 * rng.randn(n, 2)
    return x.astype(np.float32), labels.astype(np.float32)


def test_distri_optimizer_and_validator(sc):
    x, y = two_blobs(80, 1)
    rdd = sc.parallelize([Sample(f, l) for f, l in zip(x, y)], 2)
    model = Sequential().add(Linear(2, 2)).add(LogSoftMax())
    optimizer = DistriOptimizer(model, rdd, ClassNLLCriterion(), MaxEpoch(4), 16, optim_method=SGD(learningrate=0.5))
    assert isinstance(optimizer, Optimizer) and scala_name(optimizer) == "ferrodl.optim.DistriOptimizer"
    trained = optimizer.optimize(progress=False)

    validator = Validator(trained, rdd)
    assert scala_name(validator) == "ferrodl.optim.Validator"
    top1, loss = validator.test([Top1Accuracy(), "Loss"], batch_size=16)
    out = trained.forward(x)
    accuracy = float((out.argmax(axis=1) + 1 == y).mean())
    assert (top1.method, top1.total_num, top1.result) == ("Top1Accuracy", 80, pytest.approx(accuracy))
    assert accuracy > 0.95
    assert (loss.method, loss.total_num) == ("Loss", 80)
    assert loss.result == pytest.approx(-out[np.arange(80), y.astype(int) - 1].mean(), rel=1e-4)
    (default_batch,) = Validator(trained, rdd).test(Top1Accuracy())
    assert default_batch.result == pytest.approx(accuracy)
