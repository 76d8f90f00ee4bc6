"""Gradient compression from Python: ``set_gradient_compression("bf16")`` sends bfloat16 gradients
to the driver on Spark; training still converges to about where 32-bit gradients take it."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import *
from ferrodl.optim.optimizer import *
from ferrodl.util.common import Sample
from ferrodl.util.jvm import FerrodlValueError


def _model():
    return Sequential().add(Linear(2, 16)).add(ReLU()).add(Linear(16, 3)).add(LogSoftMax())


def _optimizer(sc, init):
    rng = np.random.RandomState(5)
    centres = np.array([[2, 0], [-2, 1], [0, -2]], dtype=np.float32)
    X = np.array([centres[i % 3] + 0.4 * rng.randn(2) for i in range(300)], dtype=np.float32)
    Y = np.array([i % 3 + 1 for i in range(300)], dtype=np.float32)
    rdd = sc.parallelize([Sample(x, y) for x, y in zip(X, Y)], 2)
    model = _model()
    model.set_weights(init)  # every run starts from the same weights
    opt = Optimizer(model, rdd, ClassNLLCriterion(), MaxIteration(25), 30)
    opt.set_optim_method(SGD(learningrate=0.2)).set_seed(3)
    return opt


def _weights(model):
    return np.concatenate([w.ravel() for w in model.get_weights()])


def test_bf16_gradients_train_close_to_float_ones(sc):
    init = _model().get_weights()
    plain = _weights(_optimizer(sc, init).optimize(progress=False))
    packed = _weights(_optimizer(sc, init).set_gradient_compression("bf16").optimize(progress=False))
    diff = np.linalg.norm(plain - packed)
    assert 0 < diff < 0.02 * np.linalg.norm(plain)


def test_an_unknown_compression_is_refused(sc):
    with pytest.raises(FerrodlValueError, match="must be one of none, bf16"):
        _optimizer(sc, _model().get_weights()).set_gradient_compression("fp8")
