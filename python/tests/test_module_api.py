"""BigDL's module API from Python: freeze/unfreeze, reset, clone and per-layer parameters(), and
LBFGS with the strong Wolfe line search training through LocalOptimizer."""

import numpy as np
import pytest

from ferrodl.nn.criterion import ClassNLLCriterion
from ferrodl.nn.layer import Linear, LogSoftMax, Sequential, Tanh
from ferrodl.optim.optimizer import LBFGS, LocalOptimizer, MaxIteration, lswolfe

X = np.random.default_rng(3).standard_normal((2, 4)).astype(np.float32)
GY = np.array([[0.2, -0.5, 0.1], [0.4, 0.3, -0.2]], dtype=np.float32)


def mlp():
    return (Sequential().add(Linear(4, 5).set_name("fc1")).add(Tanh()).add(Linear(5, 3).set_name("fc2"))
            .add(LogSoftMax()))


def grads(model):
    model.forward(X)
    model.backward(X, GY)
    return model.parameters()


def test_freeze_zeroes_the_named_layers_gradients(sc):
    m = mlp()
    free = grads(m)
    assert set(free) == {"fc1", "fc2"}
    assert free["fc1"]["weight"].shape == (5, 4) and free["fc1"]["bias"].shape == (5,)
    assert free["fc2"]["gradWeight"].shape == (3, 5) and free["fc2"]["gradBias"].shape == (3,)
    assert np.abs(free["fc1"]["gradWeight"]).sum() > 0
    m2 = mlp()
    m2.set_weights(m.get_weights())
    m2.freeze(["fc1"])
    frozen = grads(m2)
    assert np.all(frozen["fc1"]["gradWeight"] == 0)
    np.testing.assert_array_equal(frozen["fc2"]["gradWeight"], free["fc2"]["gradWeight"])
    m2.unfreeze()
    assert np.abs(grads(m2)["fc1"]["gradWeight"]).sum() > 0
    m2.freeze()
    assert m2.is_frozen()
    assert all(np.all(v["gradWeight"] == 0) for v in grads(m2).values())


def test_reset_and_clone(sc):
    m = mlp()
    w = m.get_weights()[0]
    c = m.clone()
    np.testing.assert_array_equal(c.get_weights()[0], w)
    np.testing.assert_array_equal(c.forward(X), m.forward(X))
    c.set_weights([np.zeros_like(w)])
    np.testing.assert_array_equal(m.get_weights()[0], w)
    m.reset()
    assert not np.array_equal(m.get_weights()[0], w)


def test_lbfgs_with_line_search_trains_locally(sc):
    rng = np.random.default_rng(5)
    centres = np.array([[2, 0, 0, 1], [-2, 1, 0, 0], [0, -2, 2, 0]], dtype=np.float32)
    labels = np.arange(120) % 3
    x = centres[labels] + 0.5 * rng.standard_normal((120, 4)).astype(np.float32)
    y = (labels + 1).astype(np.float32)

    def loss_after(method):
        m = mlp()
        m.set_weights([np.linspace(-0.4, 0.4, 43, dtype=np.float32)])
        LocalOptimizer(x, y, m, ClassNLLCriterion(), MaxIteration(3), 120, optim_method=method).optimize()
        out = m.forward(x)
        return -out[np.arange(120), labels].mean()

    fixed = loss_after(LBFGS(learningrate=0.5))
    searched = loss_after(LBFGS(max_iter=5, linesearch=lswolfe(), linesearch_options={"c2": 0.9}))
    assert searched < fixed
    with pytest.raises(ValueError):
        LBFGS(linesearch="armijo")


def test_parameters_have_their_shapes_and_srelu_takes_four_init_methods(sc):
    from ferrodl.nn.initialization_method import ConstInitMethod
    from ferrodl.nn.layer import BatchNormalization, SReLU
    m = Sequential().add(Linear(4, 5).set_name("fc")).add(BatchNormalization(5).set_name("bn"))
    p = m.parameters()
    assert p["fc"]["weight"].shape == (5, 4) and p["fc"]["bias"].shape == (5,)
    assert p["bn"]["weight"].shape == (5,) and np.all((p["bn"]["weight"] >= 0) & (p["bn"]["weight"] <= 1))
    assert np.all(p["bn"]["bias"] == 0)
    s = SReLU((2, 3)).set_name("s").set_init_method(
        init_method=[ConstInitMethod(0.25), ConstInitMethod(0.5), ConstInitMethod(-2.0), ConstInitMethod(1.5)])
    t = s.parameters()["s"]
    assert {k: v.shape for k, v in t.items() if not k.startswith("grad")} == {
        "tLeft": (2, 3), "aLeft": (2, 3), "tRight": (2, 3), "aRight": (2, 3)}
    np.testing.assert_array_equal(t["tLeft"], np.full((2, 3), 0.25, np.float32))
    np.testing.assert_array_equal(t["aLeft"], np.full((2, 3), 0.5, np.float32))
    np.testing.assert_array_equal(t["tRight"], np.full((2, 3), 2.25, np.float32))
    np.testing.assert_array_equal(t["aRight"], np.full((2, 3), 1.5, np.float32))
    with pytest.raises(ValueError):
        SReLU((2,)).set_init_method(ConstInitMethod(1.0))
