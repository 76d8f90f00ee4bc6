"""The base of every layer (``Layer``, ``Container``) and helpers shared by the layer modules.

The wrappers themselves live in ``ferrodl.nn.layer`` and ``ferrodl.nn.layers_*``; ``ferrodl.nn.layer``
re-exports all of them. This module imports none of them, so any of them can be imported first.
"""

import numpy as np

from ferrodl.util import jvm as _jvm
from ferrodl.util.common import (JavaValue, Sample, tensor_from_bytes, tensor_from_java, tensor_to_java,
                                 to_sample_array, to_sample_rdd)

INTMAX = 2 ** 31 - 1
INTMIN = -2 ** 31
DOUBLEMAX = 1.7976931348623157e308


def _encode(a, layout, chunks):
    if isinstance(a, (list, tuple)):
        layout += [1, len(a)]
        for x in a:
            _encode(x, layout, chunks)
    else:
        arr = np.ascontiguousarray(a, dtype="<f4")
        layout += [0, arr.ndim] + list(arr.shape)
        chunks.append(arr.tobytes())


def activity_to_java(a):
    """A numpy array as a Tensor, or a (nested) list of them as a Table."""
    if not isinstance(a, (list, tuple)):
        return tensor_to_java(a)
    layout, chunks = [], []
    _encode(a, layout, chunks)
    return _jvm.api("decodeActivity", bytearray(b"".join(chunks)), _jvm.int_array(layout))


def activity_from_java(jactivity):
    """A Tensor as a numpy array, a Table as a (nested) list of them."""
    data, layout = _jvm.api("encodeActivity", jactivity)
    values = np.frombuffer(bytes(data), dtype="<f4")
    codes = np.frombuffer(bytes(layout), dtype="<i4").tolist()
    pos = [0, 0]

    def read():
        tag, n = codes[pos[0]], codes[pos[0] + 1]
        pos[0] += 2
        if tag == 1:
            return [read() for _ in range(n)]
        shape = codes[pos[0]:pos[0] + n]
        pos[0] += n
        size = int(np.prod(shape)) if shape else 1
        out = values[pos[1]:pos[1] + size].reshape(shape).astype(np.float32)
        pos[1] += size
        return out

    return read()


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
        """The output for a numpy input, or a (nested) list of them for a table; same for the output."""
        return activity_from_java(_jvm.api("forward", self.value, activity_to_java(input)))

    def backward(self, input, grad_output):
        """The gradient with respect to the input of the last forward; accumulates parameter gradients."""
        out = _jvm.api("backward", self.value, activity_to_java(input), activity_to_java(grad_output))
        return activity_from_java(out)

    def __call__(self, *nodes):
        """A graph node of this layer fed by ``nodes`` (BigDL's functional API): ``Linear(4, 1)(prev)``.

        Called with no node, the layer's node is an input of the graph."""
        from ferrodl.nn.layers_table import Node
        for n in nodes:
            if not isinstance(n, Node):
                raise TypeError(f"a layer is called on graph nodes, got {type(n).__name__}")
        seq = _jvm.api("seq", _jvm.java_list([n.value for n in nodes]))
        return Node(jvalue=_jvm.call(self.value, "inputs", seq))

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
        """BigDL's ``parameters()``: ``{layer name: {"weight": ..., "bias": ..., "gradWeight": ...,
        "gradBias": ...}}`` for every layer with parameters, as float32 arrays with their shapes
        (a Linear's weight is ``(outputSize, inputSize)``); layers with other tensors use their
        names (SReLU: ``tLeft, aLeft, tRight, aRight`` and ``gradTLeft``, ...)."""
        pair = _jvm.call(self.value, "parameters")
        keys = [(str(k[0]), str(k[1])) for k in _jvm.call(self.value, "parameterTensorKeys")]

        def arrays(tensors):
            return [np.frombuffer(bytes(_jvm.api("floatsToBytes", t.storage())), dtype="<f4")
                    .astype(np.float32).reshape([int(d) for d in t.size()]) for t in tensors]

        out = {}
        for (layer, key), w, g in zip(keys, arrays(pair._1()), arrays(pair._2())):
            out.setdefault(layer, {})[key] = w
            out[layer]["grad" + key[:1].upper() + key[1:]] = g
        return out

    def freeze(self, names=None):
        """BigDL's ``freeze``: without names this whole module, else the named modules under it.
        Frozen parameters get zero gradient and training does not change them."""
        _jvm.call(self.value, "freeze", _jvm.api("seq", _jvm.java_list(list(names or []))))
        return self

    def unfreeze(self, names=None):
        """BigDL's ``unFreeze``: without names this module and everything under it, else the named ones."""
        _jvm.call(self.value, "unFreeze", _jvm.api("seq", _jvm.java_list(list(names or []))))
        return self

    unFreeze = unfreeze

    def is_frozen(self):
        return bool(_jvm.call(self.value, "isFrozen"))

    def reset(self):
        """Re-initialises the parameters (and running statistics) with the layers' initialisation."""
        _jvm.call(self.value, "reset")
        return self

    def clone(self):
        """A deep copy (description, weights, buffers, frozen marks), as BigDL's ``cloneModule``."""
        return type(self).of(_jvm.call(self.value, "cloneModule"))

    cloneModule = clone

    def quantize(self):
        """BigDL's ``quantize()``: an int8 copy of this model for inference. Linear, SpatialConvolution
        and SpatialDilatedConvolution become QuantizedLinear / QuantizedSpatialConvolution (weights
        per output channel, activations per sample); the copy predicts, evaluates and saves like any
        model but cannot be trained. See docs/quantization.md."""
        return Layer.of(_jvm.call(self.value, "quantize"))

    def save(self, path, over_write=False):
        """Writes description, weights and buffers to ``path`` (local or any Hadoop file system)."""
        _jvm.call(self.value, "saveModule", path, over_write)
        return self

    saveModel = save

    def save_weights(self, path, over_write=False):
        """Writes the weights and buffers alone (see ``ferrodl.nn.model_file``)."""
        from ferrodl.nn.model_file import save_weights
        return save_weights(self, path, over_write)

    saveWeights = save_weights

    def load_weights(self, path):
        """Loads weights written by ``save_weights``, checked by tensor name and shape."""
        from ferrodl.nn.model_file import load_weights
        return load_weights(self, path)

    loadWeights = load_weights

    def save_onnx(self, path, over_write=False):
        """Exports the model as ONNX (opset 13); see ``ferrodl.nn.onnx`` and docs/onnx.md."""
        from ferrodl.nn.onnx import save_onnx
        return save_onnx(self, path, over_write)

    saveONNX = save_onnx

    @staticmethod
    def load(path):
        """A model saved with ``save`` (from Python or Scala)."""
        return Layer.of(_jvm.static("ferrodl.nn.Module", "loadModule", path))

    def set_init_method(self, weight_init_method=None, bias_init_method=None):
        """Replaces the default initialisation of the weight and/or the bias (None keeps the default);
        the parameters are re-initialised. Linear, SpatialConvolution and LookupTable accept it."""
        _jvm.call(self.value, "setInitMethod", None if weight_init_method is None else weight_init_method.value,
                  None if bias_init_method is None else bias_init_method.value)
        return self



class Container(Layer):
    def add(self, layer):
        _jvm.call(self.value, "add", layer.value)
        return self
