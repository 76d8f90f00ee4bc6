"""The optimisation methods and schedules added last: built from Python, read back in Scala."""

import numpy as np
import pytest

from ferrodl.optim.optimizer import *


def test_methods(sc):
    f = Ftrl(learningrate=0.1, l1_regularization_strength=0.01)
    assert f.value.learningRate() == pytest.approx(0.1) and f.value.l1RegularizationStrength() == pytest.approx(0.01)
    assert LBFGS(ncorrection=5).value.nCorrection() == 5
    with pytest.raises(ValueError, match="unknown line search"):
        LBFGS(linesearch="strong wolfe")
    assert LBFGS(linesearch="lswolfe").value.lineSearch().isDefined()
    assert LarsSGD(trust=0.5, learningrate=0.2).value.learningRate() == pytest.approx(0.2)
    sgd = SGD(learningrate=0.1, learningrates=np.ones(3), weightdecays=np.zeros(3))
    assert list(sgd.value.learningRates().size()) == [3]


def test_schedules(sc):
    e = EpochSchedule([Regime(1, 3, {"learningRate": 1e-2}), Regime(4, 9, {"learningRate": 1e-3, "weightDecay": 5e-4})])
    assert "EpochSchedule" in str(e.value.toSpec())
    decay = EpochDecay(lambda epoch: epoch // 3, max_epoch=10)
    fn = decay.value.decayType()
    assert [fn.apply(k) for k in (1, 3, 6, 50)] == [0.0, 1.0, 2.0, 3.0]
    assert EpochDecayWithWarmUp(5, 0.01, lambda e: 0.0, max_epoch=3).value.warmUpIteration() == 5
    seq = SequentialSchedule(100).add(Warmup(0.1), 10).add(Poly(0.5, 1000), 1000)
    assert seq.value.schedules().size() == 2
    p = Plateau("Loss", factor=0.5, patience=2, mode="min")
    assert (p.value.monitor(), p.value.patience()) == ("Loss", 2)
    with pytest.raises(Exception):
        Plateau("accuracy")
    m = SGD(learningrate=0.1, leaningrate_schedule=seq)
    assert "SequentialSchedule" in str(m)


def test_set_optim_methods(sc):
    from ferrodl.nn.criterion import ClassNLLCriterion
    from ferrodl.nn.layer import Linear, LogSoftMax, Sequential
    rng = np.random.RandomState(2)
    X = np.array([rng.randn(2) + (i % 2) * 3 for i in range(100)], dtype=np.float32)
    Y = np.array([i % 2 + 1 for i in range(100)], dtype=np.float32)
    model = Sequential().add(Linear(2, 4).set_name("a")).add(Linear(4, 2).set_name("b")).add(LogSoftMax())
    before = model.get_weights()[0].copy()
    opt = LocalOptimizer(X, Y, model, ClassNLLCriterion(), MaxEpoch(2), 20)
    opt.set_optim_methods({"a": SGD(learningrate=0.0), "b": Adam(learningrate=0.01)}).optimize(progress=False)
    after = model.get_weights()[0]
    assert np.array_equal(before[:12], after[:12]) and not np.array_equal(before[12:], after[12:])
