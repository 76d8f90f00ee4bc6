"""The NaN policy from Python: by default a NaN gradient stops training with an error naming the
iteration and the layer; ``set_nan_policy("skip")`` drops those iterations and counts them."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import *
from ferrodl.optim.optimizer import *
from ferrodl.util.common import Sample
from ferrodl.util.jvm import FerrodlValueError


def _data():
    """Two blobs with six all-zero rows: finite, but the bias-free first layer then outputs exactly 0,
    where Sqrt's derivative is infinite, so that batch's gradient in layer fc is NaN."""
    rng = np.random.RandomState(3)
    centres = np.array([[8, 6], [4, 6]], dtype=np.float32)
    X = np.array([centres[i % 2] + 0.3 * rng.randn(2) for i in range(200)], dtype=np.float32)
    Y = np.array([i % 2 + 1 for i in range(200)], dtype=np.float32)
    X[[17, 60, 61, 110, 150, 199]] = 0.0
    return X, Y


def _model():
    return (Sequential().add(Linear(2, 2, with_bias=False).set_name("fc")).add(Abs()).add(Sqrt())
            .add(Linear(2, 2).set_name("top")).add(LogSoftMax()))


def _optimizers(sc):
    X, Y = _data()
    rdd = sc.parallelize([Sample(x, y) for x, y in zip(X, Y)], 2)
    yield LocalOptimizer(X, Y, _model(), ClassNLLCriterion(), MaxIteration(20), 20, cores=2)
    yield Optimizer(_model(), rdd, ClassNLLCriterion(), MaxIteration(20), 20)


def test_a_nan_gradient_fails_naming_the_layer(sc):
    for opt in _optimizers(sc):
        with pytest.raises(FerrodlValueError) as e:
            opt.optimize(progress=False)
        assert "NaN or infinity at epoch 1 iteration" in str(e.value) and "layer fc" in str(e.value)


def test_skip_drops_and_counts_the_bad_iterations(sc):
    for opt in _optimizers(sc):
        model = opt.set_nan_policy("skip").optimize(progress=False)
        assert 0 < opt.skipped_batches() < 20
        weights = np.concatenate([w.ravel() for w in model.get_weights()])
        assert np.isfinite(weights).all()


def test_an_unknown_policy_is_refused(sc):
    opt = next(_optimizers(sc))
    with pytest.raises(FerrodlValueError, match="must be one of fail, skip"):
        opt.set_nan_policy("sometimes")
