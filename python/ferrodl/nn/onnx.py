"""ONNX export and import (see docs/onnx.md).

``model.save_onnx(path)`` (or ``saveONNX``) writes any model whose layers have ONNX equivalents as
an ONNX model (opset 13); ``Model.load_onnx(path)`` (or ``loadONNX``, or ``load_onnx`` here) reads an
ONNX model into an ordinary ferrodl model that predicts, trains and saves like any other. Paths may
be local or on any Hadoop file system.
"""

from ferrodl.util import jvm as _jvm


def save_onnx(layer, path, over_write=False):
    """Writes ``layer`` (a model) to ``path`` as ONNX; refuses an existing file unless ``over_write``."""
    _jvm.call(layer.value, "saveONNX", path, bool(over_write))
    return layer


def load_onnx(path):
    """The ferrodl model of the ONNX file at ``path``."""
    from ferrodl.nn.layer_base import Layer
    return Layer.of(_jvm.static("ferrodl.nn.Module", "loadONNX", path))
