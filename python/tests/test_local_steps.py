"""Local SGD from Python: ``set_local_steps(k)`` runs k iterations per Spark job and averages the
partitions' weights; it still learns the task, along another path than synchronous SGD."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import *
from ferrodl.optim.optimizer import *
from ferrodl.util.common import Sample
from ferrodl.util.jvm import FerrodlValueError


def _data(seed, n):
    rng = np.random.RandomState(seed)
    centres = np.array([[2, 0], [-2, 1], [0, -2]], dtype=np.float32)
    X = np.array([centres[i % 3] + 0.4 * rng.randn(2) for i in range(n)], dtype=np.float32)
    Y = np.array([i % 3 + 1 for i in range(n)], dtype=np.float32)
    return X, Y


def _train(sc, init, steps):
    X, Y = _data(5, 300)
    rdd = sc.parallelize([Sample(x, y) for x, y in zip(X, Y)], 2)
    model = Sequential().add(Linear(2, 16)).add(ReLU()).add(Linear(16, 3)).add(LogSoftMax())
    model.set_weights(init)
    opt = Optimizer(model, rdd, ClassNLLCriterion(), MaxIteration(30), 30)
    opt.set_optim_method(SGD(learningrate=0.2, momentum=0.9)).set_seed(3).set_local_steps(steps)
    return opt.optimize(progress=False)


def test_local_steps_learn_along_another_path(sc):
    init = Sequential().add(Linear(2, 16)).add(ReLU()).add(Linear(16, 3)).add(LogSoftMax()).get_weights()
    sync = _train(sc, init, 1)
    local = _train(sc, init, 5)
    flat = lambda m: np.concatenate([w.ravel() for w in m.get_weights()])
    assert np.linalg.norm(flat(sync) - flat(local)) > 1e-3
    X, Y = _data(9, 150)
    for model in (sync, local):
        predicted = np.argmax(model.predict(X), axis=1) + 1
        assert np.mean(predicted == Y) > 0.95


def test_a_step_count_below_one_is_refused(sc):
    X, Y = _data(5, 30)
    rdd = sc.parallelize([Sample(x, y) for x, y in zip(X, Y)], 2)
    opt = Optimizer(Sequential().add(Linear(2, 3)).add(LogSoftMax()), rdd, ClassNLLCriterion(), MaxIteration(3), 10)
    with pytest.raises(FerrodlValueError, match="setLocalSteps must be an integer of at least 1"):
        opt.set_local_steps(0)
