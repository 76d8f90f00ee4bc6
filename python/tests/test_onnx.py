"""ONNX export checked by onnx.checker (full check, with shape inference) and in onnxruntime (LeNet-5,
an MLP, graphs with branches, LSTM and GRU models, convolutions with batch normalisation and ceil-mode
pooling, and the layers that export without importing back: Transpose, the reductions, multi-plane
PReLU, SAME convolutions, BiRecurrent, TimeDistributed, padding, cropping, upsampling, LRN, Normalize,
Reverse, Scale, the composed element-wise layers, the inference forms of RReLU and the noise and
dropout layers, Maxout, Cosine, summing average pooling, Padding in the middle of a dimension and NHWC
cropping and upsampling), and import back into ferrodl."""

import numpy as np
import pytest

from ferrodl.nn.layer import (GRU, LSTM, BatchNormalization, BiRecurrent, CAddTable, ConcatTable, Cosine,
                              Cropping2D, Dropout, GaussianDropout, GaussianNoise, HardShrink, Input, JoinTable,
                              Linear, LogSigmoid, LogSoftMax, Max, Maxout, Mean, Min, Model, MulConstant,
                              Normalize, Padding, PReLU, Recurrent, ReLU, Replicate, Reshape, Reverse, RReLU,
                              Scale, Select, Sequential, Sigmoid, SoftMax, SoftPlus, SoftShrink,
                              SpatialAveragePooling, SpatialBatchNormalization, SpatialConvolution,
                              SpatialCrossMapLRN, SpatialDropout2D, SpatialFullConvolution, SpatialMaxPooling,
                              SpatialZeroPadding, Sum, Tanh, TanhShrink, Threshold, TimeDistributed, Transpose,
                              UpSampling2D)

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


def transpose_conv():
    return Sequential().add(Transpose([(2, 4), (3, 4)])).add(SpatialConvolution(3, 2, 1, 1))


def reductions():
    return (Sequential().add(SpatialConvolution(2, 3, 1, 1)).add(Sum(2, 3, squeeze=False)).add(Max(-1))
            .add(Mean(2)).add(Min(1, 1)))


def prelu_same():
    return (Sequential().add(SpatialConvolution(2, 3, 3, 3, 2, 2, -1, -1)).add(PReLU(3))
            .add(SpatialMaxPooling(2, 2, 2, 2, -1, -1)))


def spatial():
    return (Sequential().add(SpatialConvolution(2, 2, 1, 1)).add(SpatialZeroPadding(1, 2, 0, 3))
            .add(Cropping2D([1, 2], [0, 1])).add(UpSampling2D([2, 3])).add(SpatialCrossMapLRN(3, 0.5, 0.75, 2.0))
            .add(Normalize(2.0)))


def element_wise():
    return (Sequential().add(Linear(4, 5)).add(LogSigmoid()).add(Linear(5, 5)).add(TanhShrink()).add(Linear(5, 5))
            .add(Threshold(0.1, -0.5)).add(Linear(5, 5)).add(SoftShrink(0.3)).add(Linear(5, 5)).add(HardShrink(0.2))
            .add(Linear(5, 5)).add(SoftPlus(2.0)).add(Normalize(3.0)).add(Padding(1, -2, 1, 0.5))
            .add(Padding(1, 3, 1)).add(Replicate(2, 1, 1)).add(Sum(2, 2, size_average=True)))


def inference_forms():
    return (Sequential().add(Linear(4, 6)).add(RReLU(0.1, 0.3)).add(GaussianDropout(0.3)).add(GaussianNoise(0.2))
            .add(Reverse(2)).add(Scale([6])).add(Reshape([6, 1, 1])).add(SpatialDropout2D(0.4)))


def birecurrent():
    return Sequential().add(BiRecurrent().add(LSTM(4, 5))).add(TimeDistributed(Linear(5, 3)))


def birecurrent_join():
    return Sequential().add(BiRecurrent(JoinTable(3, 3)).add(GRU(4, 5))).add(Select(2, -1))


def time_distributed_conv():
    return Sequential().add(TimeDistributed(Sequential().add(SpatialConvolution(2, 3, 3, 3)).add(ReLU())))


def maxout_cosine():
    return (Sequential().add(Maxout(4, 5, 3)).add(Cosine(5, 6)).add(Maxout(6, 3, 2, with_bias=False))
            .add(Padding(1, -2, 1, 0.25, 2)).add(Padding(1, 3, 1, -1.5, 3)))


def summing_pools():
    """SpatialAveragePooling without divide (padded, ceil mode, global), NHWC cropping and upsampling."""
    return (Sequential().add(MulConstant(0.02)).add(SpatialAveragePooling(3, 3, 2, 2, 1, 1, divide=False))
            .add(SpatialAveragePooling(3, 3, 2, 2, 1, 0, ceil_mode=True, divide=False))
            .add(Cropping2D([1, 0], [0, 1], data_format="NHWC")).add(UpSampling2D([2, 3], data_format="nhwc"))
            .add(Padding(3, -1, 3, 0.5, 2)).add(SpatialAveragePooling(1, 1, global_pooling=True, divide=False)))


CASES = [("lenet", lenet, (5, 784)), ("mlp", mlp, (6, 20)), ("branches", branches, (5, 4)),
         ("graph", graph, (5, 4)), ("lstm", lstm, (3, 7, 4)), ("gru", gru, (2, 5, 4)),
         ("convs", convs, (2, 3, 7, 7))]
NEW = [("transpose", transpose_conv, (2, 5, 4, 3)), ("reductions", reductions, (2, 2, 4, 5)),
       ("prelu_same", prelu_same, (2, 2, 7, 6)), ("spatial", spatial, (2, 2, 5, 4)),
       ("element_wise", element_wise, (3, 4)), ("inference_forms", inference_forms, (3, 4)),
       ("birecurrent", birecurrent, (2, 6, 4)),
       ("birecurrent_join", birecurrent_join, (3, 5, 4)),
       ("time_distributed_conv", time_distributed_conv, (2, 3, 2, 5, 5)),
       ("maxout_cosine", maxout_cosine, (4, 4)), ("summing_pools", summing_pools, (2, 3, 10, 8))]


def run_in_onnxruntime(path, x, want):
    """Checks the file with onnx.checker's full check (strict shape inference included), runs it in
    onnxruntime and compares with ferrodl's output."""
    proto = onnx.load(path)
    assert proto.opset_import[0].version >= 13
    onnx.checker.check_model(proto, full_check=True)
    assert len(proto.graph.input[0].type.tensor_type.shape.dim) == x.ndim
    assert len(proto.graph.output[0].type.tensor_type.shape.dim) == want.ndim
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


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
    run_in_onnxruntime(path, x, want)
    # ... and it imports back into ferrodl with the same outputs.
    back = Model.load_onnx(path)
    back.evaluate()
    np.testing.assert_allclose(back.forward(x), want, rtol=0, atol=1e-5)


@pytest.mark.parametrize("name,build,shape", NEW, ids=[c[0] for c in NEW])
def test_layers_that_export_only_run_in_onnxruntime_with_ferrodls_outputs(sc, tmp_path, name, build, shape):
    model = build()
    model.evaluate()
    x = data(*shape, seed=3) * 2
    want = model.forward(x)
    path = str(tmp_path / f"{name}.onnx")
    model.save_onnx(path)
    run_in_onnxruntime(path, x, want)


def test_layers_without_onnx_equivalent_are_all_listed(sc, tmp_path):
    from ferrodl.nn.layer import Euclidean, Masking
    from ferrodl.util.jvm import FerrodlError
    model = Sequential().add(Linear(4, 4)).add(Euclidean(4, 3)).add(Masking())
    with pytest.raises(FerrodlError) as e:
        model.saveONNX(str(tmp_path / "bad.onnx"))
    assert "no ONNX equivalent" in str(e.value) and "Euclidean" in str(e.value) and "Masking" in str(e.value)
