"""Each wrapper family builds the right Scala object, and parameters round-trip."""

import numpy as np
import pytest

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import *
from ferrodl.optim.optimizer import *
from ferrodl.util.common import *
from ferrodl.util import jvm


def scala_name(obj):
    return obj.value.getClass().getName()


def test_layers_build_their_scala_classes_with_their_arguments(sc):
    lin = Linear(3, 4, with_bias=False, wRegularizer=L2Regularizer(0.1))
    assert scala_name(lin) == "ferrodl.nn.Linear"
    assert (lin.value.inputSize(), lin.value.outputSize(), lin.value.withBias()) == (3, 4, False)
    assert lin.value.wRegularizer().l2() == pytest.approx(0.1)
    conv = SpatialConvolution(1, 6, 5, 3, 2, 1, 1, 0, propagate_back=False)
    v = conv.value
    assert (v.nInputPlane(), v.nOutputPlane(), v.kernelW(), v.kernelH(), v.strideW(), v.strideH(), v.padW(),
            v.padH(), v.propagateBack()) == (1, 6, 5, 3, 2, 1, 1, 0, False)
    assert list(Reshape([1, 28, 28]).value.size()) == [1, 28, 28]
    assert Dropout(0.3).value.initP() == pytest.approx(0.3)
    seq = Sequential().add(Linear(2, 3)).add(Tanh())
    assert "Linear(2 -> 3)" in str(seq) and "Tanh" in str(seq)
    assert seq.set_name("net").name() == "net"


def test_forward_backward_and_weights_round_trip_as_numpy(sc):
    lin = Linear(3, 2)
    w = np.arange(8, dtype=np.float32) / 10
    lin.set_weights([w])
    np.testing.assert_array_equal(lin.get_weights()[0], w)
    x = np.array([[1, 2, 3]], dtype=np.float32)
    expected = x @ w[:6].reshape(2, 3).T + w[6:]
    np.testing.assert_allclose(lin.forward(x), expected, rtol=1e-6)
    np.testing.assert_allclose(lin.backward(x, np.ones((1, 2), np.float32)), np.ones((1, 2)) @ w[:6].reshape(2, 3),
                               rtol=1e-6)


def test_criterions(sc):
    nll = ClassNLLCriterion(weights=[1.0, 2.0], size_average=False)
    assert scala_name(nll) == "ferrodl.nn.ClassNLLCriterion" and not nll.value.sizeAverage()
    logp = np.log(np.array([[0.25, 0.75], [0.5, 0.5]], dtype=np.float32))
    assert nll.forward(logp, np.array([2.0, 1.0], np.float32)) == pytest.approx(-(2 * np.log(0.75) + np.log(0.5)),
                                                                                 rel=1e-6)
    mse = MSECriterion()
    np.testing.assert_allclose(mse.backward(np.array([1.0, 3.0], np.float32), np.array([0.0, 0.0], np.float32)),
                               [1.0, 3.0], rtol=1e-6)


def test_methods_schedules_triggers_and_metrics(sc, tmp_path):
    sgd = SGD(learningrate=0.1, momentum=0.9, leaningrate_schedule=Step(10, 0.5))
    assert scala_name(sgd) == "ferrodl.optim.SGD"
    assert (sgd.value.learningRate(), sgd.value.momentum()) == (pytest.approx(0.1), pytest.approx(0.9))
    assert "Step(10,0.5)" in str(sgd)
    adam = Adam(learningrate=0.01, beta1=0.8)
    assert adam.value.beta1() == pytest.approx(0.8)
    assert str(MaxEpoch(3)) == "maxEpoch(3)" and str(SeveralIteration(7)) == "severalIteration(7)"
    assert str(TriggerOr(MaxEpoch(2), MinLoss(0.1))) == "or(maxEpoch(2), minLoss(0.1))"
    assert [scala_name(m) for m in (Top1Accuracy(), Top5Accuracy(), Loss(), MAE())] == [
        "ferrodl.optim.Top1Accuracy", "ferrodl.optim.Top5Accuracy", "ferrodl.optim.Loss", "ferrodl.optim.MAE"]
    path = str(tmp_path / "adam.fdl")
    adam.save(path)
    assert "Adam" in str(OptimMethod.load(path))
    summary = TrainSummary(str(tmp_path), "app")
    assert summary.read_scalar("Loss").shape == (0, 3)


def test_samples_cross_as_raw_buffers(sc):
    s = Sample.from_ndarray(np.arange(6, dtype=np.float64).reshape(2, 3), 3)
    back = jvm.api("sampleFromBytes", bytearray(s.to_bytes()))
    assert list(back.feature().size()) == [2, 3] and list(back.label().storage()) == [3.0]
    x = np.random.rand(2, 3, 4).astype(np.float32)
    from ferrodl.util.common import tensor_from_java, tensor_to_java
    np.testing.assert_array_equal(tensor_from_java(tensor_to_java(x)), x)
    rdd = to_sample_rdd(sc.parallelize([s] * 5, 2))
    assert rdd.count() == 5


def test_models_save_and_load(sc, tmp_path):
    model = Sequential().add(Linear(3, 2)).add(LogSoftMax())
    x = np.random.rand(4, 3).astype(np.float32)
    path = str(tmp_path / "m.fdl")
    model.save(path)
    loaded = Model.loadModel(path)
    np.testing.assert_allclose(loaded.forward(x), model.forward(x), rtol=1e-6)


def test_local_optimizer_trains_on_numpy(sc):
    rng = np.random.RandomState(1)
    centres = np.array([[2, 0], [-2, 0]], dtype=np.float32)
    X = np.array([centres[i % 2] + 0.3 * rng.randn(2) for i in range(200)], dtype=np.float32)
    Y = np.array([i % 2 + 1 for i in range(200)], dtype=np.float32)
    model = Sequential().add(Linear(2, 2)).add(LogSoftMax())
    LocalOptimizer(X, Y, model, ClassNLLCriterion(), MaxEpoch(5), 20, optim_method=SGD(learningrate=0.5)).optimize()
    assert (model.predict_class(X) == Y).mean() > 0.95


def test_mnist_reader(mnist_path):
    from ferrodl.dataset import mnist
    from ferrodl.dataset.transformer import normalizer
    x, y = mnist.read_data_sets(mnist_path, "test")
    assert x.shape == (10000, 28, 28, 1) and x.dtype == np.uint8 and y.shape == (10000,) and y.max() == 9
    n = normalizer(x[:2].astype(np.float32), mnist.TEST_MEAN, mnist.TEST_STD)
    assert abs(float(n.mean())) < 1.5
