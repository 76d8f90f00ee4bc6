"""The talk's Python code, with ``bigdl`` replaced by ``ferrodl`` (and Python 2's tuple lambdas and
print statements written for Python 3), trains on MNIST in local[2]."""

import numpy as np

from ferrodl.nn.layer import *
from ferrodl.nn.criterion import *
from ferrodl.optim.optimizer import *
from ferrodl.util.common import *
from ferrodl.dataset import mnist


def get_mnist(sc, mnist_path):
    # target is start from 0,
    (train_images, train_labels) = mnist.read_data_sets(mnist_path, "train")
    (test_images, test_labels) = mnist.read_data_sets(mnist_path, "test")
    training_mean = np.mean(train_images)
    training_std = np.std(train_images)
    rdd_train_images = sc.parallelize(train_images)
    rdd_train_labels = sc.parallelize(train_labels)
    rdd_test_images = sc.parallelize(test_images)
    rdd_test_labels = sc.parallelize(test_labels)
    rdd_train_sample = rdd_train_images.zip(rdd_train_labels).map(lambda fl:
        Sample.from_ndarray((fl[0] - training_mean) / training_std, fl[1] + 1))
    rdd_test_sample = rdd_test_images.zip(rdd_test_labels).map(lambda fl:
        Sample.from_ndarray((fl[0] - training_mean) / training_std, fl[1] + 1))
    return (rdd_train_sample, rdd_test_sample)


def logistic_regression(n_input, n_classes):
    # Initialize a sequential container
    model = Sequential()

    model.add(Reshape([28*28]))
    model.add(Linear(n_input, n_classes))
    model.add(LogSoftMax())

    return model


def build_model(class_num):
    model = Sequential()
    model.add(Reshape([1, 28, 28]))
    model.add(SpatialConvolution(1, 6, 5, 5).set_name('conv1'))
    model.add(Tanh())
    model.add(SpatialMaxPooling(2, 2, 2, 2).set_name('pool1'))
    model.add(Tanh())
    model.add(SpatialConvolution(6, 12, 5, 5).set_name('conv2'))
    model.add(SpatialMaxPooling(2, 2, 2, 2).set_name('pool2'))
    model.add(Reshape([12 * 4 * 4]))
    model.add(Linear(12 * 4 * 4, 100).set_name('fc1'))
    model.add(Tanh())
    model.add(Linear(100, class_num).set_name('score'))
    model.add(LogSoftMax())
    return model


def top1(model, data):
    return model.evaluate(data, 2048, [Top1Accuracy()])[0].result


def test_logistic_regression(sc, mnist_path, tmp_path):
    (train_data, test_data) = get_mnist(sc, mnist_path)
    train_data, test_data = train_data.cache(), test_data.cache()
    model = logistic_regression(784, 10)
    init_engine()
    optimizer = Optimizer(
        model=model,
        training_rdd=train_data,
        criterion=ClassNLLCriterion(),
        optim_method="SGD",
        state={"learningRate": 0.2},
        end_trigger=MaxEpoch(15),
        batch_size=2048)
    trained_model = optimizer.optimize()
    print("Optimization Done.")
    accuracy = top1(trained_model, test_data)
    print(f"logistic regression Top1 {accuracy}")
    assert accuracy >= 0.90


def test_lenet(sc, mnist_path, tmp_path):
    (train_data, test_data) = get_mnist(sc, mnist_path)
    train_data, test_data = train_data.cache(), test_data.cache()
    lenet_model = build_model(10)
    optimizer = Optimizer(
        model=lenet_model,
        training_rdd=train_data,
        criterion=ClassNLLCriterion(),
        optim_method="SGD",
        state={"learningRate": 0.4, "learningRateDecay": 0.0002},
        end_trigger=MaxEpoch(5),
        batch_size=2048)
    optimizer.set_validation(
        batch_size=2048,
        val_rdd=test_data,
        trigger=EveryEpoch(),
        val_method=["Top1Accuracy"]
    )
    app_name = 'lenet-test'
    train_summary = TrainSummary(log_dir=str(tmp_path), app_name=app_name)
    train_summary.set_summary_trigger("Parameters", SeveralIteration(50))
    val_summary = ValidationSummary(log_dir=str(tmp_path), app_name=app_name)
    optimizer.set_train_summary(train_summary)
    optimizer.set_val_summary(val_summary)
    trained_model = optimizer.optimize()
    loss = np.array(train_summary.read_scalar("Loss"))
    top1_curve = np.array(val_summary.read_scalar("Top1Accuracy"))
    assert loss.shape == (5 * 30, 3) and loss[-1, 1] < loss[0, 1]
    assert top1_curve.shape == (5, 3)
    accuracy = top1(trained_model, test_data)
    print(f"LeNet-5 Top1 {accuracy}")
    assert accuracy >= 0.95
    assert abs(top1_curve[-1, 1] - accuracy) < 1e-6
    predictions = trained_model.predict(test_data)
    first = predictions.take(8)
    assert all(p.shape == (10,) for p in first)
    labels = [int(s.label[0]) - 1 for s in test_data.take(8)]
    assert sum(int(np.array(p).argmax()) == l for p, l in zip(first, labels)) >= 6
