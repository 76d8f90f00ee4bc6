"""ONNX export checked in onnxruntime (LeNet-5, an MLP, graphs with branches, LSTM and GRU models,
convolutions with batch normalisation and ceil-mode pooling), and import back into ferrodl."""

import numpy as np
import pytest

from ferrodl.nn.layer import (GRU, LSTM, BatchNormalization, CAddTable, ConcatTable, Dropout, Input, JoinTable,
                              Linear, LogSoftMax, Model, Recurrent, ReLU, Reshape, Select, Sequential, Sigmoid,
                              SoftMax, SpatialAveragePooling, SpatialBatchNormalization, SpatialConvolution,
                              SpatialFullConvolution, SpatialMaxPooling, Tanh)

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")


def data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def lenet():
    return (Sequential().add(Reshape([1, 28, 28])).add(SpatialConvolution(1, 6, 5, 5)).add(Tanh())
            .add(SpatialMaxPooling(2, 2, 2, 2)).add(SpatialConvolution(6, 12, 5, 5)).add(Tanh())
            .add(SpatialMaxPooling(2, 2, 2, 2)).add(Reshape([12 * 4 * 4])).add(Linear(12 * 4 * 4, 100))
            .add(Tanh()).add(Linear(100, 10)).add(LogSoftMax()))


def mlp():
    return (Sequential().add(Linear(20, 32)).add(BatchNormalization(32)).add(ReLU()).add(Dropout(0.3))
            .add(Linear(32, 16)).add(Sigmoid()).add(Linear(16, 3)).add(SoftMax()))


def branches():
    def branch(act):
        return Sequential().add(Linear(6, 3)).add(act)
    return (Sequential().add(Linear(4, 6)).add(ConcatTable().add(branch(Tanh())).add(branch(ReLU())))
            .add(CAddTable()).add(LogSoftMax()))


def graph():
    inp = Input()
    trunk = Linear(4, 6)(inp)
    b1 = Tanh()(Linear(6, 3)(trunk))
    b2 = Sigmoid()(Linear(6, 5)(trunk))
    return Model([inp], [LogSoftMax()(Linear(8, 2)(JoinTable(1, 1)(b1, b2)))])


def lstm():
    return (Sequential().add(Recurrent().add(LSTM(4, 8))).add(Select(2, -1)).add(Linear(8, 3))
            .add(LogSoftMax()))


def gru():
    return Sequential().add(Recurrent().add(GRU(4, 6))).add(Select(2, -1)).add(Linear(6, 2))


def convs():
    return (Sequential().add(SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1)).add(SpatialBatchNormalization(4))
            .add(ReLU()).add(SpatialMaxPooling(2, 2, 2, 2, to_ceil=True))
            .add(SpatialAveragePooling(3, 3, 1, 1, 1, 1, count_include_pad=False))
            .add(SpatialFullConvolution(4, 2, 3, 3, 2, 2, 1, 1, 1, 1)))


CASES = [("lenet", lenet, (5, 784)), ("mlp", mlp, (6, 20)), ("branches", branches, (5, 4)),
         ("graph", graph, (5, 4)), ("lstm", lstm, (3, 7, 4)), ("gru", gru, (2, 5, 4)),
         ("convs", convs, (2, 3, 7, 7))]


@pytest.mark.parametrize("name,build,shape", CASES, ids=[c[0] for c in CASES])
def test_export_runs_in_onnxruntime_with_ferrodls_outputs(sc, tmp_path, name, build, shape):
    model = build()
    x = data(*shape, seed=1)
    model.training()
    model.forward(data(*shape, seed=2) * 2 + 0.5)  # moves BatchNormalization's running statistics
    model.evaluate()
    want = model.forward(x)
    path = str(tmp_path / f"{name}.onnx")
    model.save_onnx(path)
    proto = onnx.load(path)  # parses as ONNX (inputs carry no shape, so onnx.checker would refuse them)
    assert proto.opset_import[0].version >= 13
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
    # ... and it imports back into ferrodl with the same outputs.
    back = Model.load_onnx(path)
    back.evaluate()
    np.testing.assert_allclose(back.forward(x), want, rtol=0, atol=1e-5)


def test_layers_without_onnx_equivalent_are_all_listed(sc, tmp_path):
    from ferrodl.nn.layer import Cosine, Maxout
    from ferrodl.util.jvm import FerrodlError
    model = Sequential().add(Linear(4, 4)).add(Cosine(4, 3)).add(Maxout(3, 2, 2))
    with pytest.raises(FerrodlError) as e:
        model.saveONNX(str(tmp_path / "bad.onnx"))
    assert "no ONNX equivalent" in str(e.value) and "Cosine" in str(e.value) and "Maxout" in str(e.value)
