"""The functional API and tables from Python: ``Linear(4, 1)(node)``, ``Model(inputs, outputs)``."""

import numpy as np
import pytest

from ferrodl.nn.criterion import ClassNLLCriterion
from ferrodl.nn.layer import *
from ferrodl.optim.optimizer import MaxEpoch, Optimizer, SGD, Top1Accuracy
from ferrodl.util.common import Sample


def test_the_seed_graph_builds_and_matches_numpy(sc):
    linear = Linear(4, 1)()
    sigmoid = Sigmoid()(linear)
    model = Model([linear], [sigmoid])
    w = model.get_weights()[0]
    x = np.random.RandomState(0).rand(3, 4).astype(np.float32)
    expected = 1 / (1 + np.exp(-(x @ w[:4] + w[4])))
    np.testing.assert_allclose(model.forward(x).ravel(), expected, rtol=1e-5)


def test_branches_merge_and_tables_cross_as_lists(sc):
    inp = Input()
    h = Linear(3, 4)(inp)
    merged = CAddTable()(Tanh()(h), ReLU()(h))
    two = Model([inp], [merged, h])
    x = np.ones((2, 3), np.float32)
    out = two.forward(x)
    assert isinstance(out, list) and [o.shape for o in out] == [(2, 4), (2, 4)]
    np.testing.assert_allclose(out[0], np.tanh(out[1]) + np.maximum(out[1], 0), rtol=1e-5)
    grad = two.backward(x, [np.ones((2, 4), np.float32), np.zeros((2, 4), np.float32)])
    assert grad.shape == (2, 3)
    join = Sequential().add(ParallelTable().add(Linear(3, 2)).add(Identity())).add(JoinTable(1, 1))
    y = join.forward([np.ones((4, 3), np.float32), np.zeros((4, 5), np.float32)])
    assert y.shape == (4, 7)
    with pytest.raises(TypeError):
        Linear(2, 2)("not a node")


def test_a_graph_trains_on_spark(sc):
    rng = np.random.RandomState(3)
    centres = np.array([[2, 0, 0, 1], [-2, 1, 0, 0], [0, -2, 2, 0]], dtype=np.float32)
    data = sc.parallelize([Sample.from_ndarray(centres[i % 3] + 0.5 * rng.randn(4), i % 3 + 1) for i in range(600)], 2)
    inp = Input()
    h = Linear(4, 8)(inp)
    out = LogSoftMax()(Linear(8, 3)(CAddTable()(Tanh()(h), Sigmoid()(h))))
    model = Model(inp, out)
    Optimizer(model=model, training_rdd=data, criterion=ClassNLLCriterion(), end_trigger=MaxEpoch(3),
              batch_size=32, optim_method=SGD(learningrate=0.2)).optimize(progress=False)
    assert model.evaluate(data, 64, [Top1Accuracy()])[0].result > 0.95


def test_two_inputs_and_two_outputs_train_with_a_parallel_criterion(sc):
    rng = np.random.RandomState(5)
    rows = []
    for i in range(400):
        c = i % 2
        a = rng.randn(3).astype(np.float32) + 2 * c
        b = rng.randn(2).astype(np.float32) - 2 * c
        rows.append(Sample.from_ndarray([a, b], [np.array([c + 1.0]), np.array([a.sum() + b.sum()])]))
    data = sc.parallelize(rows, 2)
    in_a, in_b = Input(), Input()
    merged = JoinTable(1, 1)(Linear(3, 4)(in_a), Linear(2, 4)(in_b))
    hidden = Tanh()(merged)
    cls = LogSoftMax()(Linear(8, 2)(hidden))
    reg = Linear(8, 1)(hidden)
    model = Model([in_a, in_b], [cls, reg])
    from ferrodl.nn.criterion import ClassNLLCriterion, MSECriterion, ParallelCriterion
    crit = ParallelCriterion().add(ClassNLLCriterion(), 1.0).add(MSECriterion(), 0.1)
    x = [np.stack([r.features[0] for r in rows[:64]]), np.stack([r.features[1] for r in rows[:64]])]
    y = [np.stack([r.label[0] for r in rows[:64]]).ravel(), np.stack([r.label[1] for r in rows[:64]])]
    before = crit.forward(model.forward(x), y)
    Optimizer(model=model, training_rdd=data, criterion=crit, end_trigger=MaxEpoch(10), batch_size=40,
              optim_method=SGD(learningrate=0.05)).optimize(progress=False)
    after = crit.forward(model.forward(x), y)
    assert after < 0.5 * before, (before, after)


def test_index_selects_by_one_based_positions(sc):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = Index(2).forward([x, np.array([3, 1, 3], np.float32)])
    np.testing.assert_array_equal(y, x[:, [2, 0, 2]])
