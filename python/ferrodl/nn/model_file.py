"""Saving and loading models and weights in ferrodl's native model file (see docs/model-format.md).

``save(model, path)`` writes the description, weights and buffers; ``load_model(path)`` reads them
back as a model that predicts, trains and saves like the original; ``save_weights(model, path)``
writes the weights alone, each layer's tensor named by its path in the tree, and
``load_weights(model, path)`` reads them into a model of the same structure (checked by name and
shape). Paths may be local, ``file://`` or on any Hadoop file system (``hdfs://``). The same
operations are methods of every layer: ``save``/``saveModel``, ``Layer.load``,
``save_weights``/``saveWeights`` and ``load_weights``/``loadWeights``. Files of any ferrodl
version load; a broken file raises an error that says what is wrong (truncated, checksum
mismatch, unknown layer type, weight count).
"""

from ferrodl.util import jvm as _jvm


def save(model, path, over_write=False):
    """Writes ``model`` to ``path``; refuses an existing file unless ``over_write``."""
    _jvm.call(model.value, "saveModule", path, bool(over_write))
    return model


def load_model(path):
    """The model saved at ``path`` (by ``save``, from Python or Scala)."""
    from ferrodl.nn.layer_base import Layer
    return Layer.of(_jvm.static("ferrodl.nn.Module", "loadModule", path))


def save_weights(model, path, over_write=False):
    """Writes ``model``'s weights and buffers, without its description, to ``path``."""
    _jvm.call(model.value, "saveWeights", path, bool(over_write))
    return model


def load_weights(model, path):
    """Loads weights written by ``save_weights`` (or a whole model file) into ``model``."""
    _jvm.call(model.value, "loadWeights", path)
    return model
