"""Layers and containers, with BigDL's Python names and keyword arguments (``bigdl.nn.layer``).

Each class names its Scala class (``scala_class``) and passes its arguments in the order of
that class's constructor; the layer runs natively in the JVM's engine.
"""

import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import (JavaValue, Sample, tensor_from_bytes, tensor_from_java, tensor_to_java,
                                 to_sample_array, to_sample_rdd)


def _ints(values):
    return _jvm.int_array(values)


def _option(value):
    return _jvm.api("option", value)


class EvaluatedResult:
    """One validation method's result: ``result`` (the metric), ``total_num`` records, ``method``."""

    def __init__(self, result, total_num, method):
        self.result, self.total_num, self.method = result, total_num, method

    def __repr__(self):
        return f"Evaluated result: {self.result}, total_num: {self.total_num}, method: {self.method}"


class Layer(JavaValue):
    """The base of every layer: forward/backward on numpy, predict/evaluate on RDDs, save/load."""

    def set_name(self, name):
        _jvm.call(self.value, "setName", name)
        return self

    def name(self):
        return str(_jvm.call(self.value, "getName"))

    def forward(self, input):
        """The output for a numpy input (a batch or one record)."""
        return tensor_from_java(_jvm.call(self.value, "forward", tensor_to_java(input)))

    def backward(self, input, grad_output):
        """The gradient with respect to the input of the last forward; accumulates parameter gradients."""
        out = _jvm.call(self.value, "backward", tensor_to_java(input), tensor_to_java(grad_output))
        return tensor_from_java(out)

    def training(self):
        _jvm.call(self.value, "training")
        return self

    def is_training(self):
        return bool(_jvm.call(self.value, "isTraining"))

    def evaluate(self, *args):
        """Without arguments: evaluation mode. ``evaluate(val_rdd, batch_size, val_methods)``: metrics."""
        if not args:
            _jvm.call(self.value, "evaluate")
            return self
        dataset, batch_size, val_methods = args
        methods = _jvm.java_list([m.value for m in val_methods])
        if isinstance(dataset, (list, tuple)):
            rows = _jvm.api("evaluateLocal", self.value, to_sample_array(dataset), methods, batch_size)
        else:
            rows = _jvm.api("evaluate", self.value, to_sample_rdd(dataset), methods, batch_size)
        return [EvaluatedResult(float(r[1]), int(r[2]), str(r[0])) for r in rows]

    def predict(self, data, batch_size=-1):
        """Outputs: an RDD of numpy arrays for an RDD of Samples, or one numpy array for an ndarray batch."""
        if isinstance(data, np.ndarray):
            was_training = self.is_training()
            self.evaluate()
            try:
                return self.forward(data)
            finally:
                if was_training:
                    self.training()
        from pyspark.rdd import RDD
        from pyspark.serializers import NoOpSerializer
        jrdd = _jvm.api("predict", self.value, to_sample_rdd(data), batch_size)
        return RDD(jrdd, data.context, NoOpSerializer()).map(tensor_from_bytes)

    def predict_class(self, data, batch_size=-1):
        """1-based predicted classes: an RDD of ints, or a numpy array for an ndarray batch."""
        if isinstance(data, np.ndarray):
            out = self.predict(data)
            return np.argmax(out.reshape(out.shape[0], -1) if out.ndim > 1 else out[None], axis=1) + 1
        from pyspark.rdd import RDD
        from pyspark.serializers import NoOpSerializer
        jrdd = _jvm.api("predictClass", self.value, to_sample_rdd(data), batch_size)
        return RDD(jrdd, data.context, NoOpSerializer()).map(lambda b: int.from_bytes(bytes(b), "little", signed=True))

    def get_weights(self):
        """The weights, as one flat float32 array in the engine's layout (in a list)."""
        raw = _jvm.api("floatsToBytes", _jvm.call(self.value, "getWeightsArray"))
        return [np.frombuffer(bytes(raw), dtype="<f4").astype(np.float32)]

    def set_weights(self, weights):
        """Sets the weights from ``get_weights``'s list (one flat array of the right length)."""
        flat = np.concatenate([np.asarray(w, dtype=np.float32).ravel() for w in weights])
        _jvm.call(self.value, "setWeightsArray", _jvm.api("floatsFromBytes", bytearray(flat.astype("<f4").tobytes())))
        return self

    def parameters(self):
        """``{name: {"weight": flat weights}}``: the parameters as numpy."""
        return {self.name(): {"weight": self.get_weights()[0]}}

    def save(self, path, over_write=False):
        """Writes description, weights and buffers to ``path`` (local or any Hadoop file system)."""
        _jvm.call(self.value, "saveModule", path, over_write)
        return self

    saveModel = save

    @staticmethod
    def load(path):
        """A model saved with ``save`` (from Python or Scala)."""
        return Layer.of(_jvm.static("ferrodl.nn.Module", "loadModule", path))

    def __call__(self, *nodes):
        raise NotImplementedError(
            "the functional API (Layer()(node), Model(inputs, outputs)) needs the graph container, "
            "which the Scala API does not have yet")


class Container(Layer):
    def add(self, layer):
        _jvm.call(self.value, "add", layer.value)
        return self


class Sequential(Container):
    """Layers applied one after the other."""

    scala_class = "ferrodl.nn.Sequential"

    def __init__(self):
        super().__init__()


class Model:
    """Loads saved models, as BigDL's ``Model.loadModel``."""

    @staticmethod
    def loadModel(path, bigdl_type="float"):
        return Layer.load(path)

    load = loadModel


# The layers of the talk's examples; the other layers follow in the same pattern below.

class Linear(Layer):
    """``y = x Wᵀ + b``; input ``[batch, input_size]``."""

    scala_class = "ferrodl.nn.Linear"

    def __init__(self, input_size, output_size, with_bias=True, wRegularizer=None, bRegularizer=None,
                 init_weight=None, init_bias=None, init_grad_weight=None, init_grad_bias=None, bigdl_type="float"):
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("Linear: init_weight/init_bias arrays are not supported; use set_weights")
        super().__init__(int(input_size), int(output_size), bool(with_bias), wRegularizer, bRegularizer)


class Reshape(Layer):
    """Reshapes each record to ``size``; ``batch_mode`` None guesses whether there is a batch dimension."""

    scala_class = "ferrodl.nn.Reshape"

    def __init__(self, size, batch_mode=None, bigdl_type="float"):
        super().__init__(_ints(size), _option(None if batch_mode is None else bool(batch_mode)))


class SpatialConvolution(Layer):
    """2-D convolution over ``[batch, n_input_plane, height, width]``; ``pad_w = pad_h = -1`` means SAME."""

    scala_class = "ferrodl.nn.SpatialConvolution"

    def __init__(self, n_input_plane, n_output_plane, kernel_w, kernel_h, stride_w=1, stride_h=1, pad_w=0, pad_h=0,
                 n_group=1, propagate_back=True, wRegularizer=None, bRegularizer=None, init_weight=None,
                 init_bias=None, init_grad_weight=None, init_grad_bias=None, with_bias=True, data_format="NCHW",
                 bigdl_type="float"):
        if data_format != "NCHW":
            raise NotImplementedError("SpatialConvolution: only data_format='NCHW' is supported")
        if any(v is not None for v in (init_weight, init_bias, init_grad_weight, init_grad_bias)):
            raise NotImplementedError("SpatialConvolution: init arrays are not supported; use set_weights")
        super().__init__(int(n_input_plane), int(n_output_plane), int(kernel_w), int(kernel_h), int(stride_w),
                         int(stride_h), int(pad_w), int(pad_h), int(n_group), bool(propagate_back), wRegularizer,
                         bRegularizer, bool(with_bias))


class SpatialMaxPooling(Layer):
    """Max pooling over ``[batch, planes, height, width]``."""

    scala_class = "ferrodl.nn.SpatialMaxPooling"

    def __init__(self, kw, kh, dw, dh, pad_w=0, pad_h=0, to_ceil=False, format="NCHW", bigdl_type="float"):
        if format != "NCHW":
            raise NotImplementedError("SpatialMaxPooling: only format='NCHW' is supported")
        layer = _jvm.new(self.scala_class, int(kw), int(kh), int(dw), int(dh), int(pad_w), int(pad_h))
        if to_ceil:
            layer = _jvm.call(layer, "ceil")
        super().__init__(jvalue=layer)


class Tanh(Layer):
    scala_class = "ferrodl.nn.Tanh"


class ReLU(Layer):
    scala_class = "ferrodl.nn.ReLU"

    def __init__(self, ip=False, bigdl_type="float"):
        super().__init__(bool(ip))


class LogSoftMax(Layer):
    scala_class = "ferrodl.nn.LogSoftMax"


class Dropout(Layer):
    scala_class = "ferrodl.nn.Dropout"

    def __init__(self, init_p=0.5, inplace=False, scale=True, bigdl_type="float"):
        super().__init__(float(init_p), bool(inplace), bool(scale))
